import type { HistoryEntry, HoardClient } from "@hoard/client-sdk";
import { afterEach, describe, expect, it, vi } from "vitest";
import { playerWithGold, shopItem } from "../support/cart";
import { TestClock } from "../support/clock";
import { http } from "../support/edge";
import { failure, startServer, type TestServer } from "../support/server";

/**
 * Reservations through a real node whose clock the test moves: a cart line holds units of a
 * limited item; checkout converts the hold; a hold not checked out returns by itself (the
 * node's sweep, a `cart:release` commit pushed to watchers); nothing is oversold or returned twice.
 */

const MINUTE = 60_000;

describe("cart reservations of limited items", () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function setUp(supply: number) {
    const clock = new TestClock();
    server = await startServer({ now: clock.now, config: { expirySweepMs: 50, maxReservationMs: 10 * MINUTE } });
    const gm = await server.client("server", "game");
    const relic = await shopItem(gm, { name: "Relic", price: 10 });
    await gm.shop.supply(relic, supply);
    return { clock, gm, relic, server };
  }

  async function shopper(server: TestServer, gm: HoardClient, id: string): Promise<HoardClient> {
    await playerWithGold(gm, id, 1000);
    return server.client("player", id);
  }

  const supplyOf = async (gm: HoardClient, itemId: string) => (await gm.shop.supplies({ itemId })).supplies[0];

  it("holds for a cart, refuses past what is left, converts at checkout, and returns an unconverted hold at its time", async () => {
    const { clock, gm, relic, server } = await setUp(3);
    const alice = await shopper(server, gm, "alice");
    const bob = await shopper(server, gm, "bob");

    await alice.cart.add("alice", { itemId: relic, offeredPrice: 10, itemCount: 2, reserveForMs: MINUTE });
    expect(await supplyOf(gm, relic)).toMatchObject({ supply: 3, held: 2, sold: 0, available: 1 });
    expect((await alice.cart.get("alice")).cart.lines[relic]?.reservedUntil).toBe(new Date(clock.now() + MINUTE).toISOString());

    expect(await failure(bob.cart.add("bob", { itemId: relic, offeredPrice: 10, itemCount: 2, reserveForMs: MINUTE }))).toMatchObject({
      code: "SHOP_SOLD_OUT",
      details: { itemId: relic, available: 1, asked: 2 },
    });
    expect((await bob.cart.get("bob")).cart.lines).toEqual({});
    await bob.cart.add("bob", { itemId: relic, offeredPrice: 10, itemCount: 1, reserveForMs: 5 * MINUTE });
    expect(await supplyOf(gm, relic)).toMatchObject({ held: 3, available: 0 });

    const watcher = await server.client("admin", "console");
    const live = await watcher.watch("alice");
    const pushed: HistoryEntry[] = [];
    live.on("change", (entry) => pushed.push(entry));
    const before = (await gm.players.get("alice")).player.version;

    // Not a millisecond early (the node sweeps every 50 ms meanwhile).
    clock.advance(MINUTE - 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await gm.players.get("alice")).player.version).toBe(before);

    clock.advance(1);
    await vi.waitFor(async () => expect((await gm.players.get("alice")).player.version).toBe(before + 1), { timeout: 5000 });
    const [release] = (await gm.inventory.history("alice", { sinceVersion: before })).entries;
    expect(release).toMatchObject({ kind: "cart:release", actor: { role: "server", sub: "system" }, ops: [] });
    expect(release?.changes.cart?.lines[relic]).toMatchObject({ itemCount: 2 });
    expect(release?.changes.cart?.lines[relic]?.reservedUntil).toBeUndefined();
    expect(await supplyOf(gm, relic)).toMatchObject({ held: 1, sold: 0, available: 2 });
    await vi.waitFor(() => expect(pushed.map((entry) => entry.kind)).toEqual(["cart:release"]));
    expect(live.state).toEqual((await gm.players.get("alice")).player);
    await live.close();

    // Bob's hold converts; Alice's line, holding nothing now, sells from what is left.
    await bob.cart.checkout("bob");
    expect(await supplyOf(gm, relic)).toMatchObject({ held: 0, sold: 1, available: 2 });
    const { order } = await alice.cart.checkout("alice");
    expect(order.lines).toMatchObject([{ itemId: relic, itemCount: 2 }]);
    expect(await supplyOf(gm, relic)).toMatchObject({ supply: 3, held: 0, sold: 3, available: 0 });

    // Released once: however long the node sweeps on, nothing more is returned.
    clock.advance(10 * MINUTE);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await supplyOf(gm, relic)).toMatchObject({ held: 0, sold: 3, available: 0 });
    expect((await gm.players.get("alice")).player.inventories.bag?.stacks[relic]).toBe(2);
  });

  it("refuses a reservation of an unlimited item, one longer than the node allows, and a supply set by a player", async () => {
    const { gm, relic, server } = await setUp(5);
    const free = await shopItem(gm, { name: "Bread", price: 1 });
    const alice = await shopper(server, gm, "alice");
    expect(await failure(alice.cart.add("alice", { itemId: free, offeredPrice: 1, reserveForMs: MINUTE }))).toMatchObject({
      code: "SHOP_ITEM_NOT_LIMITED",
    });
    expect(await failure(alice.cart.add("alice", { itemId: relic, offeredPrice: 10, reserveForMs: 11 * MINUTE }))).toMatchObject({
      code: "CART_LIMIT_EXCEEDED",
      details: { max: 10 * MINUTE },
    });
    expect(await failure(alice.shop.supply(relic, 1000))).toMatchObject({ code: "AUTH_FORBIDDEN" });
    expect((await alice.cart.get("alice")).cart.lines).toEqual({});
    expect(await supplyOf(gm, relic)).toMatchObject({ supply: 5, held: 0, sold: 0, available: 5 });
  });

  it("never oversells under racing reservations, checkouts and returns, and every hold comes back", async () => {
    const supply = 10;
    const { clock, gm, relic, server } = await setUp(supply);
    const ids = Array.from({ length: 12 }, (_, index) => `racer-${index}`);
    const racers = await Promise.all(ids.map((id) => shopper(server, gm, id)));

    const bought = async (client: HoardClient, id: string, round: number): Promise<number> => {
      const reserve = round % 2 === 0 ? { reserveForMs: 30_000 } : {};
      try {
        await client.cart.add(id, { itemId: relic, offeredPrice: 10, itemCount: 1 + (round % 3), ...reserve });
      } catch (error) {
        if ((error as { code?: string }).code !== "SHOP_SOLD_OUT") throw error;
      }
      if (round === 1) return 0; // this one leaves its cart for the sweep
      try {
        const { order } = await client.cart.checkout(id);
        return order.lines.reduce((sum, line) => sum + line.itemCount, 0);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== "SHOP_SOLD_OUT" && code !== "CART_EMPTY") throw error;
        return 0;
      }
    };
    let sold = 0;
    for (let round = 0; round < 4; round++) {
      const units = await Promise.all(racers.map((client, index) => bought(client, ids[index] as string, round + index)));
      sold += units.reduce((sum, value) => sum + value, 0);
      clock.advance(20_000);
    }

    const settled = await supplyOf(gm, relic);
    expect(settled?.sold).toBe(sold);
    expect(sold).toBeLessThanOrEqual(supply);
    expect((settled?.held ?? 0) + sold).toBeLessThanOrEqual(supply);
    // What the players own of it is exactly what was sold.
    const owned = await Promise.all(ids.map(async (id) => (await gm.players.get(id)).player.inventories.bag?.stacks[relic] ?? 0));
    expect(owned.reduce((sum, value) => sum + value, 0)).toBe(sold);

    clock.advance(MINUTE);
    await vi.waitFor(async () => expect(await supplyOf(gm, relic)).toMatchObject({ held: 0, sold, available: supply - sold }), {
      timeout: 5000,
    });
    for (const id of ids) {
      const lines = Object.values((await gm.players.get(id)).player.cart?.lines ?? {});
      expect(lines.every((line) => line.reservedUntil === undefined)).toBe(true);
    }
  });

  it("a refunded checkout gives its units back to the shop, once", async () => {
    const { gm, relic, server } = await setUp(3);
    const alice = await shopper(server, gm, "alice");
    await alice.cart.add("alice", { itemId: relic, offeredPrice: 10, itemCount: 3, reserveForMs: MINUTE });
    const { order } = await alice.cart.checkout("alice");
    expect(await supplyOf(gm, relic)).toMatchObject({ held: 0, sold: 3, available: 0 });

    const admin = await server.client("admin", "support");
    await admin.inventory.reverse("alice", order.version, "charged twice");
    expect(await supplyOf(gm, relic)).toMatchObject({ held: 0, sold: 0, available: 3 });
    expect(await failure(admin.inventory.reverse("alice", order.version, "again"))).toMatchObject({ code: "INVENTORY_ALREADY_REVERSED" });
    expect(await supplyOf(gm, relic)).toMatchObject({ sold: 0, available: 3 });
  });

  it("sets and lists supplies over REST", async () => {
    const { relic, server } = await setUp(2);
    const admin = await server.token("admin", "ops");
    const put = await http(server, "PUT", `/api/v1/shop/supplies/${relic}`, { token: admin, json: { supply: 7 } });
    expect(put.status).toBe(200);
    expect(put.body.data).toMatchObject({ supply: { itemId: relic, supply: 7, held: 0, sold: 0, available: 7 } });
    const listed = await http(server, "GET", "/api/v1/shop/supplies", { token: admin });
    expect(listed.body.data).toMatchObject({ supplies: [{ itemId: relic, supply: 7 }], next: null });
    const lifted = await http(server, "PUT", `/api/v1/shop/supplies/${relic}`, { token: admin, json: { supply: null } });
    expect(lifted.body.data).toMatchObject({ supply: { supply: null, available: null } });
  });
});
