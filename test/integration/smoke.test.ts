import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRaw, itemDefinition, newOpId, startServer, type TestServer } from "../support/server";

describe("a node over the socket", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("creates an item and a player, grants, and pushes the change to a subscriber", async () => {
    const gm = await connectRaw(server.url, await server.token("server", "game"));
    const alice = await connectRaw(server.url, await server.token("player", "alice"));
    const item = await gm.call("items:create", { definition: itemDefinition({ name: "Potion" }) });
    expect(item.ok).toBe(true);
    const itemId = item.ok ? item.data.item.id : "";
    expect((await gm.call("players:create", { id: "alice", opId: newOpId() })).ok).toBe(true);

    const pushes: unknown[] = [];
    alice.socket.on("push", (message) => pushes.push(message));
    const sub = await alice.call("sub:subscribe", { topic: "inventory/alice" });
    expect(sub).toEqual({ ok: true, data: { topic: "inventory/alice", seq: 1 } });

    const applied = await gm.call("inventory:apply", {
      playerId: "alice",
      opId: newOpId(),
      ops: [{ type: "grant", category: "bag", itemId, quantity: 3 }],
    });
    expect(applied).toMatchObject({ ok: true, data: { version: 2, changes: { inventories: { bag: { stacks: { [itemId]: 3 } } } } } });
    await expect.poll(() => pushes.length).toBe(1);
    expect(pushes[0]).toMatchObject({ type: "inventory", topic: "inventory/alice", seq: 2, entry: { opId: expect.any(String) } });

    const other = await alice.call("players:get", { playerId: "bob" });
    expect(other).toMatchObject({ ok: false, error: { code: "AUTH_FORBIDDEN" } });
    gm.close();
    alice.close();
  });
});
