import type { Actor, Changes, HistoryEntry, HistoryOp, HoardError, Player, WireError } from "@hoard/protocol";

/**
 * The commit plan: what a domain's pure rules hand to the store, and all an engine needs to
 * know of them. It sits in neither the domains nor the store, so the rules (trade/plans.ts,
 * trade/rules.ts…) import no store and the engines import no domain: both speak this.
 */

/** One player's new state inside a commit. */
export interface PlayerWrite {
  /** The state after the change; `version` is exactly one above the stored one (1 creates). */
  player: Player;
  ops: HistoryOp[];
  changes: Changes;
  /** This write undoes that version of the player (`inventory:reverse`), recorded in its op log entry. */
  reverses?: number;
}

/**
 * A document a commit writes beside the players, in the same transaction: an order receipt,
 * a trade record. Written once, never changed. A plan may hold records and no player writes
 * (a refused trade is still recorded).
 */
export interface DomainRecord {
  kind: string;
  id: string;
  playerIds: string[];
  /** ISO time; records list in this order. */
  at: string;
  data: unknown;
}

/**
 * A mutable domain document beside the players that a commit must see as of its own
 * transaction and may change in it: a trade offer (settled once), a trade feed's sequence.
 * Each kind lives in its domain's own table. The engine reads the documents a commit declares
 * (after the players), hands them to `apply`, and writes back those the plan returns,
 * compare-and-set on `version`, all or nothing with the players.
 */
export interface GuardRef {
  kind: string;
  id: string;
}

export interface Guarded<D = unknown> extends GuardRef {
  /** Exactly one above the stored version when written (1 creates). */
  version: number;
  data: D;
}

/** The declared documents that exist, by `guardKey`. */
export type Guards = ReadonlyMap<string, Guarded>;

export function guardKey(ref: GuardRef): string {
  return `${ref.kind}/${ref.id}`;
}

/**
 * What `apply` hands back: the writes, and either the caller's result or a committed refusal.
 * A committed refusal ("commit these writes, then refuse with this error") is for a refusal
 * that leaves a trace: a refused trade keeps its record, a checkout whose prices moved shows
 * the cart repriced. The engine stores the refusal under the op id with the result, so a
 * repeat of the op is refused the same way and writes nothing; the kernel (commit/kernel.ts)
 * pushes what was written, then throws it. A refusal that writes nothing is simply thrown.
 * The result is stored under the op id and returned to a repeat of it: it must be JSON.
 */
export interface CommitPlan<R> {
  writes: PlayerWrite[];
  records?: DomainRecord[];
  /** Declared guards to create or change (see `Guarded`). */
  guards?: Guarded[];
  result: R;
  /** Commit the writes, then refuse the caller with this error (see above). */
  refusal?: HoardError;
}

export interface PlayerCommit<R> {
  /** Idempotency key, scoped to the actor: the same opId from another actor is another op. */
  opId: string;
  actor: Actor;
  /** The action that asked for this (`inventory:apply`, `players:create`…), kept in the op log. */
  kind: string;
  /** Why (an operator's free text), kept in the op log entries of the commit. */
  reason?: string;
  /** Hash of the request; a repeat of the op id with another hash is OP_ID_REUSED. */
  requestHash: string;
  playerIds: readonly string[];
  /** Documents `apply` must see inside the transaction and may change (see `Guarded`). */
  guards?: readonly GuardRef[];
  /**
   * Pure domain rules: given the players (and declared guards) as stored now (absent ones
   * are missing from the maps), return the writes and the result, or throw a HoardError to
   * refuse (nothing is written). May run more than once when an engine retries a transaction.
   */
  apply(players: ReadonlyMap<string, Player>, at: string, guards: Guards): CommitPlan<R>;
}

/**
 * What the store answers a commit: its entries on the first run, none on a replay; and the
 * committed refusal, if the plan made one, as the wire carries it (the same on a replay).
 */
export type Committed<R> = ({ replayed: false; entries: HistoryEntry[] } | { replayed: true; entries: [] }) & {
  result: R;
  refused?: WireError;
};

/**
 * The soonest time anything the player holds ends (swept or not): an expiry lot's `expiresAt`
 * or a cart line's `reservedUntil`; undefined when nothing ends. What every engine indexes per
 * player so the expiry sweep finds due players without a scan. UTC ISO strings of one length,
 * so they compare as text.
 */
export function nextExpiryOf(player: Player): string | undefined {
  let next: string | undefined;
  const consider = (time: string | undefined) => {
    if (time !== undefined && (next === undefined || time < next)) next = time;
  };
  for (const inventory of Object.values(player.inventories)) {
    for (const lots of Object.values(inventory.expiring ?? {})) consider(lots[0]?.expiresAt);
  }
  for (const line of Object.values(player.cart?.lines ?? {})) consider(line.reservedUntil);
  return next;
}
