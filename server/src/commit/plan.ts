import type { Changes, HistoryOp, Player } from "@hoard/protocol";

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

export interface CommitPlan<R> {
  writes: PlayerWrite[];
  records?: DomainRecord[];
  /** Declared guards to create or change (see `Guarded`). */
  guards?: Guarded[];
  /** Stored under the op id and returned to a repeat of it. Must be JSON. */
  result: R;
}

/**
 * The soonest `expiresAt` of any expiry lot the player holds (swept or not), or undefined: what
 * every engine indexes per player so the expiry sweep finds due players without a scan. UTC ISO
 * strings of one length, so they compare as text.
 */
export function nextExpiryOf(player: Player): string | undefined {
  let next: string | undefined;
  for (const inventory of Object.values(player.inventories)) {
    for (const lots of Object.values(inventory.expiring ?? {})) {
      const first = lots[0]?.expiresAt;
      if (first !== undefined && (next === undefined || first < next)) next = first;
    }
  }
  return next;
}
