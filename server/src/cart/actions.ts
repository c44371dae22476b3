import { type ActionSet, actorOf } from "../actions";
import { anyRole, roles, selfOrTrusted } from "../auth/policy";
import type { CartService } from "./service";
import type { ShopService } from "./shop-service";

/** A player manages and checks out its own cart; servers and admins reach every cart. */
const ownCart = selfOrTrusted<{ playerId: string }>((input) => input.playerId);
const trusted = roles("server", "admin");

export function cartActions(
  carts: CartService,
): ActionSet<"cart:get" | "cart:add" | "cart:update" | "cart:remove" | "cart:clear" | "cart:checkout" | "cart:orders"> {
  return {
    "cart:get": { authorize: ownCart, handle: (_ctx, { playerId }) => carts.get(playerId) },
    "cart:add": { authorize: ownCart, handle: (ctx, input) => carts.add(actorOf(ctx.principal), input) },
    "cart:update": { authorize: ownCart, handle: (ctx, input) => carts.update(actorOf(ctx.principal), input) },
    "cart:remove": { authorize: ownCart, handle: (ctx, input) => carts.remove(actorOf(ctx.principal), input) },
    "cart:clear": { authorize: ownCart, handle: (ctx, input) => carts.clear(actorOf(ctx.principal), input) },
    "cart:checkout": { authorize: ownCart, handle: (ctx, input) => carts.checkout(actorOf(ctx.principal), input) },
    "cart:orders": { authorize: ownCart, handle: (_ctx, input) => carts.orders(input) },
  };
}

/** Everyone may read the catalog (a client must know the price to offer it); servers and admins set it. */
export function shopActions(shop: ShopService): ActionSet<"shop:put" | "shop:list" | "shop:remove" | "shop:supply" | "shop:supplies"> {
  return {
    "shop:put": { authorize: trusted, handle: (_ctx, input) => shop.put(input) },
    "shop:list": { authorize: anyRole, handle: (_ctx, input) => shop.list(input) },
    "shop:remove": { authorize: trusted, handle: (_ctx, input) => shop.remove(input) },
    "shop:supply": { authorize: trusted, handle: (_ctx, input) => shop.supply(input) },
    "shop:supplies": { authorize: anyRole, handle: (_ctx, input) => shop.supplies(input) },
  };
}
