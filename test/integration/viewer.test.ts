import { type ClientEventName, type EventInput, SUSPICIOUS_TRADES_KEY } from "@hoard/protocol";
import { eventAccess } from "@hoard/server/internal/auth/policy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { http, okData, snapshot, type World, world } from "../support/edge";
import { connectRaw, newOpId, type RawClient, startServer, type TestServer } from "../support/server";

/**
 * The read-only `viewer` role: it reads and watches everything an admin reads, and the node
 * refuses every event that changes state, over the socket and over REST. Both tables come from
 * the server's own (eventAccess, the OpenAPI document built from the route tables), so a new
 * event or route is covered without touching this file.
 */
type ReadEvent = { [E in ClientEventName]: (typeof eventAccess)[E] extends "read" ? E : never }[ClientEventName];

const writeEvents = (Object.keys(eventAccess) as ClientEventName[]).filter((event) => eventAccess[event] === "write");
const readEvents = (Object.keys(eventAccess) as ClientEventName[]).filter((event) => eventAccess[event] === "read");

describe("the viewer role", () => {
  let server: TestServer;
  let w: World;
  let viewer: RawClient;
  let admin: RawClient;
  let tradeId: string;
  let loot: { tableId: string; version: number };

  beforeAll(async () => {
    server = await startServer();
    w = await world(server);
    await w.player("alice", { category: "bag", quantity: 3 });
    await w.player("bob");
    okData(
      await w.gm.call("inventory:apply", { playerId: "alice", opId: newOpId(), ops: [{ type: "credit", currency: "gold", amount: 10 }] }),
    );
    okData(await w.gm.call("kits:put", { kit: { name: "warrior", currencies: { gold: 5 } } }));
    const table = { name: "purse", rolls: 1, entries: [{ type: "currency", currency: "gold", amount: { min: 1, max: 9 }, weight: 1 }] };
    const tableId = okData(await w.gm.call("loot:create", { table })).table.id;
    const drawn = okData(await w.gm.call("inventory:apply", { playerId: "alice", opId: newOpId(), ops: [{ type: "grantLoot", tableId }] }));
    loot = { tableId, version: drawn.version };
    const proposed = okData(
      await w.gm.call("trades:propose", { from: "alice", to: "bob", give: { items: [], currencies: { gold: 1 } }, opId: newOpId() }),
    );
    tradeId = proposed.offer.id;
    viewer = await connectRaw(server.url, await server.token("viewer", "auditor"));
    admin = await connectRaw(server.url, await server.token("admin", "console"));
  });

  afterAll(async () => {
    viewer?.close();
    admin?.close();
    w?.close();
    await server?.close();
  });

  it("classifies events both ways (the tables below are not empty)", () => {
    expect(writeEvents).toContain("inventory:apply");
    expect(readEvents).toContain("inventory:history");
  });

  it.each(writeEvents)("socket: %s → AUTH_FORBIDDEN, nothing changes", async (event) => {
    const before = await snapshot(server, "alice");
    // Payloads an admin could send: the refusal is the role's, not the payload's.
    const reply = await viewer.call(event, writePayload(event, w.itemId));
    expect(reply).toMatchObject({ ok: false, error: { code: "AUTH_FORBIDDEN" } });
    expect(await snapshot(server, "alice")).toEqual(before);
  });

  it("REST: every route of a state-changing event (and the streamed import) → 403 AUTH_FORBIDDEN", async () => {
    const openapi = (await http(server, "GET", "/api/openapi.json")).body as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    const refused: string[] = [];
    const before = await snapshot(server, "alice");
    const token = await server.token("viewer", "auditor");
    for (const [path, operations] of Object.entries(openapi.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const event = operation.operationId as ClientEventName;
        if (eventAccess[event] === "read") continue;
        const url = path.replace(/\{playerId\}/g, "alice").replace(/\{[A-Za-z]+\}/g, "x1");
        const reply = await http(server, method.toUpperCase(), url, { token, json: {} });
        expect({ event, status: reply.status, code: reply.body?.error?.code }).toEqual({ event, status: 403, code: "AUTH_FORBIDDEN" });
        refused.push(event);
      }
    }
    expect(refused).toEqual(expect.arrayContaining(["inventory:apply", "players:create", "stock:import"]));
    expect(await snapshot(server, "alice")).toEqual(before);
  });

  it.each(readEvents)("socket: %s answers the viewer as it answers an admin", async (event) => {
    const payload = readPayloads({ itemId: w.itemId, tradeId, loot })[event as ReadEvent];
    const asAdmin = await admin.call(event, payload);
    const asViewer = await viewer.call(event, payload);
    expect(asAdmin.ok ? "ok" : asAdmin.error.code).toBe("ok");
    expect(asViewer.ok ? "ok" : asViewer.error.code).toBe("ok");
    if (event.startsWith("sub:")) return;
    // Presence answers and node cards carry the time they were read: the two calls may differ in it alone.
    if (!event.startsWith("presence:") && event !== "cluster:nodes") expect(asViewer).toEqual(asAdmin);
  });

  it("watches a player and receives its pushes", async () => {
    const pushes: number[] = [];
    viewer.socket.on("push", (message: { topic: string; seq: number }) => {
      if (message.topic === "inventory/bob") pushes.push(message.seq);
    });
    const { seq } = okData(await viewer.call("sub:subscribe", { topic: "inventory/bob" }));
    okData(
      await w.gm.call("inventory:apply", { playerId: "bob", opId: newOpId(), ops: [{ type: "credit", currency: "gold", amount: 1 }] }),
    );
    await expect.poll(() => pushes).toEqual([seq + 1]);
    viewer.socket.off("push");
  });

  it("reads /metrics like an admin", async () => {
    const reply = await http(server, "GET", "/metrics", { token: await server.token("viewer", "auditor") });
    expect(reply.status).toBe(200);
    expect(String(reply.body)).toContain("hoard_connections");
  });
});

