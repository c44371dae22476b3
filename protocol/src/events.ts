import type { z } from "zod";
import * as cart from "./cart.js";
import * as cluster from "./cluster.js";
import type { Ack } from "./envelope.js";
import type { WireError } from "./errors.js";
import * as inv from "./inventory.js";
import * as items from "./items.js";
import * as loot from "./loot.js";
import * as presence from "./presence.js";
import * as push from "./push.js";
import type { ResyncHint } from "./resync.js";
import * as stock from "./stock.js";
import * as trade from "./trade.js";

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

const cartPath = "/api/v1/players/:playerId/cart";
const page = { after: "string", limit: "int" } as const;
const period = { since: "string", until: "string" } as const;
/** The origin's API named it `area_code`. */
const byAreaCode = { area_code: "areaCode" } as const;

/**
 * Every client → server event: its input schema (parsed at the edge), its output schema (the
 * `data` of a successful ack) and its REST route (`http`, or `null` for a socket-only event).
 * Socket handlers, REST routes (server/src/transport/rest-routes.ts), OpenAPI and the SDK's
 * types all derive from this table; its zod-free half, `eventMeta` (event-meta.ts: mutation or
 * not, opId or not), must have a row for every name here. What a route does differently (a
 * body that is one field of the input, a renamed query parameter, a numeric path parameter, a
 * status chosen by the output, an ETag) is data in its binding, applied in one place. Keys
 * hold slashes, so stock routes carry them in the body or the query, never in the path;
 * DELETEs carry their opId in the query (`?opId=`).
 */
