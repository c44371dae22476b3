import { connect, type HoardClient } from "@hoard/client-sdk";
import type { ShopCatalog } from "@hoard/server/internal/cart/port";
import type { Store } from "@hoard/server/internal/store/port";
import { SqliteStore } from "@hoard/server/internal/store/sqlite/sqlite-store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { playerWithGold, shopItem } from "../support/cart";
import { startServer, type TestServer } from "../support/server";

/**
 * A real store whose catalog reads can be held up once, so a test can commit something
 * between a checkout's price load and its commit.
 */
function storeWithPriceHook(): { store: Store; beforeNextPriceLoad(hook: () => Promise<void>): void } {
  const inner = new SqliteStore({ path: ":memory:" });
  let hook: (() => Promise<void>) | undefined;
  const shop: ShopCatalog = {
    setPrice: (entry) => inner.shop.setPrice(entry),
    withdrawPrice: (itemId, currency) => inner.shop.withdrawPrice(itemId, currency),
    listPrices: (query) => inner.shop.listPrices(query),
    setSupply: (itemId, supply) => inner.shop.setSupply(itemId, supply),
    listSupplies: (query) => inner.shop.listSupplies(query),
    async pricesOf(itemIds) {
      const run = hook;
      hook = undefined;
      await run?.();
      return inner.shop.pricesOf(itemIds);
    },
  };
  const store = new Proxy(inner, { get: (target, key) => (key === "shop" ? shop : Reflect.get(target, key, target)) });
  return { store, beforeNextPriceLoad: (next) => (hook = next) };
}

describe("a checkout racing a cart change", () => {
  let server: TestServer;
  let gm: HoardClient;
  const hooked = storeWithPriceHook();

  beforeAll(async () => {
    server = await startServer({ store: hooked.store });
    gm = await connect(server.url, { token: await server.token("server", "game") });
  });
  afterAll(async () => {
    gm.close();
    await server.close();
  });

  it("loads prices again when an item joined the cart after they were loaded, and charges for the whole cart", async () => {
    const [axe, torch] = [await shopItem(gm, { price: 30 }), await shopItem(gm, { price: 2 })];
    await playerWithGold(gm, "racer", 100);
    const buyer = await connect(server.url, { token: await server.token("player", "racer") });
    await buyer.cart.add("racer", { itemId: axe, offeredPrice: 30 });

    // The checkout reads the cart (the axe), then, before its commit, the torch is added.
    hooked.beforeNextPriceLoad(async () => {
      await gm.cart.add("racer", { itemId: torch, offeredPrice: 2, itemCount: 5 });
    });
    const { order } = await buyer.cart.checkout("racer");
    buyer.close();

    expect(order.totals).toEqual({ gold: 40 });
    expect(order.lines.map((line) => line.itemId).sort()).toEqual([axe, torch].sort());
    const { player } = await gm.players.get("racer");
    expect(player.wallet).toEqual({ gold: 60 });
    expect(player.inventories.bag?.stacks).toEqual({ [axe]: 1, [torch]: 5 });
  });
});
