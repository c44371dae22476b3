import { type HoardClient, HoardError } from "@hoard/client-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromNow, playerWithGold, shopItem } from "../support/cart";
import { failure, startServer, type TestServer } from "../support/server";

describe("shop carts and checkout through the SDK", () => {
  let server: TestServer;
  let gm: HoardClient;
  const open = (role: "player" | "server" | "admin", sub?: string) => server.client(role, sub);

  beforeAll(async () => {
    server = await startServer();
    gm = await open("server", "game");
  });
  afterAll(async () => {
    await server.close();
  });

  it("runs the origin's scenario: add two products, update, remove, checkout 30, cart empty", async () => {
    const sword = await shopItem(gm, { name: "Sword", price: 50 });
    const arrow = await shopItem(gm, { name: "Arrow", price: 10 });
    await playerWithGold(gm, "origin", 100);
    const alice = await open("player", "origin");

    expect((await alice.cart.get("origin")).cart).toEqual({ lines: {} });
    await alice.cart.add("origin", { itemId: sword, offeredPrice: 50, itemCount: 2 });
    const added = await alice.cart.add("origin", { itemId: arrow, offeredPrice: 10, itemCount: 3 });
    expect(added.totals).toEqual({ gold: 130 });
    expect(Object.keys(added.changes.lines)).toEqual([arrow]);
    expect((await alice.cart.get("origin")).cart.lines[sword]).toMatchObject({
      itemCount: 2,
      offeredPrice: 50,
      currency: "gold",
      category: "bag",
      specialSale: false,
    });
    expect((await alice.cart.update("origin", sword, 1)).totals).toEqual({ gold: 80 });
    expect((await alice.cart.remove("origin", sword)).totals).toEqual({ gold: 30 });

    const { order, replayed } = await alice.cart.checkout("origin");
    expect(replayed).toBe(false);
    expect(order.totals).toEqual({ gold: 30 });
    expect(order.lines).toEqual([expect.objectContaining({ itemId: arrow, itemCount: 3, unitPrice: 10, lineTotal: 30 })]);

    expect(await alice.cart.get("origin")).toMatchObject({ cart: { lines: {} }, totals: {} });
    const { player } = await gm.players.get("origin");
    expect(player.wallet).toEqual({ gold: 70 });
    expect(player.inventories.bag?.stacks).toEqual({ [arrow]: 3 });
    expect(player.cart).toBeUndefined();
    expect((await alice.cart.orders("origin")).orders).toEqual([order]);
    const { entries } = await gm.inventory.history("origin");
    expect(entries.map((entry) => entry.kind)).toEqual([
      "players:create",
      "inventory:apply",
      "cart:add",
      "cart:add",
      "cart:update",
      "cart:remove",
      "cart:checkout",
    ]);
    expect(entries.at(-1)?.ops).toEqual([
      { type: "debit", currency: "gold", amount: 30 },
      { type: "grant", category: "bag", itemId: arrow, quantity: 3 },
    ]);
  });

  it("refuses a tampered price and keeps the cart as it was", async () => {
    const gem = await shopItem(gm, { price: 500 });
    await playerWithGold(gm, "cheat", 1000);
    const cheat = await open("player", "cheat");
    const before = await cheat.cart.get("cheat");

    const error = await failure(cheat.cart.add("cheat", { itemId: gem, offeredPrice: 1 }));
    expect(error).toBeInstanceOf(HoardError);
    expect(error).toMatchObject({ code: "CART_PRICE_CHANGED", details: { current: { price: 500, specialSale: false } } });
    // The right price with the wrong sale terms: the message names the term that differs.
    const wrongTerms = await failure(cheat.cart.add("cheat", { itemId: gem, offeredPrice: 500, specialSale: true }));
    expect(wrongTerms).toMatchObject({ code: "CART_PRICE_CHANGED", details: { term: "specialSale" } });
    expect(wrongTerms.message).toContain("not on sale now");
    expect(wrongTerms.message).not.toContain("costs 500 gold now, not 500");
    expect(await cheat.cart.get("cheat")).toEqual(before);
  });

  it("re-prices a line whose sale expired: CART_PRICE_CHANGED with the new cart, nothing charged, then checks out at the new price", async () => {
    const expiresAt = fromNow(1500);
    const potion = await shopItem(gm, { price: 20, sale: { price: 5, expiresAt } });
    await playerWithGold(gm, "bargain", 100);
    const buyer = await open("player", "bargain");
    const { entries } = await buyer.shop.list({ itemId: potion });
    expect(entries[0]?.current).toEqual({ price: 5, specialSale: true, saleExpiration: expiresAt });
    await buyer.cart.add("bargain", { itemId: potion, offeredPrice: 5, itemCount: 4, specialSale: true, saleExpiration: expiresAt });

    // The server's clock ends the sale; wait for it by asking the server, not by sleeping.
    await expect
      .poll(async () => (await buyer.shop.list({ itemId: potion })).entries[0]?.current.specialSale, { timeout: 10_000, interval: 100 })
      .toBe(false);
    const error = await failure(buyer.cart.checkout("bargain"));
    expect(error).toMatchObject({
      code: "CART_PRICE_CHANGED",
      details: {
        totals: { gold: 80 },
        cart: { lines: { [potion]: { offeredPrice: 20, itemCount: 4, specialSale: false } } },
        lines: [{ itemId: potion, offeredPrice: 5, current: { price: 20, specialSale: false } }],
      },
    });
    const afterRefusal = (await gm.players.get("bargain")).player;
    expect(afterRefusal.wallet).toEqual({ gold: 100 });
    expect(afterRefusal.inventories.bag).toBeUndefined();

    const { order } = await buyer.cart.checkout("bargain");
    expect(order.totals).toEqual({ gold: 80 });
    expect((await gm.players.get("bargain")).player.wallet).toEqual({ gold: 20 });
  });

  it("charges once when two connections of one player check out the same cart at once", async () => {
    const shield = await shopItem(gm, { price: 40 });
    const bolt = await shopItem(gm, { price: 3 });
    await playerWithGold(gm, "twin", 1000);
    const [left, right] = [await open("player", "twin"), await open("player", "twin")];
    await left.cart.add("twin", { itemId: shield, offeredPrice: 40, itemCount: 2 });
    await right.cart.add("twin", { itemId: bolt, offeredPrice: 3, itemCount: 10 });

    const outcomes = await Promise.allSettled([left.cart.checkout("twin"), right.cart.checkout("twin")]);
    const won = outcomes.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
    const lost = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason as HoardError] : []));
    expect(won).toHaveLength(1);
    expect(lost.map((error) => error.code)).toEqual(["CART_EMPTY"]);

    const order = won[0]?.order;
    expect(order?.totals).toEqual({ gold: 110 });
    const { player } = await gm.players.get("twin");
    expect(1000 - (player.wallet.gold ?? 0)).toBe(order?.totals.gold);
    expect(player.inventories.bag?.stacks).toEqual({ [shield]: 2, [bolt]: 10 });
    expect((await gm.cart.orders("twin")).orders).toHaveLength(1);
  });

  it("returns the same receipt to a retried checkout and charges once, even when the cart was filled again", async () => {
    const ring = await shopItem(gm, { price: 25 });
    await playerWithGold(gm, "retry", 100);
    const buyer = await open("player", "retry");
    await buyer.cart.add("retry", { itemId: ring, offeredPrice: 25 });

    const first = await buyer.cart.checkout("retry", { opId: "checkout-retry-0001" });
    await buyer.cart.add("retry", { itemId: ring, offeredPrice: 25, itemCount: 2 });
    const again = await buyer.cart.checkout("retry", { opId: "checkout-retry-0001" });
    expect(again).toEqual({ order: first.order, replayed: true });

    const { player } = await gm.players.get("retry");
    expect(player.wallet).toEqual({ gold: 75 });
    expect(player.inventories.bag?.stacks).toEqual({ [ring]: 1 });
    expect(player.cart?.lines[ring]?.itemCount).toBe(2);
    expect((await buyer.cart.orders("retry")).orders).toEqual([first.order]);
  });

  it("refuses a checkout the wallet or the inventory cannot take, and changes nothing", async () => {
    const crown = await shopItem(gm, { price: 300 });
    await playerWithGold(gm, "poor", 299);
    const buyer = await open("player", "poor");
    await buyer.cart.add("poor", { itemId: crown, offeredPrice: 300 });
    const before = (await gm.players.get("poor")).player;

    expect(await failure(buyer.cart.checkout("poor"))).toMatchObject({
      code: "WALLET_INSUFFICIENT_FUNDS",
      details: { have: 299, need: 300 },
    });
    expect((await gm.players.get("poor")).player).toEqual(before);

    await gm.inventory.apply("poor", [
      { type: "credit", currency: "gold", amount: 1 },
      { type: "setCapacity", category: "bag", capacity: 0 },
    ]);
    const funded = (await gm.players.get("poor")).player;
    expect(await failure(buyer.cart.checkout("poor"))).toMatchObject({ code: "INVENTORY_CAPACITY_EXCEEDED" });
    expect((await gm.players.get("poor")).player).toEqual(funded);
    expect((await gm.cart.orders("poor")).orders).toEqual([]);
  });

  it("pushes every cart change to a watcher of the player", async () => {
    const cloak = await shopItem(gm, { price: 15 });
    await playerWithGold(gm, "watched-cart", 50);
    const owner = await open("player", "watched-cart");
    const viewer = await open("admin", "console");
    const live = await viewer.watch("watched-cart");

    const added = await owner.cart.add("watched-cart", { itemId: cloak, offeredPrice: 15, itemCount: 2 });
    await expect.poll(() => live.version).toBe(added.version);
    expect(live.state.cart).toEqual({ lines: added.changes.lines });
    expect(live.state.cart).toEqual((await owner.cart.get("watched-cart")).cart);

    const { order } = await owner.cart.checkout("watched-cart");
    await expect.poll(() => live.version).toBe(order.version);
    expect(live.state.cart).toBeUndefined();
    expect(live.state.inventories.bag?.stacks).toEqual({ [cloak]: 2 });
    expect(live.state).toEqual((await gm.players.get("watched-cart")).player);
    await live.close();
  });

  it("lets a player reach only its own cart, and only servers and admins set prices", async () => {
    const hat = await shopItem(gm, { price: 7 });
    await playerWithGold(gm, "owner", 0);
    const stranger = await open("player", "stranger");
    expect(await failure(stranger.cart.add("owner", { itemId: hat, offeredPrice: 7 }))).toMatchObject({ code: "AUTH_FORBIDDEN" });
    expect(await failure(stranger.cart.get("owner"))).toMatchObject({ code: "AUTH_FORBIDDEN" });
    expect(await failure(stranger.shop.put({ itemId: hat, price: 0 }))).toMatchObject({ code: "AUTH_FORBIDDEN" });
    expect((await stranger.shop.list({ itemId: hat })).entries.map((entry) => entry.price)).toEqual([7]);

    // A game server may fill any player's cart.
    await gm.cart.add("owner", { itemId: hat, offeredPrice: 7, itemCount: 3 });
    expect((await gm.cart.get("owner")).totals).toEqual({ gold: 21 });
  });

  it("refuses items that are not for sale, in that currency or at all", async () => {
    const relic = await shopItem(gm, { price: 9, currency: "gems" });
    await playerWithGold(gm, "picky", 100);
    const buyer = await open("player", "picky");
    expect(await failure(buyer.cart.add("picky", { itemId: relic, offeredPrice: 9 }))).toMatchObject({
      code: "SHOP_ITEM_NOT_FOR_SALE",
      details: { currency: "gold" },
    });
    await buyer.cart.add("picky", { itemId: relic, offeredPrice: 9, currency: "gems" });
    expect(await gm.shop.remove(relic, "gems")).toEqual({ removed: true });
    // Withdrawn after it was added: the checkout drops the line and charges nothing.
    expect(await failure(buyer.cart.checkout("picky"))).toMatchObject({
      code: "CART_PRICE_CHANGED",
      details: { cart: { lines: {} }, lines: [{ itemId: relic, current: null }] },
    });
    expect(await failure(buyer.cart.checkout("picky"))).toMatchObject({ code: "CART_EMPTY" });
  });
});
