import { type HistoryEntry, topicOf } from "@hoard/protocol";
import type { Publisher } from "../subscriptions/topics";

/** One inventory push per committed version (seq = the player's version). Call after the commit, never before. */
export function publishInventory(publisher: Publisher, entries: readonly HistoryEntry[]): void {
  for (const entry of entries) {
    publisher.publish({ type: "inventory", topic: topicOf("inventory", entry.playerId), seq: entry.version, entry });
  }
}
