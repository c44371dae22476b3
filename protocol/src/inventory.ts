import { z } from "zod";
import { Cart, CartChange } from "./cart.js";
import {
  Actor,
  Category,
  CategoryPrefix,
  Cursor,
  ItemId,
  Limit,
  MetricValue,
  Name,
  OpId,
  PlayerId,
  Quantity,
  Reason,
  Timestamp,
  Version,
} from "./common.js";
import { ClassPickedOp, LootDrawnOp, LootTableId } from "./loot.js";

/** The most distinct expiry lots one item's stack may hold (a grant with a new `expiresAt` adds one). */
export const MAX_EXPIRY_LOTS_PER_STACK = 64;

/**
 * Units of one item that leave the inventory by themselves at `expiresAt` (UTC ISO, ms): a
 * rental, an event item. Lots of one item are kept apart from its permanent units, soonest first.
 */
export const ExpiryLot = z.strictObject({ expiresAt: Timestamp, quantity: z.number().int().min(1) });
export type ExpiryLot = z.infer<typeof ExpiryLot>;

/** One inventory: stacks (item id → quantity), metrics (name → value), optional capacity. */
export const Inventory = z.strictObject({
  /** Permanent units per item. */
  stacks: z.record(ItemId, z.number().int().min(1)),
  /**
   * Expiring units per item, kept apart from `stacks`, soonest first; absent when none. Reads
   * never show a lot past its time, even before the node's sweep removes it.
   */
  expiring: z.record(ItemId, z.array(ExpiryLot).max(MAX_EXPIRY_LOTS_PER_STACK)).optional(),
  metrics: z.record(Name, MetricValue),
  /** The most units (summed over all stacks) this inventory holds; absent = unlimited. */
  capacity: z.number().int().min(0).optional(),
});
export type Inventory = z.infer<typeof Inventory>;

/** A player's whole state. `version` goes up by one with every committed change. */
export const Player = z.strictObject({
  id: PlayerId,
  name: z.string().max(64).optional(),
  class: Name.optional(),
  version: Version,
  wallet: z.record(Name, z.number().int().min(0)),
  inventories: z.record(Category, Inventory),
  /** The shop cart; absent when empty. */
  cart: Cart.optional(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Player = z.infer<typeof Player>;

/** The longest an expiring grant may last: ten years. */
export const MAX_EXPIRY_MS = 10 * 365 * 24 * 3600 * 1000;

/**
 * The operations of an atomic inventory batch, a union on `type`.
 * Players may only `consume` and `move` on their own state; everything else needs the
 * `server` or `admin` role.
 */
export const InventoryOp = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("grant"),
    category: Category,
    itemId: ItemId,
    quantity: Quantity,
    /** The units leave by themselves at this time (UTC or with an offset; must be after the commit). */
    expiresAt: z.iso.datetime({ offset: true }).max(40).optional(),
    /** Or: they leave this long after the commit (at most ten years). */
    expiresInMs: z.number().int().min(1).max(MAX_EXPIRY_MS).optional(),
  }),
  /** Takes the soonest-expiring units first (never one past its time), then permanent ones. */
  z.strictObject({ type: z.literal("consume"), category: Category, itemId: ItemId, quantity: Quantity }),
  z.strictObject({
    type: z.literal("move"),
    from: Category,
    to: Category,
    itemId: ItemId,
    quantity: Quantity,
  }),
  /** `value` null removes the metric (what reversing the metric's first setting does). */
  z.strictObject({ type: z.literal("setMetric"), category: Category, name: Name, value: MetricValue.nullable() }),
  z.strictObject({ type: z.literal("incrementMetric"), category: Category, name: Name, by: MetricValue }),
  z.strictObject({
    type: z.literal("setCapacity"),
    category: Category,
    capacity: z.number().int().min(0).max(1_000_000_000_000).nullable(),
  }),
  z.strictObject({ type: z.literal("credit"), currency: Name, amount: Quantity }),
  z.strictObject({ type: z.literal("debit"), currency: Name, amount: Quantity }),
  /** The server draws from the loot table (its own seed) and grants and credits what it gives; logged as `lootDrawn`. */
  z.strictObject({ type: z.literal("grantLoot"), tableId: LootTableId }),
]);
export type InventoryOp = z.infer<typeof InventoryOp>;
export type InventoryOpType = InventoryOp["type"];

