export {
  type AreaPush,
  type AreaStats,
  type Changes,
  type ErrorCode,
  errorCodes,
  type HistoryEntry,
  HoardError,
  type Inventory,
  type InventoryOp,
  type ItemDefinition,
  type Kit,
  type ModePlayers,
  type Player,
  type PresenceEvent,
  type PushMessage,
  type StoredItem,
} from "@hoard/protocol";
export { AreaWatch, type AreaWatchEvents } from "./area-watch";
export { type ConnectOptions, connect, HoardClient, type HoardSocket, type MutationOptions } from "./client";
export { newOpId } from "./op-id";
export { PlayerWatch, type PlayerWatchEvents } from "./watch";
