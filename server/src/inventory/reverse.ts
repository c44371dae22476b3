import { type HistoryEntry, HoardError, type InventoryOp, type Player } from "@hoard/protocol";
import type { PlayerWrite } from "../commit/plan";
import type { StateLimits } from "../config";
import { applyOps } from "./rules";

/**
 * Pure rules of `inventory:reverse`: which entries can be undone, the ops that undo one, and
 * what it needs to know of the op log before it. No I/O; the service reads the log.
 */

/**
 * How an entry is undone, by its kind. Every kind a commit writes is here: a kind that cannot
 * be undone is refused with INVENTORY_NOT_REVERSIBLE saying why, never applied by guess.
 * - `player`: an operator's or game server's change of one player (its ops inverted);
 * - `trade`: an executed trade, undone across both players in one commit;
 * - `refund`: a checkout, the items taken back and the currency paid returned.
 */
export type ReversalScope = "player" | "trade" | "refund";

/** Why each other kind is not undone (kinds in the op log that no inverse commit fits). */
const NOT_REVERSIBLE: Readonly<Record<string, string>> = {
  "players:create": "creating a player is not undone; consume or debit what its kit gave instead",
  "cart:add": "a cart edit moves nothing; edit the cart instead",
  "cart:update": "a cart edit moves nothing; edit the cart instead",
  "cart:remove": "a cart edit moves nothing; edit the cart instead",
  "cart:clear": "a cart edit moves nothing; edit the cart instead",
  "inventory:expire": "units that expired are not brought back; grant them again with a new time",
  "cart:release": "a reservation that ended moved nothing; add the item to the cart again to hold it",
};

const SCOPES: Readonly<Record<string, ReversalScope>> = {
  "inventory:apply": "player",
  "trades:accept": "trade",
  "trades:execute": "trade",
  "cart:checkout": "refund",
};

/** The kinds an inverse commit exists for. */
const REVERSIBLE_KINDS: readonly string[] = Object.keys(SCOPES);

/** How the entry is undone, or INVENTORY_NOT_REVERSIBLE naming why not. */
export function reversalScope(entry: HistoryEntry): ReversalScope {
  const refuse = (why: string, extra: object = {}) =>
    new HoardError("INVENTORY_NOT_REVERSIBLE", why, { details: { version: entry.version, kind: entry.kind, ...extra } });
  if (entry.reverses !== undefined) {
    throw refuse(`version ${entry.version} is itself a reversal; apply the change again instead`, { reverses: entry.reverses });
  }
  const scope = SCOPES[entry.kind];
  if (scope === undefined) {
    throw refuse(NOT_REVERSIBLE[entry.kind] ?? `a ${entry.kind} entry cannot be reversed (only ${REVERSIBLE_KINDS.join(", ")})`);
  }
  // The inverse of a grant or consume is a consume or a grant of units without a time: it would
  // not give back or take the same lots (an expiring unit would come back permanent).
  if (Object.values(entry.changes.inventories ?? {}).some((change) => change.expiring !== undefined)) {
    throw refuse(`version ${entry.version} changed expiring units; apply a correction instead`);
  }
  // A checkout that found new prices only updated the cart: it charged nothing and granted nothing.
  if (scope === "refund" && entry.ops.length === 0)
    throw refuse("this checkout charged nothing (the prices had changed): nothing to refund");
  return scope;
}

/** What a metric or capacity was before an entry; null = absent. Keys: `category` or `category\u0000name`. */
export interface PriorValues {
  metrics: ReadonlyMap<string, number | null>;
  capacities: ReadonlyMap<string, number | null>;
}

const metricKey = (category: string, name: string) => `${category}\u0000${name}`;

/** Whether the entry set any metric or capacity, so its prior values must be looked up. */
export function touchesMetricsOrCapacity(entry: HistoryEntry): boolean {
  return Object.values(entry.changes.inventories ?? {}).some((change) => change.metrics !== undefined || change.capacity !== undefined);
}

/**
 * The values the entry's metrics and capacities had just before it, from the op log entries
 * before it (oldest first, from version 1: each entry's `changes` holds absolute values, so the
 * last one to name a key says what it was). A key no earlier entry names was absent.
 */
export function priorValues(entry: HistoryEntry, earlier: readonly HistoryEntry[]): PriorValues {
  const metrics = new Map<string, number | null>();
  const capacities = new Map<string, number | null>();
  for (const [category, change] of Object.entries(entry.changes.inventories ?? {})) {
    for (const name of Object.keys(change.metrics ?? {})) metrics.set(metricKey(category, name), null);
    if (change.capacity !== undefined) capacities.set(category, null);
  }
  for (const before of earlier) {
    if (before.version >= entry.version) break;
    for (const [category, change] of Object.entries(before.changes.inventories ?? {})) {
      for (const [name, value] of Object.entries(change.metrics ?? {})) {
        const key = metricKey(category, name);
        if (metrics.has(key)) metrics.set(key, value);
      }
      if (change.capacity !== undefined && capacities.has(category)) capacities.set(category, change.capacity);
    }
  }
  return { metrics, capacities };
}

