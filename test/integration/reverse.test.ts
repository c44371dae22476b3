import type { HoardClient } from "@hoard/client-sdk";
import type { HistoryEntry } from "@hoard/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { http, snapshot } from "../support/edge";
import { failure, itemDefinition, newOpId, startServer, type TestServer } from "../support/server";

/** inventory:reverse through a real node: the inverse commit of one op log entry, linked to it, once. */
describe("reversing an op log entry", () => {
  let server: TestServer;
  let gm: HoardClient;
  let admin: HoardClient;
  let potion: string;
  let n = 0;

  /** A fresh player with 10 gold and 2 potions, made by the game server. */
  async function freshPlayer(): Promise<string> {
    const id = `p${++n}`;
    await gm.players.create({ id });
    await gm.inventory.apply(id, [
      { type: "credit", currency: "gold", amount: 10 },
      { type: "grant", category: "bag", itemId: potion, quantity: 2 },
    ]);
    return id;
  }

  beforeAll(async () => {
    server = await startServer();
    gm = await server.client("server", "game");
    admin = await server.client("admin", "ops-anna");
    potion = (await gm.items.create(itemDefinition({ name: "Potion" }))).item.id;
  });

  afterAll(async () => {
    await server?.close();
  });

  it("undoes a grant with a consume: a new entry naming what it reverses and why, pushed to watchers, the state restored", async () => {
    const id = await freshPlayer();
    const watch = await (await server.client("viewer", "auditor")).watch(id);
    const before = watch.state;
    const granted = await admin.inventory.grant(id, { category: "bag", itemId: potion, quantity: 5 }, { reason: "compensation" });
    const pushed: HistoryEntry[] = [];
    watch.on("change", (entry) => pushed.push(entry));

    const reversed = await admin.inventory.reverse(id, granted.version, "granted twice by mistake");

    expect(reversed).toMatchObject({ version: granted.version + 1, reverses: granted.version, replayed: false });
    const [entry] = (await admin.inventory.history(id, { sinceVersion: granted.version })).entries;
    expect(entry).toMatchObject({
      kind: "inventory:reverse",
      reverses: granted.version,
      reason: "granted twice by mistake",
      actor: { role: "admin", sub: "ops-anna" },
      ops: [{ type: "consume", category: "bag", itemId: potion, quantity: 5 }],
    });
    await expect.poll(() => pushed.map((change) => change.version)).toEqual([reversed.version]);
    expect(watch.state.inventories).toEqual(before.inventories);
    expect(watch.state.wallet).toEqual(before.wallet);
  });

  it("a second reversal is refused INVENTORY_ALREADY_REVERSED naming the reversal; the same request again answers the stored result", async () => {
    const id = await freshPlayer();
    const credited = await admin.inventory.credit(id, "gold", 7, { reason: "goodwill" });
    const opId = newOpId();
    const first = await admin.inventory.reverse(id, credited.version, "wrong player", { opId });
    const other = await server.client("admin", "ops-ben");

    const again = await admin.inventory.reverse(id, credited.version, "wrong player", { opId });
    const refused = await failure(other.inventory.reverse(id, credited.version, "also wrong"));

    expect(again).toEqual({ ...first, replayed: true });
    expect(refused.code).toBe("INVENTORY_ALREADY_REVERSED");
    expect(refused.details).toMatchObject({ version: credited.version, reversedBy: first.version });
    expect((await admin.players.get(id)).player).toMatchObject({ version: first.version, wallet: { gold: 10 } });
  });

  it("two admins reversing the same entry at once: exactly one commits", async () => {
    const id = await freshPlayer();
    const debited = await admin.inventory.debit(id, "gold", 4, { reason: "chargeback" });
    const ben = await server.client("admin", "ops-ben");

    const outcomes = await Promise.allSettled([
      admin.inventory.reverse(id, debited.version, "undo chargeback"),
      ben.inventory.reverse(id, debited.version, "undo chargeback"),
    ]);

    const codes = outcomes.map((outcome) => (outcome.status === "fulfilled" ? "ok" : (outcome.reason as { code: string }).code)).sort();
    expect(codes).toEqual(["INVENTORY_ALREADY_REVERSED", "ok"]);
    expect((await admin.players.get(id)).player.wallet).toEqual({ gold: 10 });
  });

  it("refuses to take back items the player no longer holds, saying what is missing, and changes nothing", async () => {
    const id = await freshPlayer();
    const granted = await admin.inventory.grant(id, { category: "bag", itemId: potion, quantity: 3 }, { reason: "event reward" });
    await gm.inventory.consume(id, { category: "bag", itemId: potion, quantity: 4 });
    const before = await snapshot(server, id);

    const refused = await failure(admin.inventory.reverse(id, granted.version, "reward was not earned"));

    expect(refused.code).toBe("INVENTORY_INSUFFICIENT_ITEMS");
    expect(refused.details).toMatchObject({ category: "bag", itemId: potion, have: 1, need: 3 });
    expect(await snapshot(server, id)).toEqual(before);
  });

  it("sets a metric and a capacity back to what they were before the entry", async () => {
    const id = await freshPlayer();
    await gm.inventory.apply(id, [
      { type: "setMetric", category: "bag", name: "weight", value: 2 },
      { type: "setCapacity", category: "bag", capacity: 30 },
    ]);
    const changed = await admin.inventory.apply(
      id,
      [
        { type: "setMetric", category: "bag", name: "weight", value: 9 },
        { type: "setMetric", category: "bag", name: "luck", value: 1 },
        { type: "setCapacity", category: "bag", capacity: 99 },
      ],
      { reason: "testing a bigger bag" },
    );

    await admin.inventory.reverse(id, changed.version, "test over");

    expect((await admin.players.get(id)).player.inventories.bag).toEqual({ stacks: { [potion]: 2 }, metrics: { weight: 2 }, capacity: 30 });
  });

  it("refuses what it cannot reverse: a player's creation, an unknown version, a reversal itself", async () => {
    const id = await freshPlayer();
    const credited = await admin.inventory.credit(id, "gold", 1, { reason: "test" });
    const reversal = await admin.inventory.reverse(id, credited.version, "test");
    const before = await snapshot(server, id);

    expect((await failure(admin.inventory.reverse(id, 1, "x"))).code).toBe("INVENTORY_NOT_REVERSIBLE");
    expect((await failure(admin.inventory.reverse(id, reversal.version, "x"))).code).toBe("INVENTORY_NOT_REVERSIBLE");
    expect((await failure(admin.inventory.reverse(id, 999, "x"))).code).toBe("INVENTORY_ENTRY_NOT_FOUND");
    expect((await failure(admin.inventory.reverse("nobody", 1, "x"))).code).toBe("PLAYER_NOT_FOUND");
    expect(await snapshot(server, id)).toEqual(before);
  });

  it("is for admins alone, needs a reason, and works over REST", async () => {
    const id = await freshPlayer();
    const credited = await admin.inventory.credit(id, "gold", 3, { reason: "test" });
    const path = `/api/v1/players/${id}/history/${credited.version}/reverse`;
    const before = await snapshot(server, id);

    for (const [role, sub] of [
      ["server", "game"],
      ["player", id],
      ["viewer", "auditor"],
    ] as const) {
      const reply = await http(server, "POST", path, { token: await server.token(role, sub), json: { opId: newOpId(), reason: "x" } });
      expect([role, reply.status, reply.body?.error?.code]).toEqual([role, 403, "AUTH_FORBIDDEN"]);
    }
    const token = await server.token("admin", "ops-anna");
    const noReason = await http(server, "POST", path, { token, json: { opId: newOpId() } });
    expect([noReason.status, noReason.body?.error?.code]).toEqual([400, "VALIDATION_FAILED"]);
    expect(await snapshot(server, id)).toEqual(before);

    const reply = await http(server, "POST", path, { token, json: { opId: newOpId(), reason: "over REST" } });
    expect(reply.status).toBe(200);
    expect(reply.body.data).toMatchObject({ reverses: credited.version, version: credited.version + 1 });
    expect((await admin.players.get(id)).player.wallet).toEqual({ gold: 10 });
  });
});
