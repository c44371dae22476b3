export {
  type AreaPush,
  type AreaStats,
  type Cart,
  type CartLine,
  type CartView,
  type Changes,
  type ConnectedSocket,
  type CurrentPrice,
  dayNumber,
  dayOfNumber,
  daysBetween,
  type ErrorCode,
  type ExpiryLot,
  errorCodes,
  type HistoryEntry,
  type HistoryOp,
  HoardError,
  type Inventory,
  type InventoryOp,
  type ItemDefinition,
  isExpired,
  type Kit,
  type LootDrawnOp,
  type LootOutcome,
  type LootTable,
  type ModePlayers,
  type NodeCard,
  type Order,
  type OrderLine,
  type Player,
  type PresenceEvent,
  type PresenceSample,
  type PushMessage,
  type ShopOffer,
  type ShopPrice,
  type ShopSale,
  type ShopSupply,
  type StockDayState,
  type StockKeySummary,
  type StockNegativePush,
  type StockPush,
  type StockShortDay,
  type StoredItem,
  type StoredLootTable,
  SUSPICIOUS_TRADES_KEY,
  type TradeBundle,
  type TradeBundleInput,
  type TradeEventKind,
  type TradeOffer,
  type TradeOutcome,
  type TradePush,
  type TradeReason,
  type TradeRecord,
  withoutExpired,
} from "@hoard/protocol/client";
export { AreaWatch, type AreaWatchEvents } from "./area-watch.js";
export type { BackoffOptions } from "./backoff.js";
export type { CallOptions } from "./calls.js";
export { type CallInput, type ConnectOptions, connect, HoardClient, type HoardSocket, type MutationOptions } from "./client.js";
export type { ConnectionEvents, ConnectionStatus, DisconnectInfo, TokenSource } from "./connection.js";
export type { ApplyOptions } from "./inventory-api.js";
export { fetchHealth, fetchMetrics, type MetricSample, type NodeHealth, parsePrometheusText } from "./node-status.js";
export { newOpId } from "./op-id.js";
export { Outbox, type OutboxEntry, type OutboxEvents, type OutboxStorage } from "./outbox.js";
export { fileOutboxStorage, localStorageOutbox } from "./outbox-storage.js";
export { TradeWatch, type TradeWatchEvents } from "./trade-watch.js";
export type { TradeTerms } from "./trades.js";
export { PlayerWatch, type PlayerWatchEvents } from "./watch.js";