/**
 * What the node's expiry sweep records in the op log (actor `server:system`, kind
 * `inventory:expire`): these units of that lot left by themselves. Never accepted from a caller.
 */
export const ExpireOp = z.strictObject({
  type: z.literal("expire"),
  category: Category,
  itemId: ItemId,
  quantity: Quantity,
  expiresAt: Timestamp,
});
export type ExpireOp = z.infer<typeof ExpireOp>;

/**
 * An op as the op log records it: a caller's op (every `grantLoot` replaced by its `lootDrawn`
 * record), a random class pick (`classPicked`), or an expiry.
 */
export const HistoryOp = z.union([InventoryOp, ExpireOp, LootDrawnOp, ClassPickedOp]);
export type HistoryOp = z.infer<typeof HistoryOp>;

/** What a commit's rules apply (applyOps): a caller's op, with its loot drawn. */
export type AppliedOp = InventoryOp | LootDrawnOp | ClassPickedOp;

/** Operations a player may apply to its own state. */
export const playerOpTypes: readonly InventoryOpType[] = ["consume", "move"];

/**
 * What a commit changed, as absolute values (not deltas), so applying it twice is harmless.
 * A stack or currency of 0 was removed; a metric or capacity of null was removed.
 */
export const Changes = z.strictObject({
  wallet: z.record(Name, z.number().int().min(0)).optional(),
  inventories: z
    .record(
      Category,
      z.strictObject({
        stacks: z.record(ItemId, z.number().int().min(0)).optional(),
        metrics: z.record(Name, MetricValue.nullable()).optional(),
        capacity: z.number().int().min(0).nullable().optional(),
        /** The item's expiry lots as they are now (an empty list: none left). */
        expiring: z.record(ItemId, z.array(ExpiryLot)).optional(),
      }),
    )
    .optional(),
  cart: CartChange.optional(),
});
export type Changes = z.infer<typeof Changes>;

/** One committed change of one player: a row of the op log. */
export const HistoryEntry = z.strictObject({
  playerId: PlayerId,
  version: Version,
  opId: z.string(),
  actor: Actor,
  /** What was asked (kind names the action, e.g. inventory:apply, players:create). */
  kind: z.string(),
  /** Why, when the caller said (an admin always does). */
  reason: z.string().max(500).optional(),
  /** An `inventory:reverse` entry: the version of this player's entry it undoes. */
  reverses: Version.optional(),
  ops: z.array(HistoryOp),
  changes: Changes,
  at: Timestamp,
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const PlayersCreateInput = z.strictObject({
  /** Defaults to the caller's own id for players, or a generated id. */
  id: PlayerId.optional(),
  name: z.string().min(1).max(64).optional(),
  /**
   * A class with a kit of the same name receives that kit (a player creating itself: starter kits
   * only); `random` picks one of the starter kits at random.
   */
  class: Name.optional(),
  opId: OpId,
});
export const PlayersCreateOutput = z.strictObject({ player: Player });

export const PlayersGetInput = z.strictObject({ playerId: PlayerId });
export const PlayersGetOutput = z.strictObject({ player: Player });

export const PlayersListInput = z.strictObject({
  after: Cursor.optional(),
  limit: Limit.optional(),
  /** Players whose id starts with this. */
  prefix: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9_-]*$/)
    .optional(),
  /**
   * Players whose id or name starts with this, ignoring case (`ali` finds `Alice-7` and the
   * player named `Alistair`). The store scans players in id order and stops at `limit` matches.
   */
  search: z.string().trim().min(1).max(64).optional(),
});
export const PlayersListOutput = z.strictObject({
  players: z.array(z.strictObject({ id: PlayerId, name: z.string().optional(), version: Version })),
  next: z.string().nullable(),
});