export const clientEvents = {
  "items:create": {
    input: items.ItemsCreateInput,
    output: items.ItemsCreateOutput,
    http: {
      method: "post",
      path: "/api/v1/items",
      summary: "Define an item (idempotent: the same definition always has the same id)",
      bodyField: "definition",
      status: { field: "created", whenTrue: 201, whenFalse: 200 },
    },
  },
  "items:get": {
    input: items.ItemsGetInput,
    output: items.ItemsGetOutput,
    http: {
      method: "get",
      path: "/api/v1/items/:id",
      summary: "An item definition; immutable and cacheable forever (ETag = id)",
      etag: "id",
    },
  },
  "items:list": {
    input: items.ItemsListInput,
    output: items.ItemsListOutput,
    http: { method: "get", path: "/api/v1/items", summary: "List item definitions by id", query: page },
  },
  "kits:put": {
    input: items.KitsPutInput,
    output: items.KitsPutOutput,
    http: {
      method: "put",
      path: "/api/v1/kits/:name",
      summary:
        "Create or replace a kit (granted to players created with the class of that name; a player creating itself may pick only a `starter` kit)",
      bodyField: "kit",
    },
  },
  "kits:get": {
    input: items.KitsGetInput,
    output: items.KitsPutOutput,
    http: { method: "get", path: "/api/v1/kits/:name", summary: "A kit" },
  },
  "kits:list": {
    input: items.KitsListInput,
    output: items.KitsListOutput,
    http: { method: "get", path: "/api/v1/kits", summary: "List kits" },
  },
  "loot:create": {
    input: loot.LootCreateInput,
    output: loot.LootCreateOutput,
    http: {
      method: "post",
      path: "/api/v1/loot-tables",
      summary: "Define a loot table (idempotent: the same table always has the same id; nested tables and items must exist)",
      bodyField: "table",
      status: { field: "created", whenTrue: 201, whenFalse: 200 },
    },
  },
  "loot:get": {
    input: loot.LootGetInput,
    output: loot.LootGetOutput,
    http: {
      method: "get",
      path: "/api/v1/loot-tables/:id",
      summary: "A loot table; immutable and cacheable forever (ETag = id)",
      etag: "id",
    },
  },
  "loot:list": {
    input: loot.LootListInput,
    output: loot.LootListOutput,
    http: { method: "get", path: "/api/v1/loot-tables", summary: "List loot tables by id", query: page },
  },
  "loot:replay": {
    input: loot.LootReplayInput,
    output: loot.LootReplayOutput,
    http: {
      method: "get",
      path: "/api/v1/players/:playerId/history/:version/loot",
      summary:
        "Draw again from the table and seed of each loot draw (and a random class pick) of one op log entry, and say whether it gives the logged outcome",
      params: { version: "int" },
    },
  },
  "players:create": {
    input: inv.PlayersCreateInput,
    output: inv.PlayersCreateOutput,
    http: {
      method: "post",
      path: "/api/v1/players",
      summary: "Create a player (with its class's kit; class `random` picks a starter kit)",
      status: 201,
    },
  },
  "players:get": {
    input: inv.PlayersGetInput,
    output: inv.PlayersGetOutput,
    http: { method: "get", path: "/api/v1/players/:playerId", summary: "A player's whole state" },
  },
  "players:list": {
    input: inv.PlayersListInput,
    output: inv.PlayersListOutput,
    http: {
      method: "get",
      path: "/api/v1/players",
      summary: "List players by id; search: an id or a name starting with it, ignoring case",
      query: { ...page, prefix: "string", search: "string" },
    },
  },
  "players:disconnect": {
    input: inv.PlayersDisconnectInput,
    output: inv.PlayersDisconnectOutput,
    http: {
      method: "post",
      path: "/api/v1/players/:playerId/disconnect",
      summary: "Close every connection of a player on every node, telling it why (admin; reason required)",
    },
  },
  "inventory:apply": {
    input: inv.InventoryApplyInput,
    output: inv.InventoryApplyOutput,
    http: {
      method: "post",
      path: "/api/v1/players/:playerId/ops",
      summary: "Apply an atomic batch of inventory and wallet operations (idempotent by opId)",
    },
  },
  "inventory:reverse": {
    input: inv.InventoryReverseInput,
    output: inv.InventoryReverseOutput,
    http: {
      method: "post",
      path: "/api/v1/players/:playerId/history/:version/reverse",
      summary: "Undo one op log entry with its inverse commit (admin; reason required; idempotent by opId)",
      params: { version: "int" },
    },
  },
  "inventory:list": {
    input: inv.InventoryListInput,
    output: inv.InventoryListOutput,
    http: {
      method: "get",
      path: "/api/v1/players/:playerId/inventories",
      summary: "A player's inventories, optionally under a category prefix",
      query: { prefix: "string" },
    },
  },
  "inventory:history": {
    input: inv.InventoryHistoryInput,
    output: inv.InventoryHistoryOutput,
    http: {
      method: "get",
      path: "/api/v1/players/:playerId/history",
      summary: "The op log of a player: committed changes after a version, oldest first",
      query: { sinceVersion: "int", limit: "int" },
    },
  },
  // A socket's own resync; over HTTP, the history route answers the same.
  "inventory:resync": { input: inv.InventoryResyncInput, output: inv.InventoryResyncOutput, http: null },
  "cart:get": {
    input: cart.CartGetInput,
    output: cart.CartGetOutput,
    http: { method: "get", path: cartPath, summary: "A player's cart and its totals per currency" },
  },
  "cart:add": {
    input: cart.CartAddInput,
    output: cart.CartAddOutput,
    http: {
      method: "post",
      path: `${cartPath}/lines`,
      summary: "Add an item at its current price (an item already in the cart adds to its count)",
    },
  },
  "cart:update": {
    input: cart.CartUpdateInput,
    output: cart.CartUpdateOutput,
    http: { method: "put", path: `${cartPath}/lines/:itemId`, summary: "Set a line's count (0 removes the line)" },
  },
  "cart:remove": {
    input: cart.CartRemoveInput,
    output: cart.CartRemoveOutput,
    http: { method: "delete", path: `${cartPath}/lines/:itemId`, summary: "Remove a line", query: { opId: "string" } },
  },
  "cart:clear": {
    input: cart.CartClearInput,
    output: cart.CartClearOutput,
    http: { method: "delete", path: cartPath, summary: "Empty the cart", query: { opId: "string" } },
  },
  "cart:checkout": {
    input: cart.CartCheckoutInput,
    output: cart.CartCheckoutOutput,
    http: {
      method: "post",
      path: `${cartPath}/checkout`,
      summary: "Check out in one atomic commit: re-price, debit, grant, empty the cart, write the receipt (idempotent by opId)",
    },
  },
  "cart:orders": {
    input: cart.CartOrdersInput,
    output: cart.CartOrdersOutput,
    http: { method: "get", path: "/api/v1/players/:playerId/orders", summary: "A player's order receipts, oldest first", query: page },
  },
  "shop:put": {
    input: cart.ShopPutInput,
    output: cart.ShopPutOutput,
    http: {
      method: "put",
      path: "/api/v1/shop/prices/:itemId/:currency",
      summary: "Set an item's price in a currency, with an optional special sale",
    },
  },
  "shop:list": {
    input: cart.ShopListInput,
    output: cart.ShopListOutput,
    http: {
      method: "get",
      path: "/api/v1/shop/prices",
      summary: "The catalog, with what each entry costs now by the server's clock",
      query: { itemId: "string", ...page },
    },
  },
  "shop:remove": {
    input: cart.ShopRemoveInput,
    output: cart.ShopRemoveOutput,
    http: { method: "delete", path: "/api/v1/shop/prices/:itemId/:currency", summary: "Take an item off sale in a currency" },
  },
  "shop:supply": {
    input: cart.ShopSupplyInput,
    output: cart.ShopSupplyOutput,
    http: {
      method: "put",
      path: "/api/v1/shop/supplies/:itemId",
      summary: "Limit the units of an item the shop sells in all (null lifts the limit); carts may then reserve them",
    },
  },
  "shop:supplies": {
    input: cart.ShopSuppliesInput,
    output: cart.ShopSuppliesOutput,
    http: {
      method: "get",
      path: "/api/v1/shop/supplies",
      summary: "Limited items: their supply, what carts hold, what was sold and what is left",
      query: { itemId: "string", ...page },
    },
  },
  "trades:propose": {
    input: trade.TradesProposeInput,
    output: trade.TradesProposeOutput,
    http: {
      method: "post",
      path: "/api/v1/trades/offers",
      summary: "Propose an offer; the recipient is pushed it on trades/{playerId}",
      status: { field: "replayed", whenTrue: 200, whenFalse: 201 },
    },
  },
  "trades:accept": {
    input: trade.TradesAcceptInput,
    output: trade.TradesAcceptOutput,
    http: {
      method: "post",
      path: "/api/v1/trades/offers/:tradeId/accept",
      summary: "Accept an offer: the swap, in one atomic commit across both players",
    },
  },
  "trades:decline": {
    input: trade.TradesSettleInput,
    output: trade.TradesSettleOutput,
    http: { method: "post", path: "/api/v1/trades/offers/:tradeId/decline", summary: "Decline an offer (the recipient)" },
  },
  "trades:cancel": {
    input: trade.TradesSettleInput,
    output: trade.TradesSettleOutput,
    http: {
      method: "post",
      path: "/api/v1/trades/offers/:tradeId/cancel",
      summary: "Cancel an offer (the proposer; an admin cancels any open offer, with a reason)",
    },
  },
  "trades:get": {
    input: trade.TradesGetInput,
    output: trade.TradesGetOutput,
    http: { method: "get", path: "/api/v1/trades/offers/:tradeId", summary: "An offer (its parties, servers and admins)" },
  },
  "trades:list": {
    input: trade.TradesListInput,
    output: trade.TradesListOutput,
    http: {
      method: "get",
      path: "/api/v1/players/:playerId/offers",
      summary: "Offers a player made or received, newest first",
      query: { status: "string", as: "string", ...page },
    },
  },
  "trades:history": {
    input: trade.TradesHistoryInput,
    output: trade.TradesHistoryOutput,
    http: {
      method: "get",
      path: "/api/v1/players/:playerId/trades",
      summary: "A player's trade records (executed, refused, settled offers), oldest first",
      query: { ...period, ...page },
    },
  },
  "trades:execute": {
    input: trade.TradesExecuteInput,
    output: trade.TradesExecuteOutput,
    http: {
      method: "post",
      path: "/api/v1/trades",
      summary: "Run a direct trade between two players at once (server and admin; idempotent by opId)",
    },
  },
  "economy:tradeCounts": {
    input: trade.EconomyTradeCountsInput,
    output: trade.EconomyTradeCountsOutput,
    http: { method: "get", path: "/api/v1/economy/trade-counts", summary: "Trade records by outcome over a period (admin)", query: period },
  },
  "economy:topItems": {
    input: trade.EconomyTopItemsInput,
    output: trade.EconomyTopItemsOutput,
    http: {
      method: "get",
      path: "/api/v1/economy/top-items",
      summary: "Most traded items over a period (admin)",
      query: { ...period, by: "string", limit: "int" },
    },
  },
  "economy:imbalancedTrades": {
    input: trade.EconomyImbalancedTradesInput,
    output: trade.EconomyImbalancedTradesOutput,
    http: {
      method: "get",
      path: "/api/v1/economy/imbalanced-trades",
      summary: "Executed trades by imbalance, most imbalanced first (admin)",
      query: { ...period, minImbalance: "number", limit: "int" },
    },
  },
  "economy:diverseInventories": {
    input: trade.EconomyDiverseInventoriesInput,
    output: trade.EconomyDiverseInventoriesOutput,
    http: {
      method: "get",
      path: "/api/v1/economy/diverse-inventories",
      summary: "Players holding the most distinct items now (admin)",
      query: { limit: "int" },
    },
  },
  "economy:richestPlayers": {
    input: trade.EconomyRichestPlayersInput,
    output: trade.EconomyRichestPlayersOutput,
    http: {
      method: "get",
      path: "/api/v1/economy/richest-players",
      summary: "Players by currency plus item value now (admin)",
      query: { limit: "int" },
    },
  },
  // Bound to the connection: there is none over HTTP (game servers use presence:ingest).
  "presence:login": { input: presence.PresenceLoginInput, output: presence.PresenceLoginOutput, http: null },
  "presence:logout": { input: presence.PresenceLogoutInput, output: presence.PresenceLogoutOutput, http: null },
  "presence:ingest": {
    input: presence.PresenceIngestInput,
    output: presence.PresenceIngestOutput,
    http: {
      method: "post",
      path: "/api/v1/presence/events",
      summary: "Report a batch of players' LOGIN/LOGOUT events (idempotent by eventId; LOGIN presences expire unless refreshed)",
    },
  },
  "presence:stats": {
    input: presence.PresenceStatsInput,
    output: presence.PresenceStatsOutput,
    http: {
      method: "get",
      path: "/api/v1/presence/stats",
      summary: "Players of an area by mode, most played first",
      query: { area_code: "string" },
      rename: byAreaCode,
    },
  },
  "presence:areas": {
    input: presence.PresenceAreasInput,
    output: presence.PresenceAreasOutput,
    http: { method: "get", path: "/api/v1/presence/areas", summary: "Areas by players, busiest first", query: { limit: "int" } },
  },
  "presence:history": {
    input: presence.PresenceHistoryInput,
    output: presence.PresenceHistoryOutput,
    http: {
      method: "get",
      path: "/api/v1/presence/history",
      summary: "Samples of an area's players by mode over time (for charts)",
      query: { area_code: "string", since: "string", until: "string", limit: "int" },
      rename: byAreaCode,
    },
  },
  "stock:acquire": {
    input: stock.StockAcquireInput,
    output: stock.StockAcquireOutput,
    http: {
      method: "post",
      path: "/api/v1/stock/acquire",
      summary: "Add units to one partition on every day of a range (idempotent by opId)",
    },
  },
  "stock:sell": {
    input: stock.StockSellInput,
    output: stock.StockSellOutput,
    http: {
      method: "post",
      path: "/api/v1/stock/sell",
      summary: "Take units from every day of a range, all days or none (STOCK_INSUFFICIENT), unless allowNegative",
    },
  },
  "stock:setPartitions": {
    input: stock.StockSetPartitionsInput,
    output: stock.StockSetPartitionsOutput,
    http: { method: "post", path: "/api/v1/stock/partitions", summary: "Set the partitions of every day of a range" },
  },
  "stock:read": {
    input: stock.StockReadInput,
    output: stock.StockReadOutput,
    http: {
      method: "get",
      path: "/api/v1/stock/days",
      summary: "A key's partitions, day by day, over a range",
      query: { key: "string", from: "string", to: "string" },
    },
  },
  "stock:list": {
    input: stock.StockListInput,
    output: stock.StockListOutput,
    http: {
      method: "get",
      path: "/api/v1/stock/keys",
      summary: "Keys under a prefix, with their day totals over a range (≤ 92 days)",
      query: { prefix: "string", from: "string", to: "string", ...page },
    },
  },
  "cluster:nodes": {
    input: cluster.ClusterNodesInput,
    output: cluster.ClusterNodesOutput,
    http: {
      method: "get",
      path: "/api/v1/cluster/nodes",
      summary: "Every live node (Redis heartbeats; without Redis, the node answering): version, uptime, connections, rates, lag",
    },
  },
  "cluster:sockets": {
    input: cluster.ClusterSocketsInput,
    output: cluster.ClusterSocketsOutput,
    http: {
      method: "get",
      path: "/api/v1/cluster/sockets/:playerId",
      summary: "The connections of a player on every node: transport, connected since, topics",
    },
  },
  // Subscriptions live on a connection.
  "sub:subscribe": { input: push.SubscribeInput, output: push.SubscribeOutput, http: null },
  "sub:unsubscribe": { input: push.UnsubscribeInput, output: push.UnsubscribeOutput, http: null },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType; http: HttpBinding | null }>;

