import { connect, type HoardClient, HoardError, type TradePush } from "@hoard/client-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, startServer, type TestServer } from "../support/server";
import { defineItems, gold, holdings, items, stockedPlayer } from "../support/trade";

describe("trades through the SDK on a real node", () => {
  let server: TestServer;
  let gm: HoardClient;
  let admin: HoardClient;
  let item: Record<"sword" | "potion" | "pelt", string>;
  const open = (role: "player" | "server" | "admin", sub?: string) => server.client(role, sub);

  beforeAll(async () => {
    server = await startServer({ env: { HOARD_TRADE_EXPIRY_SWEEP_MS: "100" } });
    gm = await open("server", "game");
    admin = await open("admin", "console");
    item = await defineItems(gm, { sword: 100, potion: 5, pelt: undefined });
  });
  afterAll(async () => {
    await server.close();
  });

  it("pushes an offer to the recipient; accepting swaps both sides in one commit and pushes both inventories", async () => {
    const alice = await stockedPlayer(gm, "alice", { bag: { [item.sword]: 1 } });
    const bob = await stockedPlayer(gm, "bob", { gold: 150 });
    const asAlice = await open("player", alice);
    const asBob = await open("player", bob);
    const bobFeed = await asBob.trades.watch(bob);
    const events: TradePush[] = [];
    bobFeed.on("change", (push) => events.push(push));
    const aliceLive = await asAlice.watch(alice);
    const bobLive = await asBob.watch(bob);

    const { offer } = await asAlice.trades.propose(bob, { give: items({ [item.sword]: 1 }), want: gold(120) });
    expect(offer).toMatchObject({ from: alice, to: bob, status: "pending", proposedBy: { role: "player", sub: alice } });
    await expect.poll(() => bobFeed.pending.get(offer.id)?.status).toBe("pending");
    expect(events.map((push) => [push.event, push.seq])).toEqual([["proposed", 1]]);

    const { trade, offer: accepted, replayed } = await asBob.trades.accept(offer.id);
    expect(replayed).toBe(false);
    expect(trade).toMatchObject({ outcome: "executed", tradeId: offer.id, from: alice, to: bob, value: { give: 100, want: 120 } });
    expect(accepted).toMatchObject({ status: "accepted", tradeRecordId: trade.id });

    expect(await holdings(gm, alice)).toEqual({ gold: 120, bag: {} });
    expect(await holdings(gm, bob)).toEqual({ gold: 30, bag: { [item.sword]: 1 } });
    // Both subscribers are pushed the swap's versions, after the commit.
    await expect.poll(() => aliceLive.version).toBe(trade.versions?.from);
    await expect.poll(() => bobLive.version).toBe(trade.versions?.to);
    expect(aliceLive.state).toEqual((await gm.players.get(alice)).player);
    expect(bobLive.state).toEqual((await gm.players.get(bob)).player);
    await expect.poll(() => events.map((push) => push.event)).toEqual(["proposed", "accepted"]);
    expect(bobFeed.pending.size).toBe(0);
    expect((await asAlice.trades.get(offer.id)).offer).toEqual(accepted);

    // A second accept is refused and recorded; nothing moves.
    const again = await failure(asBob.trades.accept(offer.id));
    expect(again).toMatchObject({ code: "TRADE_ALREADY_SETTLED" });
    expect(await holdings(gm, bob)).toEqual({ gold: 30, bag: { [item.sword]: 1 } });
    const { trades } = await asAlice.trades.history(alice);
    expect(trades.map((record) => [record.outcome, record.reason])).toEqual([
      ["executed", undefined],
      ["refused", "TRADE_ALREADY_SETTLED"],
    ]);
  });

  it("refuses an accept the recipient cannot pay for, records it, and leaves the offer open", async () => {
    const alice = await stockedPlayer(gm, "alice", { bag: { [item.sword]: 1 } });
    const carol = await stockedPlayer(gm, "carol", { gold: 50 });
    const asCarol = await open("player", carol);
    const { offer } = await gm.trades.propose(carol, { give: items({ [item.sword]: 1 }), want: gold(120) }, { from: alice });

    const refused = await failure(asCarol.trades.accept(offer.id));
    expect(refused).toBeInstanceOf(HoardError);
    expect(refused).toMatchObject({ code: "TRADE_INSUFFICIENT_FUNDS", details: { playerId: carol, have: 50, need: 120 } });
    const recordId = (refused.details as { tradeRecordId: string }).tradeRecordId;
    const { trades } = await gm.trades.history(carol);
    expect(trades).toEqual([expect.objectContaining({ id: recordId, outcome: "refused", reason: "TRADE_INSUFFICIENT_FUNDS" })]);
    expect((await gm.trades.get(offer.id)).offer.status).toBe("pending");
    expect(await holdings(gm, carol)).toEqual({ gold: 50, bag: {} });

    await gm.inventory.credit(carol, "gold", 100);
    const { trade } = await asCarol.trades.accept(offer.id, { into: "loot" });
    expect(trade.outcome).toBe("executed");
    expect((await gm.players.get(carol)).player.inventories.loot?.stacks).toEqual({ [item.sword]: 1 });
  });

  it("lets only the recipient accept or decline and only the proposer cancel", async () => {
    const alice = await stockedPlayer(gm, "alice", { bag: { [item.potion]: 4 } });
    const bob = await stockedPlayer(gm, "bob", { gold: 40 });
    const mallory = await stockedPlayer(gm, "mallory", { gold: 1000 });
    const [asAlice, asBob, asMallory] = await Promise.all([open("player", alice), open("player", bob), open("player", mallory)]);
    const terms = { give: items({ [item.potion]: 2 }), want: gold(10) };

    const first = (await asAlice.trades.propose(bob, terms)).offer;
    expect(await failure(asMallory.trades.accept(first.id))).toMatchObject({ code: "TRADE_NOT_A_PARTY" });
    expect(await failure(asMallory.trades.get(first.id))).toMatchObject({ code: "TRADE_NOT_A_PARTY" });
    expect(await failure(asAlice.trades.accept(first.id))).toMatchObject({ code: "TRADE_NOT_A_PARTY" });
    expect(await failure(asBob.trades.cancel(first.id))).toMatchObject({ code: "TRADE_NOT_A_PARTY" });
    expect((await asAlice.trades.cancel(first.id)).offer.status).toBe("cancelled");
    expect(await failure(asBob.trades.accept(first.id))).toMatchObject({ code: "TRADE_ALREADY_SETTLED" });

    const second = (await asAlice.trades.propose(bob, terms)).offer;
    expect(await failure(asAlice.trades.decline(second.id))).toMatchObject({ code: "TRADE_NOT_A_PARTY" });
    expect((await asBob.trades.decline(second.id)).offer.status).toBe("declined");

    expect(await holdings(gm, alice)).toEqual({ gold: 0, bag: { [item.potion]: 4 } });
    expect(await holdings(gm, bob)).toEqual({ gold: 40, bag: {} });
    const outcomes = (await gm.trades.history(alice)).trades.map((record) => [record.outcome, record.reason, record.actor.sub]);
    // Records list by time, then id: two written in the same millisecond may come in either order.
    expect(outcomes).toHaveLength(5);
    expect(outcomes).toEqual(
      expect.arrayContaining([
        ["refused", "TRADE_NOT_A_PARTY", mallory],
        ["refused", "TRADE_NOT_A_PARTY", alice],
        ["cancelled", undefined, alice],
        ["refused", "TRADE_ALREADY_SETTLED", bob],
        ["declined", undefined, bob],
      ]),
    );
    const { offers } = await asAlice.trades.list(alice, { as: "from" });
    expect(offers.map((offer) => offer.status)).toEqual(["declined", "cancelled"]);
  });

  it("checks a proposal against server state", async () => {
    const alice = await stockedPlayer(gm, "alice", { bag: { [item.potion]: 1 } });
    const bob = await stockedPlayer(gm, "bob");
    const asAlice = await open("player", alice);
    expect(await failure(asAlice.trades.propose(bob, { give: items({ [item.potion]: 2 }) }))).toMatchObject({
      code: "TRADE_INSUFFICIENT_ITEMS",
      details: { playerId: alice, have: 1, need: 2 },
    });
    expect(await failure(asAlice.trades.propose(alice, { give: items({ [item.potion]: 1 }) }))).toMatchObject({ code: "TRADE_SELF" });
    expect(await failure(asAlice.trades.propose(bob, { give: gold(1) }, { from: bob }))).toMatchObject({ code: "AUTH_FORBIDDEN" });
    expect(await failure(asAlice.trades.propose("nobody-here", { give: items({ [item.potion]: 1 }) }))).toMatchObject({
      code: "PLAYER_NOT_FOUND",
    });
    expect(await failure(asAlice.trades.propose(bob, {}))).toMatchObject({ code: "VALIDATION_FAILED" });
    expect((await gm.trades.list(bob)).offers).toEqual([]);
  });

  it("expires offers by the server clock: read as expired, refused on accept, settled and pushed by the sweep", async () => {
    const alice = await stockedPlayer(gm, "alice", { bag: { [item.potion]: 2 } });
    const bob = await stockedPlayer(gm, "bob", { gold: 10 });
    const asBob = await open("player", bob);
    const feed = await asBob.trades.watch(bob);
    const events: string[] = [];
    feed.on("change", (push) => events.push(push.event));
    const { offer } = await gm.trades.propose(bob, { give: items({ [item.potion]: 1 }), want: gold(5) }, { from: alice, expiresIn: 1 });

    await expect.poll(() => events, { timeout: 5000 }).toEqual(["proposed", "expired"]);
    expect(feed.pending.size).toBe(0);
    expect((await asBob.trades.get(offer.id)).offer).toMatchObject({ status: "expired", settledAt: expect.any(String) });
    expect(await failure(asBob.trades.accept(offer.id))).toMatchObject({ code: "TRADE_EXPIRED" });
    expect(await holdings(gm, bob)).toEqual({ gold: 10, bag: {} });
    const outcomes = (await gm.trades.history(bob)).trades.map((record) => [record.outcome, record.reason]);
    expect(outcomes).toEqual([
      ["expired", "TRADE_EXPIRED"],
      ["refused", "TRADE_EXPIRED"],
    ]);
  });

  it("runs a direct trade in one call, over the socket and over REST, once per opId", async () => {
    const hunter = await stockedPlayer(gm, "hunter", { bag: { [item.pelt]: 5 } });
    const merchant = await stockedPlayer(gm, "merchant", { gold: 100 });
    const terms = { give: items({ [item.pelt]: 5 }), want: gold(40) };

    const first = await gm.trades.execute(hunter, merchant, terms, { opId: "direct-pelts-0001" });
    const again = await gm.trades.execute(hunter, merchant, terms, { opId: "direct-pelts-0001" });
    expect(first).toMatchObject({ replayed: false, trade: { mode: "direct", outcome: "executed", value: { give: 0, want: 40 } } });
    expect(again).toEqual({ ...first, replayed: true });
    expect(await holdings(gm, hunter)).toEqual({ gold: 40, bag: {} });
    expect(await holdings(gm, merchant)).toEqual({ gold: 60, bag: { [item.pelt]: 5 } });
    const reused = await failure(gm.trades.execute(hunter, merchant, { give: gold(1) }, { opId: "direct-pelts-0001" }));
    expect(reused).toMatchObject({ code: "OP_ID_REUSED" });

    const rest = async (role: "server" | "player", body: unknown) => {
      const response = await fetch(`${server.url}/api/v1/trades`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${await server.token(role, hunter)}` },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { ok: boolean; data?: any; error?: any } };
    };
    const back = { from: merchant, to: hunter, give: items({ [item.pelt]: 2 }), want: gold(20), opId: "rest-direct-0001" };
    const byServer = await rest("server", back);
    expect(byServer).toMatchObject({ status: 200, body: { ok: true, data: { trade: { outcome: "executed", from: merchant } } } });
    expect(await rest("player", { ...back, opId: "rest-direct-0002" })).toMatchObject({
      status: 403,
      body: { ok: false, error: { code: "AUTH_FORBIDDEN" } },
    });
    const broke = await rest("server", { ...back, want: gold(1000), opId: "rest-direct-0003" });
    expect(broke).toMatchObject({ status: 422, body: { error: { code: "TRADE_INSUFFICIENT_FUNDS", details: { playerId: hunter } } } });
    expect(await holdings(gm, hunter)).toEqual({ gold: 20, bag: { [item.pelt]: 2 } });
  });

  it("refuses a direct trade that would overfill an inventory or trade with itself, and records both", async () => {
    const giver = await stockedPlayer(gm, "giver", { bag: { [item.potion]: 3 } });
    const full = await stockedPlayer(gm, "full", { bag: { [item.sword]: 1 }, capacity: 2 });
    const overfill = await failure(gm.trades.execute(giver, full, { give: items({ [item.potion]: 2 }) }));
    expect(overfill).toMatchObject({ code: "TRADE_CAPACITY_EXCEEDED", details: { playerId: full, capacity: 2, units: 3 } });
    expect(await failure(gm.trades.execute(giver, giver, { give: items({ [item.potion]: 1 }) }))).toMatchObject({ code: "TRADE_SELF" });
    expect(await holdings(gm, giver)).toEqual({ gold: 0, bag: { [item.potion]: 3 } });
    expect(await holdings(gm, full)).toEqual({ gold: 0, bag: { [item.sword]: 1 } });
    expect((await gm.trades.history(giver)).trades.map((record) => record.reason)).toEqual(["TRADE_CAPACITY_EXCEEDED", "TRADE_SELF"]);
  });

  it("flags imbalanced trades as suspicious and pushes them to the admin feed only", async () => {
    const alt = await stockedPlayer(gm, "alt", { bag: { [item.sword]: 2 } });
    const main = await stockedPlayer(gm, "main", { gold: 100 });
    const flags = await admin.economy.watchSuspicious();
    const flagged: TradePush[] = [];
    flags.on("change", (push) => flagged.push(push));
    const before = flags.seq;

    const fair = await gm.trades.execute(alt, main, { give: items({ [item.sword]: 1 }), want: gold(100) });
    expect(fair.trade).toMatchObject({ imbalance: 0, suspicious: false });
    const gift = await gm.trades.execute(alt, main, { give: items({ [item.sword]: 1 }) });
    expect(gift.trade).toMatchObject({ imbalance: 1, suspicious: true });

    await expect.poll(() => flagged.length).toBe(1);
    expect(flagged[0]).toMatchObject({ event: "suspicious", seq: before + 1, trade: { id: gift.trade.id } });

    const asAlt = await open("player", alt);
    expect(await failure(asAlt.economy.watchSuspicious())).toMatchObject({ code: "AUTH_FORBIDDEN" });
    expect(await failure(asAlt.trades.watch(main))).toMatchObject({ code: "AUTH_FORBIDDEN" });
  });

  it("documents the trade and economy routes in OpenAPI", async () => {
    const document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(document.paths["/api/v1/trades"]?.post).toMatchObject({ operationId: "trades:execute", requestBody: expect.anything() });
    expect(document.paths["/api/v1/trades/offers/{tradeId}/accept"]?.post).toMatchObject({ operationId: "trades:accept" });
    expect(document.paths["/api/v1/economy/imbalanced-trades"]?.get).toMatchObject({
      parameters: expect.arrayContaining([{ name: "minImbalance", in: "query", required: false, schema: { type: "number" } }]),
    });
  });

  it("a trade feed resyncs its pending offers after a gap", async () => {
    const seller = await stockedPlayer(gm, "seller", { bag: { [item.potion]: 10 } });
    const buyer = await stockedPlayer(gm, "buyer");
    const asBuyer = await open("player", buyer);
    const feed = await asBuyer.trades.watch(buyer);
    const resyncs: number[] = [];
    feed.on("resync", (pending) => resyncs.push(pending.length));
    // Lose the first two pushes, as if the network dropped them; let the third through.
    const push = asBuyer.socket.listeners("push")[0] as (message: { seq: number; type: string }) => void;
    asBuyer.socket.off("push");
    asBuyer.socket.on("push", (message) => {
      if (message.type !== "trade" || message.seq > 2) push(message);
    });
    const offers = [];
    for (let i = 0; i < 3; i++)
      offers.push((await gm.trades.propose(buyer, { give: items({ [item.potion]: 1 }) }, { from: seller })).offer);
    await expect.poll(() => feed.seq).toBe(3);
    expect(resyncs).toEqual([3]);
    expect([...feed.pending.keys()].sort()).toEqual(offers.map((offer) => offer.id).sort());
  });
});

describe("economy analytics", () => {
  let server: TestServer;
  let gm: HoardClient;
  let admin: HoardClient;
  const clients: HoardClient[] = [];

  beforeAll(async () => {
    server = await startServer();
    gm = await connect(server.url, { token: await server.token("server", "game") });
    admin = await connect(server.url, { token: await server.token("admin", "console") });
    clients.push(gm, admin);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await server.close();
  });

  it("answers trade counts, most traded items, imbalanced trades, diverse inventories and the richest players", async () => {
    const item = await defineItems(gm, { gem: 500, arrow: 1, bread: 2 });
    const since = new Date().toISOString();
    const archer = await stockedPlayer(gm, "archer", { gold: 10, bag: { [item.arrow]: 100, [item.bread]: 3 } });
    const jeweller = await stockedPlayer(gm, "jeweller", { gold: 1000, bag: { [item.gem]: 2 } });
    const baker = await stockedPlayer(gm, "baker", { bag: { [item.bread]: 50 } });

    await gm.trades.execute(archer, jeweller, { give: items({ [item.arrow]: 50 }), want: gold(50) }); // even
    await gm.trades.execute(jeweller, archer, { give: items({ [item.gem]: 1 }), want: gold(10) }); // 0.98
    await gm.trades.execute(baker, archer, { give: items({ [item.bread]: 10 }), want: items({ [item.arrow]: 20 }) }); // even
    await failure(gm.trades.execute(baker, archer, { give: items({ [item.bread]: 999 }) })); // refused
    const { offer } = await gm.trades.propose(archer, { give: items({ [item.bread]: 1 }) }, { from: baker, expiresIn: 60 });
    await gm.trades.propose(archer, { give: items({ [item.bread]: 1 }) }, { from: baker });
    await gm.trades.decline(offer.id);

    const counts = await admin.economy.tradeCounts({ since });
    expect(counts).toMatchObject({
      total: 5,
      byOutcome: { executed: 3, refused: 1, declined: 1, cancelled: 0, expired: 0 },
      suspicious: 1,
    });
    expect((await admin.economy.tradeCounts({ until: since })).total).toBe(0);

    const top = await admin.economy.topItems({ since });
    expect(top.items.map((row) => [row.name, row.trades, row.quantity])).toEqual([
      ["arrow", 2, 70],
      ["bread", 1, 10],
      ["gem", 1, 1],
    ]);
    const byQuantity = await admin.economy.topItems({ since, by: "quantity", limit: 1 });
    expect(byQuantity.items.map((row) => row.name)).toEqual(["arrow"]);

    const imbalanced = await admin.economy.imbalancedTrades({ since });
    expect(imbalanced.trades.map((trade) => [trade.from, trade.imbalance])).toEqual([[jeweller, 0.98]]);
    expect((await admin.economy.imbalancedTrades({ since, minImbalance: 0 })).trades).toHaveLength(3);

    // archer: arrow 30 + bread 13 + gem 1; baker: bread 40 + arrow 20; jeweller: arrow 50 + gem 1.
    const diverse = await admin.economy.diverseInventories({ limit: 3 });
    expect(diverse.players).toEqual([
      { playerId: archer, distinctItems: 3, units: 44 },
      { playerId: baker, distinctItems: 2, units: 60 },
      { playerId: jeweller, distinctItems: 2, units: 51 },
    ]);
    const richest = await admin.economy.richestPlayers({ limit: 2 });
    expect(richest.players).toEqual([
      { playerId: jeweller, currency: 1000 - 50 + 10, itemValue: 500 + 50, total: 1510 },
      { playerId: archer, currency: 10 + 50 - 10, itemValue: 30 + 26 + 500, total: 606 },
    ]);

    const response = await fetch(`${server.url}/api/v1/economy/imbalanced-trades?since=${since}&minImbalance=0.5`, {
      headers: { authorization: `Bearer ${await server.token("admin", "console")}` },
    });
    expect(await response.json()).toMatchObject({ ok: true, data: { trades: [{ from: jeweller, imbalance: 0.98 }] } });
    const denied = await fetch(`${server.url}/api/v1/economy/richest-players`, {
      headers: { authorization: `Bearer ${await server.token("server", "game")}` },
    });
    expect(denied.status).toBe(403);
  });
});
