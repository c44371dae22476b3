import { LOOT_LIMITS, type LootTable } from "@hoard/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyTo } from "../contract/commits";
import { http, okData, snapshot, type World, world } from "../support/edge";
import { connectRaw, itemDefinition, newOpId, type RawClient, startServer, type TestServer } from "../support/server";

/** Loot tables through a real node: defined by servers, drawn by the server inside atomic batches, logged, replayed. */
describe("loot tables", () => {
  let server: TestServer;
  let w: World;
  let sword: string;
  let chest: string;

  const chestTable = (): LootTable => ({
    name: "Chest",
    guaranteed: [{ type: "currency", currency: "gold", amount: { min: 1, max: 5 } }],
    rolls: 3,
    entries: [
      { type: "item", itemId: w.itemId, category: "bag", quantity: { min: 1, max: 4 }, weight: 6 },
      { type: "item", itemId: sword, category: "equipment.weapons", quantity: { min: 1, max: 1 }, weight: 1 },
      { type: "nothing", weight: 3 },
    ],
  });
  const grantFrom = (tableId: string) => ({ type: "grantLoot", tableId });

  beforeAll(async () => {
    server = await startServer();
    w = await world(server);
    sword = okData(await w.gm.call("items:create", { definition: itemDefinition({ name: "Sword" }) })).item.id;
    const created = okData(await w.gm.call("loot:create", { table: chestTable() }));
    expect(created.created).toBe(true);
    chest = created.table.id;
  });
  afterAll(async () => {
    w?.close();
    await server?.close();
  });

  it("a table is content-addressed: the same table over REST has the same id (200, not created), served immutable with ETag = id", async () => {
    const token = await server.token("admin", "console");
    const again = await http(server, "POST", "/api/v1/loot-tables", { token, json: chestTable() });
    expect(again).toMatchObject({ status: 200, body: { ok: true, data: { created: false, table: { id: chest } } } });
    const read = await http(server, "GET", `/api/v1/loot-tables/${chest}`, { token: await server.token("player", "anyone") });
    expect(read.status).toBe(200);
    expect(read.headers.get("etag")).toContain(chest);
    expect(read.body).toMatchObject({ ok: true, data: { id: chest, definition: chestTable() } });
  });

  it("grantLoot inside a batch: drawn by the server, applied with the other ops in one version, logged with table, seed and outcome", async () => {
    await w.player("looter");
    const applied = okData(
      await w.gm.call("inventory:apply", {
        playerId: "looter",
        opId: newOpId(),
        ops: [{ type: "credit", currency: "gems", amount: 2 }, grantFrom(chest)],
      }),
    );
    expect(applied.version).toBe(2);
    const [draw] = applied.loot;
    expect(draw).toMatchObject({ type: "lootDrawn", tableId: chest, seed: expect.stringMatching(/^[0-9a-f]{32}$/) });

    const { player, history } = await snapshot(server, "looter");
    const gold = draw.outcome.currencies.gold;
    expect(gold).toBeGreaterThanOrEqual(1);
    expect(player?.wallet).toEqual({ gems: 2, gold });
    for (const stack of draw.outcome.items) expect(player?.inventories[stack.category]?.stacks[stack.itemId]).toBe(stack.quantity);
    expect(history.at(-1)?.ops).toEqual([{ type: "credit", currency: "gems", amount: 2 }, draw]);
    expect(okData(await w.gm.call("inventory:history", { playerId: "looter", sinceVersion: 1 })).entries[0].ops[1]).toEqual(draw);
  });

  it("a batch whose other op is refused draws nothing into the player: no version, no log entry", async () => {
    await w.player("unlucky");
    const before = await snapshot(server, "unlucky");
    const ops = [grantFrom(chest), { type: "consume", category: "bag", itemId: w.itemId, quantity: 1_000_000 }];
    expect(await w.gm.call("inventory:apply", { playerId: "unlucky", opId: newOpId(), ops })).toMatchObject({
      ok: false,
      error: { code: "INVENTORY_INSUFFICIENT_ITEMS" },
    });
    expect(await snapshot(server, "unlucky")).toEqual(before);
  });

  it("the same opId again answers the stored draw, and draws nothing new", async () => {
    await w.player("repeat");
    const request = { playerId: "repeat", opId: newOpId(), ops: [grantFrom(chest)] };
    const first = okData(await w.gm.call("inventory:apply", request));
    const second = okData(await w.gm.call("inventory:apply", request));
    expect(second).toEqual({ ...first, replayed: true });
    expect((await snapshot(server, "repeat")).history).toHaveLength(2);
  });

  it("no caller can choose a seed or an outcome, and a player cannot grant from a table at all", async () => {
    await w.player("cheater");
    const before = await snapshot(server, "cheater");
    const self = await connectRaw(server.url, await server.token("player", "cheater"));
    const seed = "0".repeat(32);
    const attempts: Array<[RawClient, unknown[], string]> = [
      [self, [grantFrom(chest)], "AUTH_FORBIDDEN"],
      [self, [{ ...grantFrom(chest), seed }], "VALIDATION_FAILED"],
      [w.gm, [{ ...grantFrom(chest), seed }], "VALIDATION_FAILED"],
      [w.gm, [{ type: "lootDrawn", tableId: chest, seed, outcome: { items: [], currencies: { gold: 1_000_000 } } }], "VALIDATION_FAILED"],
    ];
    for (const [caller, ops, code] of attempts) {
      expect(await caller.call("inventory:apply", { playerId: "cheater", opId: newOpId(), ops })).toMatchObject({
        ok: false,
        error: { code },
      });
    }
    expect(await self.call("loot:create", { table: chestTable() })).toMatchObject({ ok: false, error: { code: "AUTH_FORBIDDEN" } });
    expect(await snapshot(server, "cheater")).toEqual(before);
    self.close();
  });

  it("loot:replay draws again from the logged table and seed and finds the logged outcome (socket and REST); a player may check only its own", async () => {
    await w.player("audited");
    const applied = okData(
      await w.gm.call("inventory:apply", { playerId: "audited", opId: newOpId(), ops: [grantFrom(chest), grantFrom(chest)] }),
    );

    const replay = okData(await w.gm.call("loot:replay", { playerId: "audited", version: applied.version }));
    expect(replay.matches).toBe(true);
    expect(replay.draws.map((draw: { replayed: unknown }) => draw.replayed)).toEqual(
      applied.loot.map((draw: { outcome: unknown }) => draw.outcome),
    );
    expect(replay.draws.map((draw: { seed: string }) => draw.seed)).toEqual(applied.loot.map((draw: { seed: string }) => draw.seed));

    const own = await http(server, "GET", `/api/v1/players/audited/history/${applied.version}/loot`, {
      token: await server.token("player", "audited"),
    });
    expect(own).toMatchObject({ status: 200, body: { ok: true, data: { matches: true } } });
    const other = await http(server, "GET", `/api/v1/players/audited/history/${applied.version}/loot`, {
      token: await server.token("player", "nosy"),
    });
    expect(other.status).toBe(403);
    expect(await w.gm.call("loot:replay", { playerId: "audited", version: 1 })).toMatchObject({
      ok: false,
      error: { code: "LOOT_NO_DRAW" },
    });

    // An entry whose outcome is not what its seed gives (written past the service, as a corrupted or forged log would be) is caught.
    const [draw] = applied.loot;
    const forged = { ...draw, outcome: { ...draw.outcome, currencies: { gold: 1_000_000 } } };
    await server.app.store.commitPlayers(applyTo("audited", [forged]));
    const caught = okData(await w.gm.call("loot:replay", { playerId: "audited", version: applied.version + 1 }));
    expect(caught).toMatchObject({
      matches: false,
      draws: [{ seed: draw.seed, logged: forged.outcome, replayed: draw.outcome, matches: false }],
    });
  });

  it("refuses tables out of bounds with typed errors, and batches drawing from too many tables", async () => {
    const missing = "f".repeat(64);
    const nested = { name: "nest", rolls: 1, entries: [{ type: "table", tableId: missing, weight: 1 }] };
    expect(await w.gm.call("loot:create", { table: nested })).toMatchObject({ ok: false, error: { code: "LOOT_TABLE_NOT_FOUND" } });
    const big = okData(await w.gm.call("loot:create", { table: { ...chestTable(), name: "big", rolls: LOOT_LIMITS.rolls } })).table.id;
    const huge = { name: "huge", rolls: 10, entries: [{ type: "table", tableId: big, weight: 1 }] };
    expect(await w.gm.call("loot:create", { table: huge })).toMatchObject({ ok: false, error: { code: "LOOT_TABLE_TOO_LARGE" } });
    const tooManyRolls = { ...chestTable(), rolls: LOOT_LIMITS.rolls + 1 };
    expect(await w.gm.call("loot:create", { table: tooManyRolls })).toMatchObject({ ok: false, error: { code: "VALIDATION_FAILED" } });
    const unknownItem = {
      name: "ghost",
      rolls: 1,
      entries: [{ type: "item", itemId: missing, category: "bag", quantity: { min: 1, max: 1 }, weight: 1 }],
    };
    expect(await w.gm.call("loot:create", { table: unknownItem })).toMatchObject({ ok: false, error: { code: "ITEM_NOT_FOUND" } });

    await w.player("greedy");
    const ops = Array.from({ length: LOOT_LIMITS.grantsPerBatch + 1 }, () => grantFrom(chest));
    expect(await w.gm.call("inventory:apply", { playerId: "greedy", opId: newOpId(), ops })).toMatchObject({
      ok: false,
      error: { code: "LOOT_BATCH_TOO_LARGE" },
    });
    expect(await w.gm.call("inventory:apply", { playerId: "greedy", opId: newOpId(), ops: [grantFrom(missing)] })).toMatchObject({
      ok: false,
      error: { code: "LOOT_TABLE_NOT_FOUND" },
    });
  });

  it("players:create {class: random}: a random starter kit with its loot, drawn in the same commit and replayable", async () => {
    const kitLoot = okData(await w.gm.call("loot:create", { table: { ...chestTable(), name: "starter loot", rolls: 2 } })).table.id;
    okData(await w.gm.call("kits:put", { kit: { name: "ranger", starter: true, currencies: { silver: 7 }, loot: kitLoot } }));
    okData(await w.gm.call("kits:put", { kit: { name: "cleric", starter: true, currencies: { silver: 3 }, loot: kitLoot } }));
    okData(await w.gm.call("kits:put", { kit: { name: "boss", currencies: { silver: 999 } } }));
    expect(await w.gm.call("kits:put", { kit: { name: "random", starter: true } })).toMatchObject({
      ok: false,
      error: { code: "KIT_NAME_RESERVED" },
    });
    expect(await w.gm.call("kits:put", { kit: { name: "odd", loot: "e".repeat(64) } })).toMatchObject({
      ok: false,
      error: { code: "LOOT_TABLE_NOT_FOUND" },
    });

    const classes = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const id = `rookie${i}`;
      const newbie = await connectRaw(server.url, await server.token("player", id));
      const { player } = okData(await newbie.call("players:create", { class: "random", opId: newOpId() }));
      newbie.close();
      classes.add(player.class);
      const [entry] = (await snapshot(server, id)).history;
      const drawn = entry?.ops.find((op) => op.type === "lootDrawn");
      expect(entry?.version).toBe(1);
      // The pick itself is in the entry: among which classes, with which seed, which one.
      expect(entry?.ops[0]).toMatchObject({ type: "classPicked", class: player.class, starters: ["cleric", "ranger"] });
      expect(drawn).toMatchObject({ tableId: kitLoot });
      if (drawn?.type !== "lootDrawn") throw new Error("no draw logged");
      expect(player.wallet).toEqual({ silver: player.class === "ranger" ? 7 : 3, gold: drawn.outcome.currencies.gold });
      if (i === 0) {
        const replay = okData(await w.gm.call("loot:replay", { playerId: id, version: 1 }));
        expect(replay).toMatchObject({ matches: true, classPick: { logged: player.class, replayed: player.class, matches: true } });
      }
    }
    // Only starter kits, and (2^-23 odds of a false alarm) both of them.
    expect([...classes].sort()).toEqual(["cleric", "ranger"]);
  });

  it("the SDK: define a table, grant from it, read it (cached) and replay the draw", async () => {
    const hoard = await server.client("server", "studio");
    const { table } = await hoard.loot.create({ ...chestTable(), name: "sdk chest" });
    await hoard.players.create({ id: "sdk-player" });

    const { loot, version } = await hoard.inventory.grantLoot("sdk-player", table.id);
    const replay = await hoard.loot.replay("sdk-player", version);

    expect(loot?.[0]?.tableId).toBe(table.id);
    expect(replay).toMatchObject({ matches: true, draws: [{ seed: loot?.[0]?.seed, logged: loot?.[0]?.outcome }] });
    expect(await hoard.loot.get(table.id)).toBe(await hoard.loot.get(table.id));
    expect((await hoard.loot.list({ limit: 500 })).tables.map((listed) => listed.id)).toContain(table.id);
  });
});
