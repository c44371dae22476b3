import { stateBytes } from "@hoard/server/internal/inventory/rules";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { okData, snapshot, type World, world } from "../support/edge";
import { connectRaw, itemDefinition, newOpId, type RawClient, startServer, type TestServer } from "../support/server";

/**
 * How far one player's state may grow, through a real node: a player chaining `move`s must not
 * pile up empty categories, and categories, stacks, metrics and the encoded state are capped
 * with typed refusals that change nothing, on every path (ops, trades).
 */

const move = (from: string, to: string, itemId: string) => ({ type: "move", from, to, itemId, quantity: 1 });

describe("player state limits (4 categories, 3 stacks per inventory, 2 metrics)", () => {
  let server: TestServer;
  let w: World;
  let alice: RawClient;

  beforeAll(async () => {
    server = await startServer({
      env: { HOARD_PLAYER_MAX_CATEGORIES: "4", HOARD_INVENTORY_MAX_STACKS: "3", HOARD_PLAYER_MAX_METRICS: "2" },
    });
    w = await world(server);
    alice = await connectRaw(server.url, await server.token("player", "alice"));
  });
  afterAll(async () => {
    alice?.close();
    w?.close();
    await server?.close();
  });

  it("a player's chain of moves leaves no empty inventory behind", async () => {
    await w.player("alice", { category: "bag", quantity: 1 });
    const chain = Array.from({ length: 20 }, (_, i) => move(i === 0 ? "bag" : `c${i}`, `c${i + 1}`, w.itemId));
    okData(await alice.call("inventory:apply", { playerId: "alice", opId: newOpId(), ops: chain.slice(0, 10) }));
    for (const op of chain.slice(10)) okData(await alice.call("inventory:apply", { playerId: "alice", opId: newOpId(), ops: [op] }));

    const { player } = await snapshot(server, "alice");
    expect(player?.inventories).toEqual({ c20: { stacks: { [w.itemId]: 1 }, metrics: {} } });
  });

  it("a move into a 5th category → PLAYER_CATEGORY_LIMIT_EXCEEDED, and it changes nothing", async () => {
    await w.player("bob", { category: "bag", quantity: 10 });
    const bob = await connectRaw(server.url, await server.token("player", "bob"));
    const spread = ["c1", "c2", "c3"].map((to) => move("bag", to, w.itemId));
    okData(await bob.call("inventory:apply", { playerId: "bob", opId: newOpId(), ops: spread }));
    const before = await snapshot(server, "bob");

    const reply = await bob.call("inventory:apply", { playerId: "bob", opId: newOpId(), ops: [move("bag", "c4", w.itemId)] });
    expect(reply).toMatchObject({
      ok: false,
      error: { code: "PLAYER_CATEGORY_LIMIT_EXCEEDED", details: { playerId: "bob", limit: 4, count: 5 } },
    });
    expect(await snapshot(server, "bob")).toEqual(before);
    // Emptying a category into a new one keeps the count, so it is allowed.
    okData(await bob.call("inventory:apply", { playerId: "bob", opId: newOpId(), ops: [move("c3", "c4", w.itemId)] }));
    expect(Object.keys((await snapshot(server, "bob")).player?.inventories ?? {}).sort()).toEqual(["bag", "c1", "c2", "c4"]);
    bob.close();
  });

  it("a 4th stack in an inventory → INVENTORY_STACK_LIMIT_EXCEEDED; a 3rd metric → PLAYER_METRIC_LIMIT_EXCEEDED", async () => {
    await w.player("carol", { category: "bag", quantity: 1 });
    const others: string[] = [];
    for (let i = 0; i < 3; i++) others.push(okData(await w.gm.call("items:create", { definition: itemDefinition() })).item.id);
    const grant = (itemId: string) => ({ type: "grant", category: "bag", itemId, quantity: 1 });
    okData(await w.gm.call("inventory:apply", { playerId: "carol", opId: newOpId(), ops: others.slice(0, 2).map(grant) }));
    const metrics = [
      { type: "setMetric", category: "bag", name: "weight", value: 3 },
      { type: "setMetric", category: "stats", name: "kills", value: 1 },
    ];
    okData(await w.gm.call("inventory:apply", { playerId: "carol", opId: newOpId(), ops: metrics }));
    const before = await snapshot(server, "carol");

    const stacks = await w.gm.call("inventory:apply", { playerId: "carol", opId: newOpId(), ops: [grant(others[2] as string)] });
    expect(stacks).toMatchObject({
      ok: false,
      error: { code: "INVENTORY_STACK_LIMIT_EXCEEDED", details: { playerId: "carol", category: "bag", limit: 3, count: 4 } },
    });
    const third = { type: "incrementMetric", category: "stats", name: "deaths", by: 1 };
    const metric = await w.gm.call("inventory:apply", { playerId: "carol", opId: newOpId(), ops: [third] });
    expect(metric).toMatchObject({ ok: false, error: { code: "PLAYER_METRIC_LIMIT_EXCEEDED", details: { limit: 2, count: 3 } } });
    expect(await snapshot(server, "carol")).toEqual(before);
  });

  it("a direct trade that would give a party a 5th category is refused with the limit, and changes nothing", async () => {
    await w.player("dave", { category: "bag", quantity: 4 });
    const spread = ["d1", "d2", "d3"].map((to) => ({ type: "move", from: "bag", to, itemId: w.itemId, quantity: 1 }));
    okData(await w.gm.call("inventory:apply", { playerId: "dave", opId: newOpId(), ops: spread }));
    await w.player("erin", { category: "loot", quantity: 1 });
    const before = [await snapshot(server, "dave"), await snapshot(server, "erin")];

    const reply = await w.gm.call("trades:execute", {
      from: "erin",
      to: "dave",
      give: { items: [{ category: "loot", itemId: w.itemId, quantity: 1 }] },
      opId: newOpId(),
    });
    expect(reply).toMatchObject({ ok: false, error: { code: "PLAYER_CATEGORY_LIMIT_EXCEEDED", details: { playerId: "dave" } } });
    expect([await snapshot(server, "dave"), await snapshot(server, "erin")]).toEqual(before);
  });

  it("a checkout granting into a 5th category is refused with the limit: nothing charged, the cart kept", async () => {
    await w.player("gina", { category: "bag", quantity: 3 });
    const spread = ["g1", "g2", "g3"].map((to) => ({ type: "move", from: "bag", to, itemId: w.itemId, quantity: 1 }));
    okData(await w.gm.call("inventory:apply", { playerId: "gina", opId: newOpId(), ops: spread }));
    // Three categories now (bag emptied and dropped): credit gold, then a cart line into two new ones.
    okData(
      await w.gm.call("inventory:apply", { playerId: "gina", opId: newOpId(), ops: [{ type: "credit", currency: "gold", amount: 100 }] }),
    );
    const shop = async () => {
      const itemId = okData(await w.gm.call("items:create", { definition: itemDefinition() })).item.id as string;
      okData(await w.gm.call("shop:put", { itemId, price: 5 }));
      return itemId;
    };
    const gina = await connectRaw(server.url, await server.token("player", "gina"));
    for (const category of ["g4", "g5"]) {
      okData(await gina.call("cart:add", { playerId: "gina", opId: newOpId(), itemId: await shop(), offeredPrice: 5, category }));
    }
    const before = await snapshot(server, "gina");

    const reply = await gina.call("cart:checkout", { playerId: "gina", opId: newOpId() });
    expect(reply).toMatchObject({ ok: false, error: { code: "PLAYER_CATEGORY_LIMIT_EXCEEDED", details: { limit: 4, count: 5 } } });
    expect(await snapshot(server, "gina")).toEqual(before);
    gina.close();
  });

  it("a kit that would hold more stacks than allowed cannot create a player", async () => {
    const items: string[] = [];
    for (let i = 0; i < 4; i++) items.push(okData(await w.gm.call("items:create", { definition: itemDefinition() })).item.id);
    const kit = { name: "hoarder", items: items.map((itemId) => ({ itemId, category: "bag", quantity: 1 })) };
    okData(await w.gm.call("kits:put", { kit }));
    const reply = await w.gm.call("players:create", { id: "henry", class: "hoarder", opId: newOpId() });
    expect(reply).toMatchObject({ ok: false, error: { code: "INVENTORY_STACK_LIMIT_EXCEEDED", details: { limit: 3, count: 4 } } });
    expect(await snapshot(server, "henry")).toEqual({ player: undefined, history: [] });
  });
});

