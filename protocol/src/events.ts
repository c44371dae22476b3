import type { z } from "zod";
import * as cart from "./cart.js";
import * as cluster from "./cluster.js";
import type { Ack } from "./envelope.js";
import type { WireError } from "./errors.js";
import * as inv from "./inventory.js";
import * as items from "./items.js";
import * as presence from "./presence.js";
import * as push from "./push.js";
import type { ResyncHint } from "./resync.js";
import * as stock from "./stock.js";
import * as trade from "./trade.js";

/**
 * Every client → server event: its input schema (parsed at the edge) and its output schema
 * (the `data` of a successful ack). Socket handlers, REST routes, OpenAPI and the SDK's types
 * all derive from this one table.
 */
export const clientEvents = {
  "items:create": { input: items.ItemsCreateInput, output: items.ItemsCreateOutput },
  "items:get": { input: items.ItemsGetInput, output: items.ItemsGetOutput },
  "items:list": { input: items.ItemsListInput, output: items.ItemsListOutput },
  "kits:put": { input: items.KitsPutInput, output: items.KitsPutOutput },
  "kits:get": { input: items.KitsGetInput, output: items.KitsPutOutput },
  "kits:list": { input: items.KitsListInput, output: items.KitsListOutput },
  "players:create": { input: inv.PlayersCreateInput, output: inv.PlayersCreateOutput },
  "players:get": { input: inv.PlayersGetInput, output: inv.PlayersGetOutput },
  "players:list": { input: inv.PlayersListInput, output: inv.PlayersListOutput },
  "inventory:apply": { input: inv.InventoryApplyInput, output: inv.InventoryApplyOutput },
  "inventory:reverse": { input: inv.InventoryReverseInput, output: inv.InventoryReverseOutput },
  "inventory:list": { input: inv.InventoryListInput, output: inv.InventoryListOutput },
  "inventory:history": { input: inv.InventoryHistoryInput, output: inv.InventoryHistoryOutput },
  "inventory:resync": { input: inv.InventoryResyncInput, output: inv.InventoryResyncOutput },
  "cart:get": { input: cart.CartGetInput, output: cart.CartGetOutput },
  "cart:add": { input: cart.CartAddInput, output: cart.CartAddOutput },
  "cart:update": { input: cart.CartUpdateInput, output: cart.CartUpdateOutput },
  "cart:remove": { input: cart.CartRemoveInput, output: cart.CartRemoveOutput },
  "cart:clear": { input: cart.CartClearInput, output: cart.CartClearOutput },
  "cart:checkout": { input: cart.CartCheckoutInput, output: cart.CartCheckoutOutput },
  "cart:orders": { input: cart.CartOrdersInput, output: cart.CartOrdersOutput },
  "shop:put": { input: cart.ShopPutInput, output: cart.ShopPutOutput },
  "shop:list": { input: cart.ShopListInput, output: cart.ShopListOutput },
  "shop:remove": { input: cart.ShopRemoveInput, output: cart.ShopRemoveOutput },
  "trades:propose": { input: trade.TradesProposeInput, output: trade.TradesProposeOutput },
  "trades:accept": { input: trade.TradesAcceptInput, output: trade.TradesAcceptOutput },
  "trades:decline": { input: trade.TradesSettleInput, output: trade.TradesSettleOutput },
  "trades:cancel": { input: trade.TradesSettleInput, output: trade.TradesSettleOutput },
  "trades:get": { input: trade.TradesGetInput, output: trade.TradesGetOutput },
  "trades:list": { input: trade.TradesListInput, output: trade.TradesListOutput },
  "trades:history": { input: trade.TradesHistoryInput, output: trade.TradesHistoryOutput },
  "trades:execute": { input: trade.TradesExecuteInput, output: trade.TradesExecuteOutput },
  "economy:tradeCounts": { input: trade.EconomyTradeCountsInput, output: trade.EconomyTradeCountsOutput },
  "economy:topItems": { input: trade.EconomyTopItemsInput, output: trade.EconomyTopItemsOutput },
  "economy:imbalancedTrades": { input: trade.EconomyImbalancedTradesInput, output: trade.EconomyImbalancedTradesOutput },
  "economy:diverseInventories": { input: trade.EconomyDiverseInventoriesInput, output: trade.EconomyDiverseInventoriesOutput },
  "economy:richestPlayers": { input: trade.EconomyRichestPlayersInput, output: trade.EconomyRichestPlayersOutput },
  "presence:login": { input: presence.PresenceLoginInput, output: presence.PresenceLoginOutput },
  "presence:logout": { input: presence.PresenceLogoutInput, output: presence.PresenceLogoutOutput },
  "presence:ingest": { input: presence.PresenceIngestInput, output: presence.PresenceIngestOutput },
  "presence:stats": { input: presence.PresenceStatsInput, output: presence.PresenceStatsOutput },
  "presence:areas": { input: presence.PresenceAreasInput, output: presence.PresenceAreasOutput },
  "presence:history": { input: presence.PresenceHistoryInput, output: presence.PresenceHistoryOutput },
  "stock:acquire": { input: stock.StockAcquireInput, output: stock.StockAcquireOutput },
  "stock:sell": { input: stock.StockSellInput, output: stock.StockSellOutput },
  "stock:setPartitions": { input: stock.StockSetPartitionsInput, output: stock.StockSetPartitionsOutput },
  "stock:read": { input: stock.StockReadInput, output: stock.StockReadOutput },
  "stock:list": { input: stock.StockListInput, output: stock.StockListOutput },
  "cluster:nodes": { input: cluster.ClusterNodesInput, output: cluster.ClusterNodesOutput },
  "cluster:sockets": { input: cluster.ClusterSocketsInput, output: cluster.ClusterSocketsOutput },
  "sub:subscribe": { input: push.SubscribeInput, output: push.SubscribeOutput },
  "sub:unsubscribe": { input: push.UnsubscribeInput, output: push.UnsubscribeOutput },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

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
   * connects again at once rather than treating it as an outage.
   */
  closing: (reason: WireError) => void;
}
