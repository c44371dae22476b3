import type { ClientEventName } from "./events.js";

/**
 * The transport half of the event table: per event, whether it changes state and how it is
 * reached over HTTP. It sits apart from the schemas (`events.ts`) because it is plain data: the
 * client entry exports it at run time (the SDK fills an opId from it) without loading zod. The
 * server builds its REST routes and OpenAPI document from these rows, so a new event gets its
 * route by its row alone; `http: null` is the decision that an event is socket-only.
 */

/** How a query or path parameter arrives as text and becomes the event's field. */
export type ParamKind = "int" | "number" | "string";

export interface HttpBinding {
  method: "get" | "post" | "put" | "delete";
  /** Express-style path; each `:name` becomes the input field of that name. */
  path: string;
  /** One line for OpenAPI. */
  summary: string;
  /** The query parameters read (by their name on the wire), each converted by its kind. */
  query?: Readonly<Record<string, ParamKind>>;
  /** Path parameters that are not strings on the event (they arrive as text). */
  params?: Readonly<Record<string, ParamKind>>;
  /** Query names that differ from the event's field: wire name → field. */
  rename?: Readonly<Record<string, string>>;
  /** The body is this one field of the input (the path parameters join it), not the input itself. */
  bodyField?: string;
  /** Success status (default 200), or chosen by a boolean field of the output. */
  status?: number | { readonly field: string; readonly whenTrue: number; readonly whenFalse: number };
  /** The response is immutable, cacheable forever, and its ETag is this field of the output. */
  etag?: string;
}

export interface EventMeta {
  /** Changes state: the SDK waits for the connection and sends it again after a lost ack. */
  mutation: boolean;
  /**
   * `false` for a mutation that is idempotent by its content (an item's id is its hash, a kit
   * or price is put whole, presence events carry their ids) and so carries no opId. Every other
   * mutation carries an opId, which the SDK fills.
   */
  opId?: false;
  http: HttpBinding | null;
}

const cart = "/api/v1/players/:playerId/cart";
const page = { after: "string", limit: "int" } as const;
const period = { since: "string", until: "string" } as const;
/** The origin's API named it `area_code`. */
const byAreaCode = { area_code: "areaCode" } as const;

