import { type Actor, type HistoryEntry, topicOf } from "@hoard/protocol";
import type { GuardRef } from "../commit/plan";
import { requestHash } from "../lib/canonical";
import type { Committed, PlayerCommit, Store } from "../store/port";
import type { Publisher } from "../subscriptions/topics";

export interface PlayerChange<R> {
  actor: Actor;
  /** The action asking (the event name), kept in the op log and in the request's fingerprint. */
  kind: string;
  /** Why, kept in the op log (the request's `reason`; it is part of the fingerprint as well). */
  reason?: string | undefined;
  /** The parsed request: its opId is the idempotency key, the rest its fingerprint. */
  input: { opId: string };
  playerIds: readonly string[];
  guards?: readonly GuardRef[];
  apply: PlayerCommit<R>["apply"];
}

/**
 * The one way a domain changes players: fingerprint the request, commit it (the pure `apply`
 * runs inside the store's transaction), then push every new version on `inventory/{playerId}`,
 * after the commit and never before. A replay pushes nothing (it has no new entries).
 */
export async function commitAndPublish<R>(deps: { store: Store; publisher: Publisher }, change: PlayerChange<R>): Promise<Committed<R>> {
  const committed = await deps.store.commitPlayers<R>({
    opId: change.input.opId,
    actor: change.actor,
    kind: change.kind,
    ...(change.reason === undefined ? {} : { reason: change.reason }),
    requestHash: requestHash(change.kind, change.input),
    playerIds: change.playerIds,
    ...(change.guards ? { guards: change.guards } : {}),
    apply: change.apply,
  });
  publishInventory(deps.publisher, committed.entries);
  return committed;
}

/** One inventory push per committed version (seq = the player's version). */
function publishInventory(publisher: Publisher, entries: readonly HistoryEntry[]): void {
  for (const entry of entries) {
    publisher.publish({ type: "inventory", topic: topicOf("inventory", entry.playerId), seq: entry.version, entry });
  }
}
