export {
  type Changes,
  type ErrorCode,
  errorCodes,
  type HistoryEntry,
  HoardError,
  type Inventory,
  type InventoryOp,
  type ItemDefinition,
  type Kit,
  type Player,
  type PushMessage,
  type StockDayState,
  type StockKeySummary,
  type StockNegativePush,
  type StockPush,
  type StockShortDay,
  type StoredItem,
} from "@hoard/protocol";
export { type ConnectOptions, connect, HoardClient, type HoardSocket, type MutationOptions } from "./client";
export { newOpId } from "./op-id";
export { PlayerWatch, type PlayerWatchEvents } from "./watch";
