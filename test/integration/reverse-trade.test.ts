import type { HoardClient } from "@hoard/client-sdk";
import type { HistoryEntry } from "@hoard/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { playerWithGold, shopItem } from "../support/cart";
import { http, snapshot } from "../support/edge";
import { failure, newOpId, startServer, type TestServer } from "../support/server";
import { defineItems, gold, holdings, items, stockedPlayer } from "../support/trade";

/** inventory:reverse of a trade (both players, one commit) and of a checkout (a refund), through a real node. */
describe("reversing a trade and a checkout", () => {
  let server: TestServer;
  let gm: HoardClient;
  let admin: HoardClient;
  let ids: { sword: string; gem: string };

  beforeAll(async () => {
    server = await startServer();
    gm = await server.client("server", "game");
    admin = await server.client("admin", "ops-anna");
    ids = await defineItems(gm, { sword: 30, gem: 10 });
  });

  afterAll(async () => {
    await server?.close();
  });

  /** Alice gives 2 swords and 5 gold for Bob's 3 gems, through an offer Bob accepts. */
  async function acceptedTrade() {
    const alice = await stockedPlayer(gm, "alice", { gold: 50, bag: { [ids.sword]: 4 } });
    const bob = await stockedPlayer(gm, "bob", { gold: 8, bag: { [ids.gem]: 3 } });
    const before = { alice: await holdings(admin, alice), bob: await holdings(admin, bob) };
    const { offer } = await gm.trades.propose(
      bob,
      { give: { ...items({ [ids.sword]: 2 }), ...gold(5) }, want: items({ [ids.gem]: 3 }) },
      { from: alice },
    );
    const { trade } = await gm.trades.accept(offer.id);
    const versions = trade.versions ?? { from: 0, to: 0 };
    return { alice, bob, before, versions };
  }

  it("restores both players in one commit, each with an entry naming what it reverses and why, pushed live", async () => {
    const { alice, bob, before, versions } = await acceptedTrade();
    const watches = [await admin.watch(alice), await admin.watch(bob)];
    const pushed: HistoryEntry[] = [];
    for (const watch of watches) watch.on("change", (entry) => pushed.push(entry));

    const reversed = await admin.inventory.reverse(bob, versions.to, "scam reported, ticket 77");

    expect(reversed).toMatchObject({
      playerId: bob,
      version: versions.to + 1,
      reverses: versions.to,
      counterpart: { playerId: alice, version: versions.from + 1, reverses: versions.from },
    });
    expect({ alice: await holdings(admin, alice), bob: await holdings(admin, bob) }).toEqual(before);
    const entries = [
      ...(await admin.inventory.history(alice, { sinceVersion: versions.from })).entries,
      ...(await admin.inventory.history(bob, { sinceVersion: versions.to })).entries,
    ];
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        kind: "inventory:reverse",
        reason: "scam reported, ticket 77",
        actor: { role: "admin", sub: "ops-anna" },
      });
    }
    // One commit: one op id and one time on both sides.
    expect(new Set(entries.map((entry) => `${entry.opId} ${entry.at}`)).size).toBe(1);
    await expect
      .poll(() => pushed.map((entry) => `${entry.playerId}@${entry.version}`).sort())
      .toEqual([`${alice}@${versions.from + 1}`, `${bob}@${versions.to + 1}`].sort());
    expect(watches[0]?.state.inventories.bag?.stacks).toEqual(before.alice.bag);
  });

  it("leaves a reversed trade out of the economy questions: no longer executed, counted as reversed, in no ranking", async () => {
    const gems = async () => (await admin.economy.topItems({ limit: 100 })).items.find((item) => item.itemId === ids.gem)?.trades ?? 0;
    const { bob, versions } = await acceptedTrade();
    const before = { counts: await admin.economy.tradeCounts(), gems: await gems() };

    await admin.inventory.reverse(bob, versions.to, "scam");

    const after = await admin.economy.tradeCounts();
    expect(after.byOutcome.executed).toBe(before.counts.byOutcome.executed - 1);
    expect(after.reversed).toBe(before.counts.reversed + 1);
    expect(after.total).toBe(before.counts.total);
    expect(await gems()).toBe(before.gems - 1);
  });

  it("refuses a second reversal from either side (INVENTORY_ALREADY_REVERSED) and the same request again answers the stored result", async () => {
    const { alice, bob, versions } = await acceptedTrade();
    const opId = newOpId();
    const first = await admin.inventory.reverse(alice, versions.from, "wrong trade", { opId });
    const after = [await snapshot(server, alice), await snapshot(server, bob)];

    const again = await admin.inventory.reverse(alice, versions.from, "wrong trade", { opId });
    const fromAlice = await failure(admin.inventory.reverse(alice, versions.from, "again"));
    const fromBob = await failure(admin.inventory.reverse(bob, versions.to, "again"));

    expect(again).toEqual({ ...first, replayed: true });
    expect(fromAlice.code).toBe("INVENTORY_ALREADY_REVERSED");
    expect(fromBob.code).toBe("INVENTORY_ALREADY_REVERSED");
    expect(fromBob.details).toMatchObject({ playerId: bob, version: versions.to, reversedBy: versions.to + 1 });
    expect([await snapshot(server, alice), await snapshot(server, bob)]).toEqual(after);
  });

  it("two admins reversing the same trade at once, one from each side: exactly one commits", async () => {
    const { alice, bob, before, versions } = await acceptedTrade();
    const ben = await server.client("admin", "ops-ben");

    const outcomes = await Promise.allSettled([
      admin.inventory.reverse(alice, versions.from, "scam"),
      ben.inventory.reverse(bob, versions.to, "scam"),
    ]);

    const codes = outcomes.map((outcome) => (outcome.status === "fulfilled" ? "ok" : (outcome.reason as { code: string }).code)).sort();
    expect(codes).toEqual(["INVENTORY_ALREADY_REVERSED", "ok"]);
    expect({ alice: await holdings(admin, alice), bob: await holdings(admin, bob) }).toEqual(before);
    expect((await admin.players.get(alice)).player.version).toBe(versions.from + 1);
    expect((await admin.players.get(bob)).player.version).toBe(versions.to + 1);
  });

  it("refuses when one player no longer holds what must go back, naming the player and the item, and changes neither", async () => {
    const { alice, bob, versions } = await acceptedTrade();
    await gm.inventory.consume(bob, { category: "bag", itemId: ids.sword, quantity: 1 });
    const before = [await snapshot(server, alice), await snapshot(server, bob)];

    const refused = await failure(admin.inventory.reverse(alice, versions.from, "scam"));

    expect(refused.code).toBe("INVENTORY_INSUFFICIENT_ITEMS");
    expect(refused.details).toMatchObject({ playerId: bob, category: "bag", itemId: ids.sword, have: 1, need: 2 });
    expect([await snapshot(server, alice), await snapshot(server, bob)]).toEqual(before);
  });

  it("reverses a direct trade (trades:execute) over REST", async () => {
    const alice = await stockedPlayer(gm, "alice", { gold: 40 });
    const bob = await stockedPlayer(gm, "bob", { bag: { [ids.gem]: 2 } });
    const before = { alice: await holdings(admin, alice), bob: await holdings(admin, bob) };
    const { trade } = await gm.trades.execute(alice, bob, { give: gold(20), want: items({ [ids.gem]: 2 }) });
    const path = `/api/v1/players/${alice}/history/${trade.versions?.from}/reverse`;

    const reply = await http(server, "POST", path, {
      token: await server.token("admin", "ops-anna"),
      json: { opId: newOpId(), reason: "mistaken merchant trade" },
    });

    expect(reply.status).toBe(200);
    expect(reply.body.data.counterpart).toMatchObject({ playerId: bob, reverses: trade.versions?.to });
    expect({ alice: await holdings(admin, alice), bob: await holdings(admin, bob) }).toEqual(before);
  });

  it("refunds a checkout: the items taken back, the currency returned; refused once the player used what it bought", async () => {
    const potion = await shopItem(gm, { price: 12 });
    const refunded = `buyer-${newOpId().slice(0, 8)}`;
    const used = `buyer-${newOpId().slice(0, 8)}`;
    const versions: number[] = [];
    for (const id of [refunded, used]) {
      await playerWithGold(gm, id, 100);
      await gm.cart.add(id, { itemId: potion, offeredPrice: 12, itemCount: 3 });
      versions.push((await gm.cart.checkout(id)).order.version);
    }
    await gm.inventory.consume(used, { category: "bag", itemId: potion, quantity: 1 });
    const usedBefore = await snapshot(server, used);

    const refund = await admin.inventory.reverse(refunded, versions[0] ?? 0, "charged twice, ticket 12");
    const refused = await failure(admin.inventory.reverse(used, versions[1] ?? 0, "refund"));

    expect(refund.counterpart).toBeUndefined();
    const { player } = await admin.players.get(refunded);
    expect(player.wallet).toEqual({ gold: 100 });
    expect(player.inventories.bag?.stacks[potion]).toBeUndefined();
    expect(refused.code).toBe("INVENTORY_INSUFFICIENT_ITEMS");
    expect(refused.details).toMatchObject({ playerId: used, itemId: potion, have: 2, need: 3 });
    expect(await snapshot(server, used)).toEqual(usedBefore);
    expect((await failure(admin.inventory.reverse(refunded, versions[0] ?? 0, "again"))).code).toBe("INVENTORY_ALREADY_REVERSED");
  });
});