/** A valid payload for every read event: a new read event fails to compile until it has one. */
function readPayloads(ids: { itemId: string; tradeId: string; loot: { tableId: string; version: number } }): {
  [E in ReadEvent]: EventInput<E>;
} {
  const day = "2030-01-01";
  return {
    "items:get": { id: ids.itemId },
    "items:list": {},
    "kits:get": { name: "warrior" },
    "kits:list": {},
    "loot:get": { id: ids.loot.tableId },
    "loot:list": {},
    "loot:replay": { playerId: "alice", version: ids.loot.version },
    "players:get": { playerId: "alice" },
    "players:list": {},
    "inventory:list": { playerId: "alice" },
    "inventory:history": { playerId: "alice" },
    "inventory:resync": { playerId: "alice", sinceVersion: 0 },
    "cart:get": { playerId: "alice" },
    "cart:orders": { playerId: "alice" },
    "shop:list": {},
    "shop:supplies": {},
    "trades:get": { tradeId: ids.tradeId },
    "trades:list": { playerId: "alice" },
    "trades:history": { playerId: "alice" },
    "economy:tradeCounts": {},
    "economy:topItems": {},
    "economy:imbalancedTrades": {},
    "economy:diverseInventories": {},
    "economy:richestPlayers": {},
    "presence:stats": { areaCode: "eu" },
    "presence:areas": {},
    "presence:history": { areaCode: "eu" },
    "stock:read": { key: "supplier1/unit1", from: day, to: day },
    "stock:list": { from: day, to: day },
    "cluster:nodes": {},
    "cluster:sockets": { playerId: "alice" },
    "sub:subscribe": { topic: `trades/${SUSPICIOUS_TRADES_KEY}` },
    "sub:unsubscribe": { topic: `trades/${SUSPICIOUS_TRADES_KEY}` },
  };
}

/** Something an admin could send for each state-changing event (its exact shape does not matter to the refusal). */
function writePayload(event: ClientEventName, itemId: string): unknown {
  const grant = [{ type: "grant", category: "bag", itemId, quantity: 1 }];
  const payloads: Partial<Record<ClientEventName, unknown>> = {
    "inventory:apply": { playerId: "alice", opId: newOpId(), ops: grant },
    "players:create": { id: "mallory", opId: newOpId() },
    "cart:clear": { playerId: "alice", opId: newOpId() },
  };
  return payloads[event] ?? {};
}
