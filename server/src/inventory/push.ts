import { type HistoryEntry, topicOf } from "@hoard/protocol";
import type { Publisher } from "../subscriptions/topics";

/** Pushes committed op-log entries on `inventory/{playerId}` (seq = version). After the commit, never before. */
export function publishEntries(publisher: Publisher, entries: readonly HistoryEntry[]): void {
  for (const entry of entries) {
    publisher.publish({ type: "inventory", topic: topicOf("inventory", entry.playerId), seq: entry.version, entry });
  }
}
