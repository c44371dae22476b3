import { z } from "zod";
import { Category, Cursor, ItemId, Limit, Name, PlayerId, Quantity, Timestamp, Version } from "./common.js";

/**
 * Loot tables: weighted random rewards that the server draws, never the caller. A table is
 * immutable and content-addressed like an item definition (id = SHA-256 of its canonical JSON),
 * so an op log entry that names a table id and a seed names exactly what was drawn from, and
 * anyone may draw again from the same (table, seed) to check the logged outcome (`loot:replay`).
 */

/** The bounds of a table (VALIDATION_FAILED) and of what it may expand to (LOOT_TABLE_TOO_DEEP, LOOT_TABLE_TOO_LARGE). */
export const LOOT_LIMITS = {
  /** Weighted entries of one table. */
  entries: 100,
  /** Guaranteed rewards of one table. */
  guaranteed: 20,
  /** Rolls of one table. */
  rolls: 100,
  /** Tables nested in tables: a root table plus this many levels below it. */
  depth: 4,
  /** The most rewards one draw from a table may give in the worst case (rolls × nested rolls…). */
  rewards: 1000,
  /** `grantLoot` ops in one batch. */
  grantsPerBatch: 10,
} as const;

/** A loot table id: SHA-256 of the table's canonical JSON, in hex. */
export const LootTableId = z.string().regex(/^[0-9a-f]{64}$/, "64 lower-case hex characters");

/** A draw's seed: 128 bits in hex, made by the server's CSPRNG at the moment of the draw. */
export const LootSeed = z.string().regex(/^[0-9a-f]{32}$/, "32 lower-case hex characters");

/** An inclusive range of whole units, drawn uniformly. */
const QuantityRange = z
  .strictObject({ min: Quantity, max: Quantity })
  .refine((range) => range.min <= range.max, { message: "min must not exceed max" });

const ItemReward = z.strictObject({ type: z.literal("item"), itemId: ItemId, category: Category, quantity: QuantityRange });
const CurrencyReward = z.strictObject({ type: z.literal("currency"), currency: Name, amount: QuantityRange });
/** A draw from another table (its own guaranteed rewards and rolls). */
const TableReward = z.strictObject({ type: z.literal("table"), tableId: LootTableId });
const Weight = z.number().int().min(1).max(1_000_000);

/** What a table gives: items, currency, or a draw from a nested table. */
export const LootReward = z.discriminatedUnion("type", [ItemReward, CurrencyReward, TableReward]);
export type LootReward = z.infer<typeof LootReward>;

/** A weighted entry: picked with probability weight / (sum of weights) on each roll; `nothing` gives nothing. */
export const LootEntry = z.discriminatedUnion("type", [
  ItemReward.extend({ weight: Weight }),
  CurrencyReward.extend({ weight: Weight }),
  TableReward.extend({ weight: Weight }),
  z.strictObject({ type: z.literal("nothing"), weight: Weight }),
]);
export type LootEntry = z.infer<typeof LootEntry>;

export const LootTable = z
  .strictObject({
    name: z.string().min(1).max(128),
    /** Given on every draw, before the rolls. */
    guaranteed: z.array(LootReward).max(LOOT_LIMITS.guaranteed).optional(),
    /** How many times one entry is picked (with replacement) on each draw. */
    rolls: z.number().int().min(0).max(LOOT_LIMITS.rolls),
    entries: z.array(LootEntry).max(LOOT_LIMITS.entries),
  })
  .refine((table) => table.rolls === 0 || table.entries.length > 0, { message: "a table that rolls needs entries", path: ["entries"] });
export type LootTable = z.infer<typeof LootTable>;

export const StoredLootTable = z.strictObject({ id: LootTableId, definition: LootTable, createdAt: Timestamp });
export type StoredLootTable = z.infer<typeof StoredLootTable>;

/** What a draw gave, merged: item stacks in the order first drawn, currency totals. */
export const LootOutcome = z.strictObject({
  items: z.array(z.strictObject({ category: Category, itemId: ItemId, quantity: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) })),
  currencies: z.record(Name, z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)),
});
export type LootOutcome = z.infer<typeof LootOutcome>;

/**
 * The op log's record of a `grantLoot`: which table, the seed the server drew with, and what it
 * gave (granted and credited in the same commit). Never accepted from a caller.
 */
export const LootDrawnOp = z.strictObject({ type: z.literal("lootDrawn"), tableId: LootTableId, seed: LootSeed, outcome: LootOutcome });
export type LootDrawnOp = z.infer<typeof LootDrawnOp>;

/**
 * The op log's record of `players:create {class: "random"}`: the starter kits it picked among (by
 * name, sorted), the seed, and the class picked: `starters[below(sfc32(seed), starters.length)]`.
 * Changes no state itself (the class is the player's; its kit's ops follow in the same entry).
 */
export const ClassPickedOp = z.strictObject({
  type: z.literal("classPicked"),
  class: Name,
  seed: LootSeed,
  starters: z.array(Name).min(1).max(1000),
});
export type ClassPickedOp = z.infer<typeof ClassPickedOp>;

export const LootCreateInput = z.strictObject({ table: LootTable });
export const LootCreateOutput = z.strictObject({ table: StoredLootTable, created: z.boolean() });
export const LootGetInput = z.strictObject({ id: LootTableId });
export const LootGetOutput = StoredLootTable;
export const LootListInput = z.strictObject({ after: Cursor.optional(), limit: Limit.optional() });
export const LootListOutput = z.strictObject({ tables: z.array(StoredLootTable), next: z.string().nullable() });

/** Draws again from the table and seed of every loot draw in one op log entry and compares. */
export const LootReplayInput = z.strictObject({ playerId: PlayerId, version: Version.min(1) });
export const LootReplayOutput = z.strictObject({
  playerId: PlayerId,
  version: Version,
  /** True when every draw of the entry (and its class pick) gives the logged outcome again. */
  matches: z.boolean(),
  /** A random class pick (`players:create {class: "random"}`) picked again from its seed. */
  classPick: z.strictObject({ seed: LootSeed, starters: z.array(Name), logged: Name, replayed: Name, matches: z.boolean() }).optional(),
  draws: z.array(
    z.strictObject({
      tableId: LootTableId,
      seed: LootSeed,
      logged: LootOutcome,
      replayed: LootOutcome,
      matches: z.boolean(),
    }),
  ),
});
