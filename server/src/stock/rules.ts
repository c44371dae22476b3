import {
  DEFAULT_PARTITION,
  dayOfNumber,
  HoardError,
  MAX_SHORT_DAYS_LISTED,
  MAX_STOCK_COUNT,
  MAX_STOCK_PARTITIONS,
  type StockShortDay,
  topicOf,
} from "@hoard/protocol";
import { compareNames } from "../lib/names";
import type { CountWrite, DayCounts, DayRange, SellOutcome, ShortDay, StockOp, StockWrite } from "./port";

/**
 * Pure stock rules of the domain: what each write does to the counts (what a sale takes, when
 * it is refused), and where a change is pushed. No I/O, no clock. The service hands them to the
 * store as a write's `decide` (stock/port.ts), which every engine runs inside its transaction on
 * the counts it read, as a player commit hands its `apply`; the contract suite proves each
 * engine with them.
 */

/** What an acquire asks: `amount` more units in `partition`. */
export interface AcquireTerms {
  partition: string;
  amount: number;
}

/** What a sale asks: `amount` units, from `partition` or the day's partitions in name order. */
export interface SellTerms {
  amount: number;
  partition?: string | undefined;
  allowNegative: boolean;
}

/** The store write of an acquire: its counts decided by planAcquire. */
export function acquireWrite(op: StockOp & AcquireTerms): StockWrite<Record<string, never>> {
  return { ...op, kind: "acquire", decide: (current) => ({ writes: planAcquire(current, op), outcome: {} }) };
}

/** The store write of a sale: its counts decided by planSell, its outcome the days it took below zero. */
export function sellWrite(op: StockOp & SellTerms): StockWrite<Omit<SellOutcome, "version">> {
  return {
    ...op,
    kind: "sell",
    decide: (current) => {
      const plan = planSell(current, op);
      return { writes: plan.writes, outcome: { negativeDays: plan.short.length, negative: plan.short.slice(0, MAX_SHORT_DAYS_LISTED) } };
    },
  };
}

/**
 * Every topic a change of `key` is pushed to: `stock/{key}`, then `stockprefix/{p}` for every
 * prefix of whole segments, from the empty one (every key) to the key itself, the same keys
 * `stock:list` selects with that prefix.
 *
 * @example
 * stockTopics("s1/c2"); // ["stock/s1/c2", "stockprefix/", "stockprefix/s1", "stockprefix/s1/c2"]
 */
export function stockTopics(key: string): string[] {
  const segments = key.split("/");
  const topics = [topicOf("stock", key)];
  for (let n = 0; n <= segments.length; n++) topics.push(topicOf("stockprefix", segments.slice(0, n).join("/")));
  return topics;
}

/** Adds `amount` to `partition` on every day of the range. */
export function planAcquire(current: DayCounts, op: DayRange & AcquireTerms): CountWrite[] {
  const writes: CountWrite[] = [];
  for (let day = op.from; day <= op.to; day++) {
    const partitions = current.get(day);
    const count = (partitions?.get(op.partition) ?? 0) + op.amount;
    if (count > MAX_STOCK_COUNT) throw limitExceeded(day, `a partition count may not exceed ${MAX_STOCK_COUNT}`);
    checkPartitionCount(day, partitions, op.partition);
    writes.push({ day, partition: op.partition, count });
  }
  return writes;
}

export interface SellPlan {
  writes: CountWrite[];
  /** Days that go below zero (only when allowed; otherwise the sale is refused). */
  short: ShortDay[];
}

/**
 * Takes `amount` from every day of the range, all days or none. A named partition gives from
 * its own count; otherwise the day's total is what is available, taken from the partitions
 * with units in name order. A day short of the amount refuses the whole sale with
 * STOCK_INSUFFICIENT, unless `allowNegative` (the origin's behaviour): then the shortfall is
 * taken from the named partition, or the day's first partition by name (`default` on an empty
 * day), below zero, and the day is reported.
 */
export function planSell(current: DayCounts, op: DayRange & SellTerms): SellPlan {
  const writes: CountWrite[] = [];
  const short: ShortDay[] = [];
  for (let day = op.from; day <= op.to; day++) {
    const partitions = current.get(day);
    if (op.partition !== undefined) {
      const available = partitions?.get(op.partition) ?? 0;
      if (available < op.amount) short.push({ day, available });
      checkPartitionCount(day, partitions, op.partition);
      writes.push({ day, partition: op.partition, count: checkedLow(day, available - op.amount) });
      continue;
    }
    const names = [...(partitions?.keys() ?? [])].sort(compareNames);
    const next = new Map(partitions ?? []);
    const available = sum(next.values());
    if (available < op.amount) short.push({ day, available });
    let remaining = op.amount;
    for (const name of names) {
      if (remaining === 0) break;
      const count = next.get(name) ?? 0;
      if (count <= 0) continue;
      const take = Math.min(count, remaining);
      next.set(name, count - take);
      remaining -= take;
    }
    if (remaining > 0) {
      const target = names[0] ?? DEFAULT_PARTITION;
      next.set(target, checkedLow(day, (next.get(target) ?? 0) - remaining));
    }
    for (const [partition, count] of next) {
      if (partitions?.get(partition) !== count) writes.push({ day, partition, count });
    }
  }
  if (short.length > 0 && !op.allowNegative) {
    throw new HoardError("STOCK_INSUFFICIENT", `${short.length} day(s) of the range have fewer than ${op.amount} unit(s)`, {
      details: { amount: op.amount, shortDays: short.length, short: listShortDays(short) },
    });
  }
  return { writes, short };
}

/** The first short days, as the wire carries them. */
export function listShortDays(short: readonly ShortDay[]): StockShortDay[] {
  return short.slice(0, MAX_SHORT_DAYS_LISTED).map((entry) => ({ day: dayOfNumber(entry.day), available: entry.available }));
}

function sum(counts: Iterable<number>): number {
  let total = 0;
  for (const count of counts) total += count;
  return total;
}

function checkPartitionCount(day: number, partitions: ReadonlyMap<string, number> | undefined, partition: string): void {
  if (partitions && !partitions.has(partition) && partitions.size >= MAX_STOCK_PARTITIONS) {
    throw limitExceeded(day, `a day holds at most ${MAX_STOCK_PARTITIONS} partitions`);
  }
}

function checkedLow(day: number, count: number): number {
  if (count < -MAX_STOCK_COUNT) throw limitExceeded(day, `a partition count may not go below -${MAX_STOCK_COUNT}`);
  return count;
}

function limitExceeded(day: number, message: string): HoardError {
  return new HoardError("STOCK_LIMIT_EXCEEDED", message, { details: { day: dayOfNumber(day) } });
}
