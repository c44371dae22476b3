import type { TradeOffer } from "@hoard/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { guardKey } from "../port";
import { OFFER_GUARD } from "../trade-port";
import { SqliteStore } from "./sqlite-store";

/** Offer listing on the embedded engine: newest first, paged, statuses judged by `now`. */
describe("sqlite trade store: offers", () => {
  let store: SqliteStore;
  beforeEach(() => {
    store = new SqliteStore({ path: ":memory:", synchronous: "OFF" });
  });
  afterEach(async () => {
    await store.close();
  });

  let n = 0;
  /** Stores an offer the way a commit does: as a guard written at version 1. */
  async function stored(fields: Partial<TradeOffer> & { createdAt: string; expiresAt: string }): Promise<TradeOffer> {
    const offer: TradeOffer = {
      id: String(++n).padStart(32, "0"),
      from: "alice",
      to: "bob",
      give: { items: [], currencies: { gold: 1 } },
      want: { items: [], currencies: {} },
      status: "pending",
      proposedBy: { role: "player", sub: "alice" },
      ...fields,
    };
    const ref = { kind: OFFER_GUARD, id: offer.id };
    await store.commitPlayers({
      opId: `offer-${offer.id}`,
      actor: { role: "server", sub: "test" },
      kind: "test",
      requestHash: "h",
      playerIds: [],
      guards: [ref],
      apply: (_players, _at, guards) => ({ writes: [], guards: [{ ...ref, version: 1, data: offer }], result: guards.has(guardKey(ref)) }),
    });
    return offer;
  }

  const NOW = "2025-01-01T12:00:00.000Z";
  const ids = (offers: TradeOffer[]) => offers.map((offer) => offer.id);

  it("judges pending and expired by the clock it is given", async () => {
    const live = await stored({ createdAt: "2025-01-01T10:00:00.000Z", expiresAt: "2025-01-01T13:00:00.000Z" });
    const lapsed = await stored({ createdAt: "2025-01-01T09:00:00.000Z", expiresAt: "2025-01-01T11:00:00.000Z" });
    const swept = await stored({ createdAt: "2025-01-01T08:00:00.000Z", expiresAt: "2025-01-01T09:00:00.000Z", status: "expired" });
    const declined = await stored({ createdAt: "2025-01-01T07:00:00.000Z", expiresAt: "2025-01-01T13:00:00.000Z", status: "declined" });
    const query = { playerId: "bob", now: NOW, limit: 10 };

    expect(ids(await store.trades.listOffers({ ...query, status: "pending" }))).toEqual([live.id]);
    expect(ids(await store.trades.listOffers({ ...query, status: "expired" }))).toEqual([lapsed.id, swept.id]);
    expect(ids(await store.trades.listOffers({ ...query, status: "declined" }))).toEqual([declined.id]);
    expect(ids(await store.trades.listOffers(query))).toEqual([live.id, lapsed.id, swept.id, declined.id]);
    expect(await store.trades.listLapsedOffers(NOW, 10)).toEqual([lapsed.id]);
  });

  it("lists a player's sent, received or all offers, newest first, page by page", async () => {
    const sent = await stored({ createdAt: "2025-01-01T10:00:00.000Z", expiresAt: "2025-01-02T00:00:00.000Z" });
    const received = await stored({
      from: "bob",
      to: "alice",
      createdAt: "2025-01-01T11:00:00.000Z",
      expiresAt: "2025-01-02T00:00:00.000Z",
    });
    const other = await stored({ from: "carol", to: "bob", createdAt: "2025-01-01T11:30:00.000Z", expiresAt: "2025-01-02T00:00:00.000Z" });
    const query = { playerId: "alice", now: NOW, limit: 10 };

    expect(ids(await store.trades.listOffers({ ...query, as: "from" }))).toEqual([sent.id]);
    expect(ids(await store.trades.listOffers({ ...query, as: "to" }))).toEqual([received.id]);
    const first = await store.trades.listOffers({ ...query, limit: 1 });
    expect(ids(first)).toEqual([received.id]);
    const next = await store.trades.listOffers({ ...query, limit: 1, before: { at: received.createdAt, id: received.id } });
    expect(ids(next)).toEqual([sent.id]);
    expect(ids(await store.trades.listOffers({ playerId: "bob", now: NOW, limit: 10 }))).toEqual([other.id, received.id, sent.id]);
  });
});