export const InventoryApplyInput = z.strictObject({
  playerId: PlayerId,
  opId: OpId,
  ops: z.array(InventoryOp).min(1).max(100),
  /** Refuse with PLAYER_VERSION_STALE unless the player is at exactly this version. */
  expectedVersion: Version.optional(),
  /** Why: kept in the op log entry. Required of an admin (INVENTORY_REASON_REQUIRED). */
  reason: Reason.optional(),
});
export const InventoryApplyOutput = z.strictObject({
  playerId: PlayerId,
  version: Version,
  changes: Changes,
  /** True when this opId had already been applied and the stored result was returned. */
  replayed: z.boolean(),
  /** The batch's loot draws (its `grantLoot` ops, in order), as the op log records them. */
  loot: z.array(LootDrawnOp).optional(),
});

/**
 * Undo one entry of a player's op log with its inverse commit (admin only, reason required).
 * - an `inventory:apply`: grants are consumed, consumes granted back, moves moved back, credits
 *   debited and debits credited, metrics and capacities set back to what they were before it;
 * - an executed trade (`trades:accept`, `trades:execute`), named by either player's entry: both
 *   players give back what they received and get back what they gave, in one atomic commit, each
 *   with an `inventory:reverse` entry linked to its own trade entry;
 * - a `cart:checkout`: a refund, the items taken back and the currency paid returned.
 * Refused, changing nothing, when a player no longer holds what must go back (the error names
 * the player and what is missing), when a metric or capacity changed since, when the kind
 * cannot be undone (INVENTORY_NOT_REVERSIBLE says why), or when it was already reversed.
 */
export const InventoryReverseInput = z.strictObject({
  playerId: PlayerId,
  /** The version of the entry to undo. */
  version: Version.min(1),
  reason: Reason,
  opId: OpId,
});
/** One player's side of a reversal. */
export const ReversalSide = z.strictObject({
  playerId: PlayerId,
  version: Version,
  /** The version of this player's entry this reversal undid. */
  reverses: Version,
  changes: Changes,
});
export const InventoryReverseOutput = ReversalSide.extend({
  replayed: z.boolean(),
  /** A trade's other player, reversed in the same commit. */
  counterpart: ReversalSide.optional(),
});

/**
 * Close every connection of a player on every node (admin only, reason required). Each gets a
 * `closing` message first (CONNECTION_CLOSED_BY_OPERATOR, the reason in `details`); the SDK then stays
 * closed rather than reconnecting. The player may connect again: this is not a ban.
 */
export const PlayersDisconnectInput = z.strictObject({ playerId: PlayerId, reason: Reason });
export const PlayersDisconnectOutput = z.strictObject({
  playerId: PlayerId,
  /** Connections found and closed across the cluster. */
  connections: z.number().int().min(0),
});

export const InventoryListInput = z.strictObject({ playerId: PlayerId, prefix: CategoryPrefix.optional() });
export const InventoryListOutput = z.strictObject({
  playerId: PlayerId,
  version: Version,
  inventories: z.record(Category, Inventory),
});

export const InventoryHistoryInput = z.strictObject({
  playerId: PlayerId,
  /** Entries with a version above this one. */
  sinceVersion: Version.optional(),
  limit: Limit.optional(),
});
export const InventoryHistoryOutput = z.strictObject({ entries: z.array(HistoryEntry) });

export const InventoryResyncInput = z.strictObject({ playerId: PlayerId, sinceVersion: Version.optional() });
export const InventoryResyncOutput = z.discriminatedUnion("mode", [
  z.strictObject({ mode: z.literal("delta"), version: Version, entries: z.array(HistoryEntry) }),
  z.strictObject({ mode: z.literal("snapshot"), version: Version, player: Player }),
]);
export type InventoryResyncOutput = z.infer<typeof InventoryResyncOutput>;
