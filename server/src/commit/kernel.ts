import { type Actor, type HistoryEntry, HoardError, topicOf } from "@hoard/protocol";
import { requestHash } from "../lib/canonical";
import type { Publisher } from "../subscriptions/topics";
import type { Committed, GuardRef, PlayerCommit } from "./plan";

/** The store as the kernel needs it: its one write path for players. */
export interface PlayerCommitter {
  commitPlayers<R>(commit: PlayerCommit<R>): Promise<Committed<R>>;
}

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
  /**
   * The domain's own pushes (trade feeds…), after the commit and its inventory pushes; not on a
   * replay. Called for a committed refusal too.
   */
  published?(result: R): void;
}

/**
 * The commit kernel, the one way a domain changes players: fingerprint the request, commit it
 * (the pure `apply` runs inside the store's transaction), then push every new version on
 * `inventory/{playerId}` and the domain's own pushes, after the commit and never before. A
 * replay pushes nothing (it has no new entries). A committed refusal (see `CommitPlan`) is
 * thrown last, from its wire form, so the first answer and every repeat's are the same.
 */
export async function commitAndPublish<R>(
  deps: { store: PlayerCommitter; publisher: Publisher },
  change: PlayerChange<R>,
): Promise<Committed<R>> {
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
  if (!committed.replayed) change.published?.(committed.result);
  if (committed.refused) throw HoardError.fromWire(committed.refused);
  return committed;
}

/** One inventory push per committed version (seq = the player's version). */
function publishInventory(publisher: Publisher, entries: readonly HistoryEntry[]): void {
  for (const entry of entries) {
    publisher.publish({ type: "inventory", topic: topicOf("inventory", entry.playerId), seq: entry.version, entry });
  }
}
