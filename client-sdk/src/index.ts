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
  type StoredItem,
} from "@hoard/protocol";
export { type ConnectOptions, connect, HoardClient, type HoardSocket, type MutationOptions } from "./client";
export { fetchHealth, fetchMetrics, type MetricSample, type NodeHealth, parsePrometheusText } from "./node-status";
export { newOpId } from "./op-id";
export { PlayerWatch, type PlayerWatchEvents } from "./watch";
