import type { Actor, Player, TradeOffer } from "@hoard/protocol";
import { describe, expect, it } from "vitest";
import { type Guarded, guardKey } from "../commit/plan";
import { DEFAULT_STATE_LIMITS } from "../config";
import { newOffer, offerAt } from "./offers";
import { acceptPlan, executePlan, expirePlan, proposePlan, settlePlan, type TradeContext } from "./plans";
import { FEED_GUARD, OFFER_GUARD } from "./port";

const T0 = "2025-01-01T00:00:00.000Z";
const LATER = "2025-01-01T00:00:30.000Z";
const AFTER_EXPIRY = "2025-01-01T00:01:00.000Z";
const SWORD = "a".repeat(64);
const OFFER_ID = "0".repeat(32);
const RECORD_ID = "1".repeat(32);
const server: Actor = { role: "server", sub: "game" };
const as = (sub: string): Actor => ({ role: "player", sub });

/** Builders: players, guards as read by the engine, and the context of one commit. */
function player(id: string, fields: { gold?: number; swords?: number } = {}): Player {
  return {
    id,
    version: 1,
    wallet: fields.gold ? { gold: fields.gold } : {},
    inventories: fields.swords ? { bag: { stacks: { [SWORD]: fields.swords }, metrics: {} } } : {},
    createdAt: T0,
    updatedAt: T0,
  };
}

function players(...list: Player[]): Map<string, Player> {
  return new Map(list.map((p) => [p.id, p]));
}

function offer(fields: Partial<TradeOffer> = {}): TradeOffer {
  const base = newOffer(
    {
      id: OFFER_ID,
      from: "alice",
      to: "bob",
      give: { items: [{ category: "bag", itemId: SWORD, quantity: 1 }], currencies: {} },
      want: { items: [], currencies: { gold: 100 } },
      expiresIn: 60,
      proposedBy: as("alice"),
    },
    T0,
  );
  return { ...base, ...fields };
}

function guards(stored: { offer?: TradeOffer; feeds?: Record<string, number> } = {}): Map<string, Guarded> {
  const map = new Map<string, Guarded>();
  if (stored.offer)
    map.set(guardKey({ kind: OFFER_GUARD, id: stored.offer.id }), {
      kind: OFFER_GUARD,
      id: stored.offer.id,
      version: 1,
      data: stored.offer,
    });
  for (const [key, seq] of Object.entries(stored.feeds ?? {}))
    map.set(guardKey({ kind: FEED_GUARD, id: key }), { kind: FEED_GUARD, id: key, version: seq, data: null });
  return map;
}

function ctx(actor: Actor, at = LATER, fields: Partial<TradeContext> = {}): TradeContext {
  return {
    actor,
    opId: "op-00000001",
    at,
    recordId: RECORD_ID,
    values: new Map([[SWORD, 100]]),
    threshold: 0.5,
    limits: DEFAULT_STATE_LIMITS,
    ...fields,
  };
}

const feedWrites = (plan: { guards?: Guarded[] }) =>
  (plan.guards ?? []).filter((doc) => doc.kind === FEED_GUARD).map((doc) => [doc.id, doc.version]);
const offerWrite = (plan: { guards?: Guarded[] }) => plan.guards?.find((doc) => doc.kind === OFFER_GUARD);

