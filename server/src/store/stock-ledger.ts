import {
  DEFAULT_PARTITION,
  dayOfNumber,
  HoardError,
  MAX_SHORT_DAYS_LISTED,
  MAX_STOCK_COUNT,
  MAX_STOCK_PARTITIONS,
  type StockShortDay,
} from "@hoard/protocol";
import type { DayRange, ShortDay } from "../stock/port";

/**
 * The stock ledger's arithmetic: what each write of the stock port (stock/port.ts) does to the
 * counts, and when it refuses. Pure: no I/O, no clock. Every engine reads the counts of the
 * range inside its transaction, these decide what to write (or refuse), the engine writes. It
 * lives beside the store port rather than in the stock domain so the engines import no domain
 * (test/architecture/walls.test.ts); the contract suite proves each engine against it.
 */

/** Counts as stored: day number → partition name → count. Days and partitions absent hold 0. */
export type DayCounts = ReadonlyMap<number, ReadonlyMap<string, number>>;

/** One count to store. */
export interface CountWrite {
  day: number;
  partition: string;
  count: number;
}

/** Adds `amount` to `partition` on every day of the range. */
export function planAcquire(current: DayCounts, op: DayRange & { partition: string; amount: number }): CountWrite[] {
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
export function planSell(
  current: DayCounts,
  op: DayRange & { amount: number; partition?: string | undefined; allowNegative: boolean },
): SellPlan {
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

/** Partition names in a fixed order that does not depend on the locale. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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