export const eventMeta = {
  "items:create": {
    mutation: true,
    opId: false,
    http: {
      method: "post",
      path: "/api/v1/items",
      summary: "Define an item (idempotent: the same definition always has the same id)",
      bodyField: "definition",
      status: { field: "created", whenTrue: 201, whenFalse: 200 },
    },
  },
  "items:get": {
    mutation: false,
    http: {
      method: "get",
      path: "/api/v1/items/:id",
      summary: "An item definition; immutable and cacheable forever (ETag = id)",
      etag: "id",
    },
  },
  "items:list": {
    mutation: false,
    http: { method: "get", path: "/api/v1/items", summary: "List item definitions by id", query: page },
  },
  "kits:put": {
    mutation: true,
    opId: false,
    http: {
      method: "put",
      path: "/api/v1/kits/:name",
      summary:
        "Create or replace a kit (granted to players created with the class of that name; a player creating itself may pick only a `starter` kit)",
      bodyField: "kit",
    },
  },
  "kits:get": { mutation: false, http: { method: "get", path: "/api/v1/kits/:name", summary: "A kit" } },
  "kits:list": { mutation: false, http: { method: "get", path: "/api/v1/kits", summary: "List kits" } },
  "players:create": {
    mutation: true,
    http: { method: "post", path: "/api/v1/players", summary: "Create a player (with its class's kit)", status: 201 },
  },
  "players:get": { mutation: false, http: { method: "get", path: "/api/v1/players/:playerId", summary: "A player's whole state" } },
  "players:list": {
    mutation: false,
    http: { method: "get", path: "/api/v1/players", summary: "List players by id", query: { ...page, prefix: "string" } },
  },
  "inventory:apply": {
    mutation: true,
    http: {
      method: "post",
      path: "/api/v1/players/:playerId/ops",
      summary: "Apply an atomic batch of inventory and wallet operations (idempotent by opId)",
    },
  },
  "inventory:reverse": {
    mutation: true,
    http: {
      method: "post",
      path: "/api/v1/players/:playerId/history/:version/reverse",
      summary: "Undo one op log entry with its inverse commit (admin; reason required; idempotent by opId)",
      params: { version: "int" },
    },
  },
  "inventory:list": {
    mutation: false,
    http: {
      method: "get",
      path: "/api/v1/players/:playerId/inventories",
      summary: "A player's inventories, optionally under a category prefix",
      query: { prefix: "string" },
    },
  },
  "inventory:history": {
    mutation: false,
    http: {
      method: "get",
      path: "/api/v1/players/:playerId/history",
      summary: "The op log of a player: committed changes after a version, oldest first",
      query: { sinceVersion: "int", limit: "int" },
    },
  },
  // A socket's own resync; over HTTP, the history route answers the same.
  "inventory:resync": { mutation: false, http: null },
  "cart:get": { mutation: false, http: { method: "get", path: cart, summary: "A player's cart and its totals per currency" } },
  "cart:add": {
    mutation: true,
    http: {
      method: "post",
      path: `${cart}/lines`,
      summary: "Add an item at its current price (an item already in the cart adds to its count)",
    },
  },
  "cart:update": {
    mutation: true,
    http: { method: "put", path: `${cart}/lines/:itemId`, summary: "Set a line's count (0 removes the line)" },
  },
  // DELETEs carry their opId in the query (`?opId=`).
  "cart:remove": {
    mutation: true,
    http: { method: "delete", path: `${cart}/lines/:itemId`, summary: "Remove a line", query: { opId: "string" } },
  },
  "cart:clear": { mutation: true, http: { method: "delete", path: cart, summary: "Empty the cart", query: { opId: "string" } } },
  "cart:checkout": {
    mutation: true,
    http: {
      method: "post",
      path: `${cart}/checkout`,
      summary: "Check out in one atomic commit: re-price, debit, grant, empty the cart, write the receipt (idempotent by opId)",
    },
  },
  "cart:orders": {
    mutation: false,
    http: { method: "get", path: "/api/v1/players/:playerId/orders", summary: "A player's order receipts, oldest first", query: page },
  },
  "shop:put": {
    mutation: true,
    opId: false,
    http: {
      method: "put",
      path: "/api/v1/shop/prices/:itemId/:currency",
      summary: "Set an item's price in a currency, with an optional special sale",
    },
  },
  "shop:list": {
    mutation: false,
    http: {
      method: "get",
      path: "/api/v1/shop/prices",
      summary: "The catalog, with what each entry costs now by the server's clock",
      query: { itemId: "string", ...page },
    },
  },
  "shop:remove": {
    mutation: true,
    opId: false,
    http: { method: "delete", path: "/api/v1/shop/prices/:itemId/:currency", summary: "Take an item off sale in a currency" },
  },
  "trades:propose": {
    mutation: true,
    http: {
      method: "post",
      path: "/api/v1/trades/offers",
      summary: "Propose an offer; the recipient is pushed it on trades/{playerId}",
      status: { field: "replayed", whenTrue: 200, whenFalse: 201 },
    },
  },
  "trades:accept": {
    mutation: true,
    http: {
      method: "post",
      path: "/api/v1/trades/offers/:tradeId/accept",
      summary: "Accept an offer: the swap, in one atomic commit across both players",
    },
  },
  "trades:decline": {
    mutation: true,
    http: { method: "post", path: "/api/v1/trades/offers/:tradeId/decline", summary: "Decline an offer (the recipient)" },
  },
  "trades:cancel": {
    mutation: true,
    http: { method: "post", path: "/api/v1/trades/offers/:tradeId/cancel", summary: "Cancel an offer (the proposer)" },
  },
  "trades:get": {
    mutation: false,
    http: { method: "get", path: "/api/v1/trades/offers/:tradeId", summary: "An offer (its parties, servers and admins)" },
  },
  "trades:list": {
    mutation: false,
    http: {
      method: "get",
      path: "/api/v1/players/:playerId/offers",
      summary: "Offers a player made or received, newest first",
      query: { status: "string", as: "string", ...page },
    },
  },
  "trades:history": {
    mutation: false,
    http: {
      method: "get",
      path: "/api/v1/players/:playerId/trades",
      summary: "A player's trade records (executed, refused, settled offers), oldest first",
      query: { ...period, ...page },
    },
  },
  "trades:execute": {
    mutation: true,
    http: {
      method: "post",
      path: "/api/v1/trades",
      summary: "Run a direct trade between two players at once (server and admin; idempotent by opId)",
    },
  },
  "economy:tradeCounts": {
    mutation: false,
    http: { method: "get", path: "/api/v1/economy/trade-counts", summary: "Trade records by outcome over a period (admin)", query: period },
  },
  "economy:topItems": {
    mutation: false,
    http: {
      method: "get",
      path: "/api/v1/economy/top-items",
      summary: "Most traded items over a period (admin)",
      query: { ...period, by: "string", limit: "int" },
    },
  },
  "economy:imbalancedTrades": {
    mutation: false,
    http: {
      method: "get",
      path: "/api/v1/economy/imbalanced-trades",
      summary: "Executed trades by imbalance, most imbalanced first (admin)",
      query: { ...period, minImbalance: "number", limit: "int" },
    },
  },
  "economy:diverseInventories": {
    mutation: false,
    http: {
      method: "get",
      path: "/api/v1/economy/diverse-inventories",
      summary: "Players holding the most distinct items now (admin)",
      query: { limit: "int" },
    },
  },
  "economy:richestPlayers": {
    mutation: false,
    http: {
      method: "get",
      path: "/api/v1/economy/richest-players",
      summary: "Players by currency plus item value now (admin)",
      query: { limit: "int" },
    },
  },
  // Bound to the connection: there is no connection over HTTP (game servers use presence:ingest).
  "presence:login": { mutation: true, opId: false, http: null },
  "presence:logout": { mutation: true, opId: false, http: null },
  "presence:ingest": {
    mutation: true,
    opId: false,
    http: {
      method: "post",
      path: "/api/v1/presence/events",
      summary: "Report a batch of players' LOGIN/LOGOUT events (idempotent by eventId; LOGIN presences expire unless refreshed)",
    },
  },
  "presence:stats": {
    mutation: false,
    http: {
      method: "get",
      path: "/api/v1/presence/stats",
      summary: "Players of an area by mode, most played first",
      query: { area_code: "string" },
      rename: byAreaCode,
    },
  },
  "presence:areas": {
    mutation: false,
    http: { method: "get", path: "/api/v1/presence/areas", summary: "Areas by players, busiest first", query: { limit: "int" } },
  },
  "presence:history": {
    mutation: false,
    http: {
      method: "get",
      path: "/api/v1/presence/history",
      summary: "Samples of an area's players by mode over time (for charts)",
      query: { area_code: "string", since: "string", until: "string", limit: "int" },
      rename: byAreaCode,
    },
  },
  // Keys hold slashes, so they travel in the body or the query, never in the path.
  "stock:acquire": {
    mutation: true,
    http: {
      method: "post",
      path: "/api/v1/stock/acquire",
      summary: "Add units to one partition on every day of a range (idempotent by opId)",
    },
  },
  "stock:sell": {
    mutation: true,
    http: {
      method: "post",
      path: "/api/v1/stock/sell",
      summary: "Take units from every day of a range, all days or none (STOCK_INSUFFICIENT), unless allowNegative",
    },
  },
  "stock:setPartitions": {
    mutation: true,
    http: { method: "post", path: "/api/v1/stock/partitions", summary: "Set the partitions of every day of a range" },
  },
  "stock:read": {
    mutation: false,
    http: {
      method: "get",
      path: "/api/v1/stock/days",
      summary: "A key's partitions, day by day, over a range",
      query: { key: "string", from: "string", to: "string" },
    },
  },
  "stock:list": {
    mutation: false,
    http: {
      method: "get",
      path: "/api/v1/stock/keys",
      summary: "Keys under a prefix, with their day totals over a range (≤ 92 days)",
      query: { prefix: "string", from: "string", to: "string", ...page },
    },
  },
  // Subscriptions live on a connection.
  "sub:subscribe": { mutation: false, http: null },
  "sub:unsubscribe": { mutation: false, http: null },
} as const satisfies { readonly [E in ClientEventName]: EventMeta };

/** Events that carry an opId (the SDK fills it when the caller gives none). */
export type OpIdEvent = {
  [E in ClientEventName]: (typeof eventMeta)[E] extends { mutation: true; opId: false } | { mutation: false } ? never : E;
}[ClientEventName];

/** True for an event whose payload carries an opId. */
export function takesOpId(event: ClientEventName): event is OpIdEvent {
  const meta: EventMeta = eventMeta[event];
  return meta.mutation && meta.opId !== false;
}