describe("acceptPlan", () => {
  const parties = () => players(player("alice", { swords: 1 }), player("bob", { gold: 100 }));

  it("swaps, settles the offer, records and announces to both feeds in one plan", () => {
    const plan = acceptPlan({ tradeId: OFFER_ID }, ctx(as("bob")), parties(), guards({ offer: offer(), feeds: { alice: 4 } }));
    expect(plan.writes.map((write) => [write.player.id, write.player.version])).toEqual([
      ["alice", 2],
      ["bob", 2],
    ]);
    expect(offerWrite(plan)).toMatchObject({ version: 2, data: { status: "accepted", settledAt: LATER, tradeRecordId: RECORD_ID } });
    expect(feedWrites(plan)).toEqual([
      ["alice", 5],
      ["bob", 1],
    ]);
    expect(plan.records).toEqual([
      expect.objectContaining({
        kind: "trade",
        id: RECORD_ID,
        playerIds: ["alice", "bob"],
        data: expect.objectContaining({ outcome: "executed" }),
      }),
    ]);
    expect(plan.refusal).toBeUndefined();
    expect(plan.result.trade).toMatchObject({ imbalance: 0, suspicious: false, versions: { from: 2, to: 2 } });
  });

  it("flags an imbalanced swap and announces it on the admin feed", () => {
    const plan = acceptPlan(
      { tradeId: OFFER_ID },
      ctx(as("bob"), LATER, { values: new Map([[SWORD, 1000]]) }),
      parties(),
      guards({ offer: offer() }),
    );
    expect(plan.result.trade).toMatchObject({ imbalance: 0.9, suspicious: true });
    expect(plan.result.pushes.map((push) => [push.key, push.event])).toEqual([
      ["alice", "accepted"],
      ["bob", "accepted"],
      ["_suspicious", "suspicious"],
    ]);
  });

  it("flags a swap just above the threshold, though its record shows the score rounded onto it", () => {
    // 2 swords of 1,000,000 and 1 gold for 1,000,000 gold: 0.50000025.
    const rich = players(player("alice", { swords: 2, gold: 1 }), player("bob", { gold: 1_000_000 }));
    const lopsided = offer({
      give: { items: [{ category: "bag", itemId: SWORD, quantity: 2 }], currencies: { gold: 1 } },
      want: { items: [], currencies: { gold: 1_000_000 } },
    });
    const plan = acceptPlan(
      { tradeId: OFFER_ID },
      ctx(as("bob"), LATER, { values: new Map([[SWORD, 1_000_000]]) }),
      rich,
      guards({ offer: lopsided }),
    );
    expect(plan.result.trade).toMatchObject({ imbalance: 0.5, suspicious: true });
  });

  it("returns a refusal that cannot be paid for with its record, leaving the offer pending", () => {
    const broke = players(player("alice", { swords: 1 }), player("bob", { gold: 99 }));
    const plan = acceptPlan({ tradeId: OFFER_ID }, ctx(as("bob")), broke, guards({ offer: offer() }));
    expect(plan.writes).toEqual([]);
    expect(offerWrite(plan)).toBeUndefined();
    expect(plan.refusal).toMatchObject({ code: "TRADE_INSUFFICIENT_FUNDS", details: { playerId: "bob", tradeRecordId: RECORD_ID } });
    expect(plan.records?.[0]?.data).toMatchObject({ outcome: "refused", reason: "TRADE_INSUFFICIENT_FUNDS" });
    expect(plan.result.pushes.map((push) => push.event)).toEqual(["refused", "refused"]);
  });

  it("records an outsider's or a second accept without announcing it", () => {
    const outsider = acceptPlan({ tradeId: OFFER_ID }, ctx(as("mallory")), parties(), guards({ offer: offer() }));
    expect(outsider.refusal?.code).toBe("TRADE_NOT_A_PARTY");
    const settled = acceptPlan({ tradeId: OFFER_ID }, ctx(as("bob")), parties(), guards({ offer: offer({ status: "accepted" }) }));
    expect(settled.refusal?.code).toBe("TRADE_ALREADY_SETTLED");
    const swept = acceptPlan({ tradeId: OFFER_ID }, ctx(as("bob")), parties(), guards({ offer: offer({ status: "expired" }) }));
    expect(swept.refusal?.code).toBe("TRADE_EXPIRED");
    for (const plan of [outsider, settled, swept]) {
      expect(plan.writes).toEqual([]);
      expect(plan.guards).toEqual([]);
      expect(plan.records).toHaveLength(1);
    }
  });

  it("lets a server accept for the recipient, and settles a lapsed offer as expired instead", () => {
    expect(acceptPlan({ tradeId: OFFER_ID }, ctx(server), parties(), guards({ offer: offer() })).result.trade?.outcome).toBe("executed");
    const late = acceptPlan({ tradeId: OFFER_ID }, ctx(as("bob"), AFTER_EXPIRY), parties(), guards({ offer: offer() }));
    expect(late.writes).toEqual([]);
    expect(late.refusal?.code).toBe("TRADE_EXPIRED");
    expect(offerWrite(late)).toMatchObject({ data: { status: "expired", settledAt: AFTER_EXPIRY } });
    expect(late.records?.[0]?.data).toMatchObject({ outcome: "expired", reason: "TRADE_EXPIRED" });
  });
});

