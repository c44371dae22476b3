import { connect, type HistoryEntry, type HoardClient, HoardError } from "@hoard/client-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { itemDefinition, startServer, type TestServer } from "../support/server";

describe("client SDK against a real node", () => {
  let server: TestServer;
  let gm: HoardClient;
  let itemId: string;
  const open = (role: "player" | "server" | "admin", sub?: string) => server.client(role, sub);

  beforeAll(async () => {
    server = await startServer();
    gm = await open("server", "game");
    ({
      item: { id: itemId },
    } = await gm.items.create(itemDefinition({ name: "Arrow" })));
  });
  afterAll(async () => {
    await server.close();
  });

  it("ends with exact totals when many clients grant and consume at once", async () => {
    await gm.players.create({ id: "hoarder" });
    await gm.inventory.grant("hoarder", { category: "quiver", itemId, quantity: 1000 });
    const workers = await Promise.all(Array.from({ length: 8 }, () => open("server", "worker")));
    const owner = await open("player", "hoarder");
    await Promise.all([
      ...workers.flatMap((worker) =>
        Array.from({ length: 25 }, () => worker.inventory.grant("hoarder", { category: "quiver", itemId, quantity: 3 })),
      ),
      ...Array.from({ length: 100 }, () => owner.inventory.consume("hoarder", { category: "quiver", itemId, quantity: 2 })),
    ]);
    const { player } = await gm.players.get("hoarder");
    expect(player.inventories.quiver?.stacks[itemId]).toBe(1000 + 8 * 25 * 3 - 100 * 2);
    expect(player.version).toBe(2 + 8 * 25 + 100);
    const { entries } = await gm.inventory.history("hoarder", { limit: 500 });
    expect(entries.map((entry) => entry.version)).toEqual(Array.from({ length: player.version }, (_, i) => i + 1));
  });

  it("applies a retried opId once and says it was replayed", async () => {
    await gm.players.create({ id: "retry" });
    const first = await gm.inventory.credit("retry", "gold", 10, { opId: "retry-credit-0001" });
    const again = await gm.inventory.credit("retry", "gold", 10, { opId: "retry-credit-0001" });
    expect(first.replayed).toBe(false);
    expect(again).toEqual({ ...first, replayed: true });
    expect((await gm.players.get("retry")).player.wallet.gold).toBe(10);
  });

  it("fills a mutation's opId in one place: `call` without one applies once per call, with one given it replays", async () => {
    await gm.players.create({ id: "filled" });
    const ops = [{ type: "credit" as const, currency: "gold", amount: 5 }];
    const made = await gm.call("inventory:apply", { playerId: "filled", ops });
    const given = await gm.call("inventory:apply", { playerId: "filled", ops }, { opId: "filled-credit-0001" });
    const again = await gm.mutate("inventory:apply", { playerId: "filled", ops }, { opId: "filled-credit-0001" });
    expect([made.replayed, given.replayed]).toEqual([false, false]);
    expect(again).toEqual({ ...given, replayed: true });
    expect((await gm.players.get("filled")).player.wallet.gold).toBe(10);
    const { entries } = await gm.inventory.history("filled");
    const [byCall, byOption] = entries.filter((entry) => entry.kind === "inventory:apply").map((entry) => entry.opId);
    expect(byOption).toBe("filled-credit-0001");
    expect(byCall).toMatch(/.{8,}/);
    expect(byCall).not.toBe(byOption);
  });

  it("throws a HoardError with the registry code", async () => {
    await gm.players.create({ id: "poor" });
    const error = await gm.inventory.debit("poor", "gold", 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HoardError);
    expect(error).toMatchObject({ code: "WALLET_INSUFFICIENT_FUNDS", details: { have: 0, need: 1 } });
  });

  it("rejects connect with the auth error code", async () => {
    const error = await connect(server.url, { token: "not-a-jwt" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "AUTH_UNAUTHENTICATED" });
  });

  it("caches item definitions forever", async () => {
    const first = await gm.items.get(itemId);
    expect(await gm.items.get(itemId)).toBe(first);
  });

  it("a watcher sees every version in order, across a forced reconnect", async () => {
    await gm.players.create({ id: "watched" });
    const viewer = await open("player", "watched");
    const live = await viewer.watch("watched");
    const seen: number[] = [];
    live.on("change", (entry: HistoryEntry) => seen.push(entry.version));
    expect(live.version).toBe(1);

    for (let i = 0; i < 5; i++) await gm.inventory.credit("watched", "gold", 1);
    await expect.poll(() => live.version).toBe(6);

    // Drop the transport; commit while the viewer is away; it must catch up without a skip.
    const reconnected = new Promise<void>((resolve) => viewer.onResync(resolve));
    viewer.socket.io.engine.close();
    for (let i = 0; i < 5; i++) await gm.inventory.credit("watched", "gold", 1);
    await reconnected;
    for (let i = 0; i < 3; i++) await gm.inventory.credit("watched", "gold", 1);

    await expect.poll(() => live.version).toBe(14);
    expect(seen).toEqual(Array.from({ length: 13 }, (_, i) => i + 2));
    expect(live.state.wallet.gold).toBe(13);
    expect(live.state).toEqual((await gm.players.get("watched")).player);
    await live.close();
  });

  it("a watcher resyncs when it sees a gap", async () => {
    await gm.players.create({ id: "gappy" });
    const viewer = await open("admin", "console");
    const live = await viewer.watch("gappy");
    const seen: number[] = [];
    live.on("change", (entry) => seen.push(entry.version));
    // Swallow pushes 2..3 as if the network lost them, then let 4 through.
    const push = viewer.socket.listeners("push")[0] as (message: { seq: number }) => void;
    viewer.socket.off("push");
    viewer.socket.on("push", (message) => {
      if (message.seq > 3) push(message);
    });
    for (let i = 0; i < 3; i++) await gm.inventory.credit("gappy", "gold", 5);
    await expect.poll(() => live.version).toBe(4);
    expect(seen).toEqual([2, 3, 4]);
    expect(live.state.wallet.gold).toBe(15);
  });
});
