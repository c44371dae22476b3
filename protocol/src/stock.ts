import { z } from "zod";
import { Cursor, OpId, Quantity, Version } from "./common.js";
import { dayNumber } from "./days.js";

/**
 * Stock: per-day counters of units, per key (a path such as `supplier1/component1234/unit6`),
 * split in named partitions. Days are calendar dates `YYYY-MM-DD`; stored as days since
 * 1970-01-01.
 */

/** The widest day range one operation may cover (about ten years). */
export const MAX_STOCK_RANGE_DAYS = 3660;
/** The widest day range a key listing carries totals for (about three months). */
export const MAX_STOCK_LIST_DAYS = 92;
/** The most partitions one day of one key may hold. */
export const MAX_STOCK_PARTITIONS = 64;
/**
 * The largest magnitude of one partition count. 64 partitions of it still sum to a safe
 * integer, so a day's total is always exact.
 */
export const MAX_STOCK_COUNT = 10_000_000_000_000;
/** Where units go when an operation names no partition. */
export const DEFAULT_PARTITION = "default";

const segment = "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}";
/** A stock key: 1–8 `/`-separated segments of letters, digits, `_ . -`, each starting with a letter or digit. */
export const stockKeyPattern = `${segment}(?:/${segment}){0,7}`;
const stockKeyRegex = new RegExp(`^${stockKeyPattern}$`);
const partitionRegex = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

export function isStockKey(value: string): boolean {
  return value.length <= 128 && stockKeyRegex.test(value);
}

export function isPartitionName(value: string): boolean {
  return partitionRegex.test(value);
}

export const StockKey = z
  .string()
  .max(128)
  .regex(stockKeyRegex, "1–8 segments separated by /, each of letters, digits, _ . - (≤ 64), e.g. supplier1/component12/unit3");

/** Whole segments of a key; `supplier1` selects `supplier1` and every key under `supplier1/`. Empty selects every key. */
export const StockKeyPrefix = z
  .string()
  .max(128)
  .regex(new RegExp(`^(?:${stockKeyPattern})?$`), "whole segments of a stock key, e.g. supplier1 or supplier1/component12");

export const PartitionName = z.string().regex(partitionRegex, "letters, digits, _ . -, starting with a letter or digit, ≤ 32");

export const StockDay = z.string().refine((value) => dayNumber(value) !== undefined, "a real calendar date YYYY-MM-DD, 1970 or later");

/** Refuses a range that ends before it starts or spans more than `maxDays` days. */
function checkRange(maxDays: number) {
  return (range: { from: string; to: string }, ctx: z.RefinementCtx) => {
    const first = dayNumber(range.from);
    const last = dayNumber(range.to);
    if (first === undefined || last === undefined) return;
    if (last < first) ctx.addIssue({ code: "custom", path: ["to"], message: "to must not be before from" });
    else if (last - first + 1 > maxDays) ctx.addIssue({ code: "custom", path: ["to"], message: `a range spans at most ${maxDays} days` });
  };
}

// --- Counts ----------------------------------------------------------------------------

/** A stored count: negative only after a sale that asked for `allowNegative`. */
export const StockCount = z.number().int().min(-MAX_STOCK_COUNT).max(MAX_STOCK_COUNT);
/** A count that is set (import, setPartitions): never negative. */
export const StockSetCount = z.number().int().min(0).max(MAX_STOCK_COUNT);

function partitionsOf<T extends z.ZodType<number>>(count: T) {
  return z
    .record(PartitionName, count)
    .refine((partitions) => Object.keys(partitions).length <= MAX_STOCK_PARTITIONS, `at most ${MAX_STOCK_PARTITIONS} partitions`);
}

/** Partition name → count. */
export const StockPartitions = partitionsOf(StockCount);
export type StockPartitions = z.infer<typeof StockPartitions>;
export const StockSetPartitions = partitionsOf(StockSetCount);

/** One day of one key: its partitions and their sum. */
export const StockDayState = z.strictObject({ day: StockDay, partitions: StockPartitions, total: z.number().int() });
export type StockDayState = z.infer<typeof StockDayState>;

/**
 * A day short of what a sale asked: what it had available before the sale (the named
 * partition's count, or the day's total when the sale named none).
 */
export const StockShortDay = z.strictObject({ day: StockDay, available: z.number().int() });
export type StockShortDay = z.infer<typeof StockShortDay>;
/** Lists of short days carry at most this many; a count says how many there are in all. */
export const MAX_SHORT_DAYS_LISTED = 100;

// --- Events ----------------------------------------------------------------------------

const range = { key: StockKey, from: StockDay, to: StockDay };