export type ClientEventName = keyof typeof clientEvents;
/** What a caller sends (defaults may be omitted). */
export type EventInput<E extends ClientEventName> = z.input<(typeof clientEvents)[E]["input"]>;
/** What a handler receives after parsing. */
export type ParsedInput<E extends ClientEventName> = z.output<(typeof clientEvents)[E]["input"]>;
/** The `data` of a successful ack. */
export type EventOutput<E extends ClientEventName> = z.output<(typeof clientEvents)[E]["output"]>;

export const clientEventNames = Object.keys(clientEvents) as ClientEventName[];

export function isClientEventName(name: string): name is ClientEventName {
  return Object.hasOwn(clientEvents, name);
}

/** Socket.IO event map for client → server messages: payload then ack callback. */
export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: EventInput<E>, ack: (reply: Ack<EventOutput<E>>) => void) => void;
};

/** Socket.IO event map for server → client messages. */
export interface ServerToClientEvents {
  push: (message: push.PushMessage) => void;
  resync: (hint: ResyncHint) => void;
  /**
   * Sent just before the node hangs up on a connection on purpose, saying why, e.g.
   * AUTH_TOKEN_EXPIRED when the token's exp passed: the client fetches a fresh token and
   * connects again at once rather than treating it as an outage; CONNECTION_CLOSED_BY_OPERATOR when an
   * operator closed the player's connections (`details.reason` says why): do not reconnect.
   */
  closing: (reason: WireError) => void;
}
