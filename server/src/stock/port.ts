import type { Actor } from "@hoard/protocol";

/**
 * The stock sub-port of the store: per-day counters of units per key, split in named
 * partitions. Named after what the stock domain does; every engine implements it (the
 * embedded one in sqlite/stock-store.ts). Days are day numbers (days since 1970-01-01);
 * ranges are inclusive. Every write is atomic and idempotent by (actor, opId). The decisions
 * (what a sale takes, when it is refused) are the domain's pure rules (stock/rules.ts), handed
 * in as a `decide` function the engine runs inside its transaction on freshly read counts, as
 * a player commit hands its `apply` (commit/plan.ts).
 */
export interface StockStore {
  /**
   * A write the rules decide (an acquire, a sale): the engine reads the counts of the range in
   * its transaction, `op.decide` says what to write (or refuses by throwing a HoardError: the
   * transaction, and the version bump with it, is dropped), the engine writes it.
   */
  write<O extends object>(op: StockWrite<O>): Promise<StockCommitted<O & StockOutcome>>;
  /** Every day of the range gets exactly these partitions. */
  setPartitions(op: StockSet): Promise<StockCommitted<StockOutcome>>;
  /** The days of the range that hold partitions, in order, and the key's version (0 when never written). */
  read(key: string, range: DayRange): Promise<{ version: number; days: StockDayRead[] }>;
  /** Keys equal to the prefix or under `prefix/` (every key for ""), in key order, after `after`, with day totals. */
  listKeys(query: StockKeyQuery): Promise<StockKeyTotals[]>;
  /** The key's version: its sequence number on the `stock/{key}` topic (0 when never written). */
  version(key: string): Promise<number>;
  /** One transaction of an import: each row sets its day's partitions to exactly the ones given. */
  importBatch(batch: StockImportBatch): Promise<StockImported>;
}

export interface DayRange {
  from: number;
  to: number;
}

/** An op on one key over a range of days. */
export interface StockOp extends DayRange {
  opId: string;
  actor: Actor;
  /** Fingerprint of the request; the same opId with another one is OP_ID_REUSED. */
  requestHash: string;
  key: string;
}

/** Counts as stored: day number → partition name → count. Days and partitions absent hold 0. */
export type DayCounts = ReadonlyMap<number, ReadonlyMap<string, number>>;

/** One count to store. */
export interface CountWrite {
  day: number;
  partition: string;
  count: number;
}

/** What the rules decided: the counts to store, and the outcome stored under the op id (its version added). */
interface StockDecision<O> {
  writes: CountWrite[];
  outcome: O;
}

/** An op whose writes the stock rules decide on the counts the engine read. */
export interface StockWrite<O> extends StockOp {
  /** Recorded in the key's audit trail. */
  kind: "acquire" | "sell";
  decide(current: DayCounts): StockDecision<O>;
}

export interface StockSet extends StockOp {
  partitions: Readonly<Record<string, number>>;
}

/** A day short of the amount asked: what it had before the sale. */
export interface ShortDay {
  day: number;
  available: number;
}

/** Stored under the op id and returned to a repeat of it. */
export interface StockOutcome {
  version: number;
}

export interface SellOutcome extends StockOutcome {
  /** How many days went below zero (only with allowNegative). */
  negativeDays: number;
  /** The first of them. */
  negative: ShortDay[];
}

/** What a committed write changed: the service pushes it after the commit. */
export interface StockChange extends DayRange {
  key: string;
  version: number;
  /** The new total of every day from..to (absent for imports). */
  totals?: number[];
}

export type StockCommitted<O> = { replayed: false; outcome: O; change: StockChange } | { replayed: true; outcome: O };

export interface StockDayRead {
  day: number;
  partitions: Record<string, number>;
}

export interface StockKeyQuery extends DayRange {
  prefix: string;
  after?: string | undefined;
  limit: number;
}

export interface StockKeyTotals {
  key: string;
  version: number;
  /** One per day of the range, the first for `from`. */
  totals: number[];
}

/** One line of an import: the day's partitions become exactly these. */
export interface StockImportRow {
  key: string;
  day: number;
  partitions: Readonly<Record<string, number>>;
}

export interface StockImportBatch {
  actor: Actor;
  /** The batch's idempotency: present when the import has an id. A repeat is skipped. */
  op?: { opId: string; requestHash: string } | undefined;
  rows: readonly StockImportRow[];
}

export interface StockImported {
  /** The batch had already been applied under this op id: nothing was written. */
  replayed: boolean;
  /** One per key the batch touched, with its new version and the days it covered. */
  changes: StockChange[];
}