/**
 * The ops that undo the entry: its item and currency ops inverted, last first (grant ↔ consume,
 * credit ↔ debit, a move moved back), then every metric and capacity it changed set back to its
 * prior value. Applying them to the state the entry left gives the state before it; applied
 * later, they take back exactly what the entry added and give back what it took, nothing more.
 */
export function inverseOps(entry: HistoryEntry, prior: PriorValues): InventoryOp[] {
  const ops: InventoryOp[] = [];
  for (const op of [...entry.ops].reverse()) {
    switch (op.type) {
      case "grant":
        ops.push({ type: "consume", category: op.category, itemId: op.itemId, quantity: op.quantity });
        break;
      case "consume":
        ops.push({ type: "grant", category: op.category, itemId: op.itemId, quantity: op.quantity });
        break;
      case "move":
        ops.push({ type: "move", from: op.to, to: op.from, itemId: op.itemId, quantity: op.quantity });
        break;
      case "credit":
        ops.push({ type: "debit", currency: op.currency, amount: op.amount });
        break;
      case "debit":
        ops.push({ type: "credit", currency: op.currency, amount: op.amount });
        break;
      // A loot draw is undone by taking back what it gave (the logged outcome), never by drawing again.
      case "lootDrawn":
        for (const stack of [...op.outcome.items].reverse()) ops.push({ type: "consume", ...stack });
        for (const [currency, amount] of Object.entries(op.outcome.currencies)) ops.push({ type: "debit", currency, amount });
        break;
      // Restored below from the prior values: an increment after a set is not undone by a decrement.
      case "setMetric":
      case "incrementMetric":
      case "setCapacity":
        break;
    }
  }
  for (const [category, change] of Object.entries(entry.changes.inventories ?? {})) {
    for (const name of Object.keys(change.metrics ?? {})) {
      ops.push({ type: "setMetric", category, name, value: prior.metrics.get(metricKey(category, name)) ?? null });
    }
    if (change.capacity !== undefined) ops.push({ type: "setCapacity", category, capacity: prior.capacities.get(category) ?? null });
  }
  return ops;
}

/**
 * Metrics and capacities are set back to a value, not undone by a delta, so a change made after
 * the entry would be lost: refuse unless each is still what the entry left.
 */
export function requireUnchangedSince(entry: HistoryEntry, player: Player): void {
  for (const [category, change] of Object.entries(entry.changes.inventories ?? {})) {
    const inventory = player.inventories[category];
    for (const [name, left] of Object.entries(change.metrics ?? {})) {
      const now = inventory?.metrics[name] ?? null;
      if (now !== left) {
        throw new HoardError(
          "INVENTORY_REVERSE_CONFLICT",
          `${category} ${name} is ${now ?? "absent"} now, the entry left it ${left ?? "absent"}`,
          {
            details: { category, metric: name, left, now },
          },
        );
      }
    }
    if (change.capacity !== undefined) {
      const now = inventory?.capacity ?? null;
      if (now !== change.capacity) {
        throw new HoardError(
          "INVENTORY_REVERSE_CONFLICT",
          `the capacity of ${category} is ${now ?? "unlimited"} now, the entry left it ${change.capacity ?? "unlimited"}`,
          {
            details: { category, capacity: { left: change.capacity, now } },
          },
        );
      }
    }
  }
}

/** One entry to undo inside a reversal's commit, with the values it set before (see `priorValues`). */
export interface ReversalTarget {
  entry: HistoryEntry;
  prior: PriorValues;
}

/**
 * The writes of one reversal: each target's inverse ops on its player as read inside the commit,
 * each write linked to the entry it undoes. All targets or none: the first that cannot apply
 * (a player no longer holds what must go back, a metric changed since) throws, its code kept
 * and its details naming the player, so a trade reversal says whose items are missing.
 */
export function reversalWrites(
  targets: readonly ReversalTarget[],
  players: ReadonlyMap<string, Player>,
  at: string,
  limits: StateLimits,
): PlayerWrite[] {
  return targets.map(({ entry, prior }) => {
    const player = players.get(entry.playerId);
    if (!player) throw new HoardError("PLAYER_NOT_FOUND", undefined, { details: { playerId: entry.playerId } });
    const ops = inverseOps(entry, prior);
    try {
      requireUnchangedSince(entry, player);
      // A reversible entry moved permanent units only (see reversalScope): take back those, never a lot.
      const next = applyOps(player, ops, at, limits, { permanentOnly: true });
      return { player: next.player, ops, changes: next.changes, reverses: entry.version };
    } catch (error) {
      if (!(error instanceof HoardError)) throw error;
      const details = typeof error.details === "object" && error.details !== null ? error.details : {};
      throw new HoardError(error.code, `${player.id}: ${error.message}`, { details: { playerId: player.id, ...details }, cause: error });
    }
  });
}
