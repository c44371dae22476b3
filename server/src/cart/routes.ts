import { CartAddInput, CartCheckoutInput, CartUpdateInput, ShopPutInput } from "@hoard/protocol";
import type { HttpRoute } from "../transport/http-route";

const cart = "/api/v1/players/:playerId/cart";
const page = { after: "string", limit: "int" } as const;

/** REST onto the cart and shop events. DELETEs carry their opId in the query (`?opId=`). */
export const cartRoutes: HttpRoute[] = [
  { method: "get", path: cart, event: "cart:get", summary: "A player's cart and its totals per currency" },
  {
    method: "post",
    path: `${cart}/lines`,
    event: "cart:add",
    summary: "Add an item at its current price (an item already in the cart adds to its count)",
    body: CartAddInput.omit({ playerId: true }),
  },
  {
    method: "put",
    path: `${cart}/lines/:itemId`,
    event: "cart:update",
    summary: "Set a line's count (0 removes the line)",
    body: CartUpdateInput.pick({ itemCount: true, opId: true }),
  },
  { method: "delete", path: `${cart}/lines/:itemId`, event: "cart:remove", summary: "Remove a line", query: { opId: "string" } },
  { method: "delete", path: cart, event: "cart:clear", summary: "Empty the cart", query: { opId: "string" } },
  {
    method: "post",
    path: `${cart}/checkout`,
    event: "cart:checkout",
    summary: "Check out in one atomic commit: re-price, debit, grant, empty the cart, write the receipt (idempotent by opId)",
    body: CartCheckoutInput.omit({ playerId: true }),
  },
  {
    method: "get",
    path: "/api/v1/players/:playerId/orders",
    event: "cart:orders",
    summary: "A player's order receipts, oldest first",
    query: page,
  },
  {
    method: "put",
    path: "/api/v1/shop/prices/:itemId/:currency",
    event: "shop:put",
    summary: "Set an item's price in a currency, with an optional special sale",
    body: ShopPutInput.pick({ price: true, sale: true }),
  },
  {
    method: "get",
    path: "/api/v1/shop/prices",
    event: "shop:list",
    summary: "The catalog, with what each entry costs now by the server's clock",
    query: { itemId: "string", ...page },
  },
  {
    method: "delete",
    path: "/api/v1/shop/prices/:itemId/:currency",
    event: "shop:remove",
    summary: "Take an item off sale in a currency",
  },
];