describe("encoded state size (HOARD_PLAYER_MAX_STATE_BYTES=1024)", () => {
  let server: TestServer;
  let w: World;

  beforeAll(async () => {
    server = await startServer({ env: { HOARD_PLAYER_MAX_STATE_BYTES: "1024" } });
    w = await world(server);
  });
  afterAll(async () => {
    w?.close();
    await server?.close();
  });

  it("grants that would grow the stored state past 1024 bytes → PLAYER_STATE_LIMIT_EXCEEDED; a consume still works", async () => {
    await w.player("frank", { category: "bag", quantity: 5 });
    const grantNew = async () => {
      const itemId = okData(await w.gm.call("items:create", { definition: itemDefinition() })).item.id as string;
      return w.gm.call("inventory:apply", {
        playerId: "frank",
        opId: newOpId(),
        ops: [{ type: "grant", category: "bag", itemId, quantity: 1 }],
      });
    };
    let reply = await grantNew();
    for (let i = 0; i < 30 && reply.ok; i++) reply = await grantNew();
    expect(reply).toMatchObject({ ok: false, error: { code: "PLAYER_STATE_LIMIT_EXCEEDED", details: { playerId: "frank", limit: 1024 } } });

    const { player } = await snapshot(server, "frank");
    expect(stateBytes(player as NonNullable<typeof player>)).toBeLessThanOrEqual(1024);
    const consume = [{ type: "consume", category: "bag", itemId: w.itemId, quantity: 1 }];
    okData(await w.gm.call("inventory:apply", { playerId: "frank", opId: newOpId(), ops: consume }));
  });
});