describe("settlePlan and expirePlan", () => {
  it("lets the recipient decline and the proposer cancel, and nobody else", () => {
    expect(
      offerWrite(settlePlan({ tradeId: OFFER_ID, action: "decline" }, ctx(as("bob")), guards({ offer: offer() })))?.data,
    ).toMatchObject({
      status: "declined",
    });
    expect(
      offerWrite(settlePlan({ tradeId: OFFER_ID, action: "cancel" }, ctx(as("alice")), guards({ offer: offer() })))?.data,
    ).toMatchObject({
      status: "cancelled",
    });
    expect(() => settlePlan({ tradeId: OFFER_ID, action: "decline" }, ctx(as("alice")), guards({ offer: offer() }))).toThrow(
      expect.objectContaining({ code: "TRADE_NOT_A_PARTY" }),
    );
    expect(() =>
      settlePlan({ tradeId: OFFER_ID, action: "cancel" }, ctx(as("bob")), guards({ offer: offer({ status: "declined" }) })),
    ).toThrow(expect.objectContaining({ code: "TRADE_NOT_A_PARTY" }));
    expect(() =>
      settlePlan({ tradeId: OFFER_ID, action: "cancel" }, ctx(as("alice")), guards({ offer: offer({ status: "declined" }) })),
    ).toThrow(expect.objectContaining({ code: "TRADE_ALREADY_SETTLED" }));
  });

  it("expires only a lapsed pending offer", () => {
    expect(expirePlan({ tradeId: OFFER_ID }, ctx(server, LATER), guards({ offer: offer() })).guards).toEqual([]);
    expect(expirePlan({ tradeId: OFFER_ID }, ctx(server, AFTER_EXPIRY), guards({ offer: offer({ status: "accepted" }) })).guards).toEqual(
      [],
    );
    const expired = expirePlan({ tradeId: OFFER_ID }, ctx(server, AFTER_EXPIRY), guards({ offer: offer() }));
    expect(offerWrite(expired)?.data).toMatchObject({ status: "expired" });
    expect(expired.result.pushes.map((push) => push.event)).toEqual(["expired", "expired"]);
  });

  it("reads a lapsed offer as expired before the sweep has settled it", () => {
    expect(offerAt(offer(), LATER).status).toBe("pending");
    expect(offerAt(offer(), AFTER_EXPIRY).status).toBe("expired");
    expect(offerAt(offer({ status: "accepted" }), AFTER_EXPIRY).status).toBe("accepted");
  });
});

describe("proposePlan and executePlan", () => {
  const fields = { ...offer(), expiresIn: 60, proposedBy: as("alice") };

  it("creates the offer at version 1 and announces it to both parties", () => {
    const plan = proposePlan(fields, ctx(as("alice"), T0), players(player("alice", { swords: 1 }), player("bob")), guards());
    expect(offerWrite(plan)).toMatchObject({ version: 1, data: { status: "pending", expiresAt: "2025-01-01T00:01:00.000Z" } });
    expect(plan.result.pushes.map((push) => [push.key, push.event, push.seq])).toEqual([
      ["alice", "proposed", 1],
      ["bob", "proposed", 1],
    ]);
    expect(plan.records).toEqual([]);
  });

  it("refuses what the proposer cannot give, and an offer id that already exists", () => {
    expect(() => proposePlan(fields, ctx(as("alice"), T0), players(player("alice"), player("bob")), guards())).toThrow(
      expect.objectContaining({ code: "TRADE_INSUFFICIENT_ITEMS" }),
    );
    expect(() =>
      proposePlan(fields, ctx(as("alice"), T0), players(player("alice", { swords: 1 }), player("bob")), guards({ offer: offer() })),
    ).toThrow(expect.objectContaining({ code: "OP_ID_EXPIRED" }));
  });

  it("executes a direct trade or returns its recorded refusal", () => {
    const terms = { from: "alice", to: "bob", give: offer().give, want: offer().want };
    const done = executePlan(terms, ctx(server), players(player("alice", { swords: 1 }), player("bob", { gold: 100 })), guards());
    expect(done.result.trade).toMatchObject({ id: RECORD_ID, tradeId: RECORD_ID, mode: "direct", outcome: "executed" });
    expect(done.writes).toHaveLength(2);
    const refused = executePlan(terms, ctx(server), players(player("alice"), player("bob", { gold: 100 })), guards());
    expect(refused.writes).toEqual([]);
    expect(refused.refusal?.code).toBe("TRADE_INSUFFICIENT_ITEMS");
    expect(() => executePlan(terms, ctx(server), players(player("alice", { swords: 1 })), guards())).toThrow(
      expect.objectContaining({ code: "PLAYER_NOT_FOUND" }),
    );
  });
});
