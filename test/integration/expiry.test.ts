import type { HistoryEntry, HoardClient } from "@hoard/client-sdk";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TestClock } from "../support/clock";
import { http } from "../support/edge";
import { newOpId, startServer, type TestServer } from "../support/server";
import { defineItems, stockedPlayer } from "../support/trade";

/** Expiring grants through a real node whose clock the test moves (one node; two processes: test/cluster/expiry.test.ts). */

const MINUTE = 60_000;

describe("expiring grants on one node", () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function setUp(sweepMs: number) {
    const clock = new TestClock();
    server = await startServer({ now: clock.now, config: { expirySweepMs: sweepMs } });
    const gm = await server.client("server", "game");
    const { rental } = await defineItems(gm, { rental: 5 });
    const id = await stockedPlayer(gm, "renter", { bag: { [rental]: 1 } });
    return { clock, gm, rental, id, server };
  }

  const bagOf = async (gm: HoardClient, id: string) => (await gm.players.get(id)).player.inventories.bag;

  it("leaves at its time in one commit of the node's own, pushed to watchers, never before, and consume takes the soonest first", async () => {
    const { clock, gm, rental, id, server } = await setUp(50);
    const watcher = await server.client("admin", "console");
    const live = await watcher.watch(id);
    const pushed: HistoryEntry[] = [];
    live.on("change", (entry) => pushed.push(entry));

    await gm.inventory.grant(id, { category: "bag", itemId: rental, quantity: 2, expiresInMs: 10 * MINUTE });
    await gm.inventory.grant(id, { category: "bag", itemId: rental, quantity: 3, expiresInMs: MINUTE });
    const due = new Date(clock.now() + MINUTE).toISOString();
    // The soonest lot pays first.
    await gm.inventory.consume(id, { category: "bag", itemId: rental, quantity: 1 });
    expect((await bagOf(gm, id))?.expiring?.[rental]).toEqual([
      { expiresAt: due, quantity: 2 },
      { expiresAt: new Date(clock.now() + 10 * MINUTE).toISOString(), quantity: 2 },
    ]);
    const before = (await gm.players.get(id)).player.version;

    // One millisecond before its time the lot is still there (the node sweeps every 50 ms meanwhile;
    // the expiry's own commit time below proves it did not leave early).
    clock.advance(MINUTE - 1);
    expect((await bagOf(gm, id))?.expiring?.[rental]).toHaveLength(2);
    expect((await gm.players.get(id)).player.version).toBe(before);

    clock.advance(1);
    await vi.waitFor(async () => expect((await gm.players.get(id)).player.version).toBe(before + 1), { timeout: 5000 });
    const { entries } = await gm.inventory.history(id, { sinceVersion: before });
    expect(entries).toHaveLength(1);
    const expiry = entries[0] as HistoryEntry;
    expect(expiry).toMatchObject({
      kind: "inventory:expire",
      actor: { role: "server", sub: "system" },
      ops: [{ type: "expire", category: "bag", itemId: rental, quantity: 2, expiresAt: due }],
    });
    expect(Date.parse(expiry.at)).toBeGreaterThanOrEqual(Date.parse(due));
    expect((await bagOf(gm, id))?.expiring?.[rental]).toHaveLength(1);
    expect((await bagOf(gm, id))?.stacks[rental]).toBe(1);

    // The watcher got that very commit and shows what the node shows.
    await vi.waitFor(() => expect(pushed.map((entry) => entry.version)).toContain(before + 1));
    expect(pushed.filter((entry) => entry.kind === "inventory:expire")).toHaveLength(1);
    expect(live.state).toEqual((await gm.players.get(id)).player);
    await live.close();
  });

  it("hides units past their time from every read before any sweep has run", async () => {
    const { clock, gm, rental, id } = await setUp(3_600_000);
    await gm.inventory.grant(id, { category: "bag", itemId: rental, quantity: 4, expiresInMs: MINUTE });
    const version = (await gm.players.get(id)).player.version;
    clock.advance(MINUTE);

    expect((await bagOf(gm, id))?.expiring).toBeUndefined();
    expect((await gm.inventory.list(id)).inventories.bag?.expiring).toBeUndefined();
    // Nor can they be spent: only the permanent unit is there.
    await expect(gm.inventory.consume(id, { category: "bag", itemId: rental, quantity: 2 })).rejects.toMatchObject({
      code: "INVENTORY_INSUFFICIENT_ITEMS",
    });
    // No commit removed them yet: the state's version is where the grant left it.
    expect((await gm.players.get(id)).player.version).toBe(version);
  });

  it("refuses a time not after the commit, or both forms, with a typed error and no change", async () => {
    const { clock, gm, rental, id } = await setUp(3_600_000);
    const version = (await gm.players.get(id)).player.version;
    const past = new Date(clock.now()).toISOString();
    await expect(gm.inventory.grant(id, { category: "bag", itemId: rental, quantity: 1, expiresAt: past })).rejects.toMatchObject({
      code: "INVENTORY_EXPIRY_INVALID",
    });
    await expect(
      gm.inventory.grant(id, { category: "bag", itemId: rental, quantity: 1, expiresAt: past, expiresInMs: 5 }),
    ).rejects.toMatchObject({ code: "INVENTORY_EXPIRY_INVALID" });
    await expect(gm.inventory.grant(id, { category: "bag", itemId: rental, quantity: 1, expiresInMs: 0 })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
    expect((await gm.players.get(id)).player.version).toBe(version);
  });

  it("over REST: an expiring grant by POST …/ops, the lot in GET …/players/:id, and the fields in OpenAPI", async () => {
    const { clock, rental, id, server } = await setUp(3_600_000);
    const token = await server.token("server", "game");
    const granted = await http(server, "POST", `/api/v1/players/${id}/ops`, {
      token,
      json: { opId: newOpId(), ops: [{ type: "grant", category: "bag", itemId: rental, quantity: 2, expiresInMs: MINUTE }] },
    });
    expect(granted.status).toBe(200);
    const read = await http(server, "GET", `/api/v1/players/${id}`, { token });
    expect(read.body.data.player.inventories.bag.expiring).toEqual({
      [rental]: [{ expiresAt: new Date(clock.now() + MINUTE).toISOString(), quantity: 2 }],
    });
    const refused = await http(server, "POST", `/api/v1/players/${id}/ops`, {
      token,
      json: { opId: newOpId(), ops: [{ type: "grant", category: "bag", itemId: rental, quantity: 1, expiresAt: "2000-01-01T00:00:00Z" }] },
    });
    expect([refused.status, refused.body.error.code]).toEqual([422, "INVENTORY_EXPIRY_INVALID"]);
    const openapi = JSON.stringify((await http(server, "GET", "/api/openapi.json")).body);
    for (const field of ["expiresInMs", "expiring", "INVENTORY_EXPIRY_LOT_LIMIT_EXCEEDED"]) expect(openapi).toContain(field);
  });
});
