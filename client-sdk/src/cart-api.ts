import type { EventInput } from "@hoard/protocol/client";
import type { HoardClient, MutationOptions } from "./client.js";

/**
 * `hoard.cart`: the player's shop cart. Each line is offered at the shop's current price (see
 * `shop.list`); every change is a versioned commit of the player, pushed to its watchers.
 */
export function cartApi(client: HoardClient) {
  return {
    /** @example const { cart, totals } = await hoard.cart.get("alice"); */
    get: (playerId: string) => client.call("cart:get", { playerId }),
    /**
     * Adds an item at its current price; an item already in the cart adds to its count.
     * Refused with CART_PRICE_CHANGED (details hold the current price) when the offer is not it.
     * With `reserveForMs`, a limited item's units are held for the cart until then (SHOP_SOLD_OUT
     * when not that many are left); checkout converts the hold, and it returns by itself after.
     * @example await hoard.cart.add("alice", { itemId, offeredPrice: 50, itemCount: 2 });
     * @example await hoard.cart.add("alice", { itemId, offeredPrice: 50, reserveForMs: 300_000 });
     */
    add: (playerId: string, line: Omit<EventInput<"cart:add">, "playerId" | "opId">, options: MutationOptions = {}) =>
      client.mutate("cart:add", { ...line, playerId }, options),
    /** @example await hoard.cart.update("alice", itemId, 1); // 0 removes the line */
    update: (playerId: string, itemId: string, itemCount: number, options: MutationOptions = {}) =>
      client.mutate("cart:update", { playerId, itemId, itemCount }, options),
    /** @example await hoard.cart.remove("alice", itemId); */
    remove: (playerId: string, itemId: string, options: MutationOptions = {}) =>
      client.mutate("cart:remove", { playerId, itemId }, options),
    /** @example await hoard.cart.clear("alice"); */
    clear: (playerId: string, options: MutationOptions = {}) => client.mutate("cart:clear", { playerId }, options),
    /**
     * Pays for the whole cart and receives its items in one atomic step; resolves to the receipt.
     * A repeat with the same opId returns the same receipt and charges once.
     * @example const { order } = await hoard.cart.checkout("alice"); console.log(order.totals.gold);
     */
    checkout: (playerId: string, options: MutationOptions = {}) => client.mutate("cart:checkout", { playerId }, options),
    /** @example const { orders, next } = await hoard.cart.orders("alice", { limit: 20 }); */
    orders: (playerId: string, page: Omit<EventInput<"cart:orders">, "playerId"> = {}) => client.call("cart:orders", { playerId, ...page }),
  };
}

/** `hoard.shop`: the catalog; everyone reads it, `server` and `admin` tokens set prices and sales. */
export function shopApi(client: HoardClient) {
  return {
    /**
     * @example
     * await hoard.shop.put({ itemId, currency: "gold", price: 50,
     *   sale: { price: 40, expiresAt: "2026-12-26T00:00:00Z" } });
     */
    put: (entry: EventInput<"shop:put">) => client.call("shop:put", entry),
    /** @example const { entries } = await hoard.shop.list({ itemId }); const price = entries[0]?.current.price; */
    list: (query: EventInput<"shop:list"> = {}) => client.call("shop:list", query),
    /** @example await hoard.shop.remove(itemId, "gold"); */
    remove: (itemId: string, currency?: string) => client.call("shop:remove", { itemId, ...(currency === undefined ? {} : { currency }) }),
    /**
     * Limits the units of an item the shop sells in all (null lifts the limit); carts may then
     * hold units for a while (`cart.add` with `reserveForMs`).
     * @example const { supply } = await hoard.shop.supply(itemId, 100); console.log(supply.available);
     */
    supply: (itemId: string, supply: number | null) => client.call("shop:supply", { itemId, supply }),
    /** @example const { supplies } = await hoard.shop.supplies({ itemId }); const left = supplies[0]?.available; */
    supplies: (query: EventInput<"shop:supplies"> = {}) => client.call("shop:supplies", query),
  };
}