export const StockAcquireInput = z
  .strictObject({
    ...range,
    amount: Quantity,
    /** Defaults to the `default` partition. */
    partition: PartitionName.optional(),
    opId: OpId,
  })
  .superRefine(checkRange(MAX_STOCK_RANGE_DAYS));
export const StockAcquireOutput = z.strictObject({
  key: StockKey,
  version: Version,
  from: StockDay,
  to: StockDay,
  partition: PartitionName,
  amount: Quantity,
  replayed: z.boolean(),
});

export const StockSellInput = z
  .strictObject({
    ...range,
    /** Units taken from every day of the range (default 1). */
    amount: Quantity.default(1),
    /** Take from this partition only; otherwise from the day's partitions in name order. */
    partition: PartitionName.optional(),
    /** The origin's behaviour: apply even where a day goes below zero, and raise `stock:negative`. */
    allowNegative: z.boolean().optional(),
    opId: OpId,
  })
  .superRefine(checkRange(MAX_STOCK_RANGE_DAYS));
export const StockSellOutput = z.strictObject({
  key: StockKey,
  version: Version,
  from: StockDay,
  to: StockDay,
  amount: Quantity,
  /** How many days went below zero (only with allowNegative). */
  negativeDays: z.number().int().min(0),
  /** The first of them, with what they had before the sale. */
  negative: z.array(StockShortDay).max(MAX_SHORT_DAYS_LISTED),
  replayed: z.boolean(),
});

export const StockSetPartitionsInput = z
  .strictObject({
    ...range,
    /** Every day of the range gets exactly these partitions (partitions not named are removed). */
    partitions: StockSetPartitions,
    opId: OpId,
  })
  .superRefine(checkRange(MAX_STOCK_RANGE_DAYS));
export const StockSetPartitionsOutput = z.strictObject({
  key: StockKey,
  version: Version,
  from: StockDay,
  to: StockDay,
  replayed: z.boolean(),
});

export const StockReadInput = z.strictObject(range).superRefine(checkRange(MAX_STOCK_RANGE_DAYS));
export const StockReadOutput = z.strictObject({
  key: StockKey,
  /** 0 when the key has never been written. */
  version: Version,
  /** The days of the range that hold partitions, in order; a day absent here holds nothing. */
  days: z.array(StockDayState),
});
export type StockReadOutput = z.infer<typeof StockReadOutput>;

export const StockListInput = z
  .strictObject({
    prefix: StockKeyPrefix.optional(),
    from: StockDay,
    to: StockDay,
    after: Cursor.optional(),
    limit: z.number().int().min(1).max(200).optional(),
  })
  .superRefine(checkRange(MAX_STOCK_LIST_DAYS));
export const StockKeySummary = z.strictObject({
  key: StockKey,
  version: Version,
  /** One total per day of the range, the first for `from`. */
  totals: z.array(z.number().int()),
});
export type StockKeySummary = z.infer<typeof StockKeySummary>;
export const StockListOutput = z.strictObject({
  from: StockDay,
  to: StockDay,
  keys: z.array(StockKeySummary),
  next: z.string().nullable(),
});

// --- Import ----------------------------------------------------------------------------

/** One line of an import (NDJSON): the day's partitions become exactly these. */
export const StockImportLine = z.strictObject({ key: StockKey, day: StockDay, partitions: StockSetPartitions });
export type StockImportLine = z.infer<typeof StockImportLine>;

export const StockImportOutput = z.strictObject({
  importId: z.string().nullable(),
  /** Lines read, blank lines included. */
  lines: z.number().int(),
  /** Lines applied (or found already applied under this importId): one key's day each. */
  rows: z.number().int(),
  /** Partition counts in those rows. */
  counts: z.number().int(),
  keys: z.number().int(),
  batches: z.number().int(),
  /** Batches this importId had already applied: skipped. */
  replayedBatches: z.number().int(),
  /** Rows in those skipped batches (counted in `rows`, not written again). */
  replayedRows: z.number().int(),
  badLines: z.number().int(),
  /** The first bad lines, by line number (1 = the first line of the body). */
  errors: z.array(z.strictObject({ line: z.number().int(), message: z.string() })),
  ms: z.number(),
});
export type StockImportOutput = z.infer<typeof StockImportOutput>;

/** Query of `POST /api/v1/stock/import`. */
export const StockImportQuery = z.strictObject({
  /** Defaults from the Content-Type: text/csv is CSV, anything else NDJSON. */
  format: z.enum(["ndjson", "csv"]).optional(),
  /** Makes each batch idempotent: running the same body again with the same id skips the batches already applied. */
  importId: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{8,80}$/, "8–80 characters of A–Z a–z 0–9 _ . : -")
    .optional(),
});
