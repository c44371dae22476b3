import { randomUUID } from "node:crypto";
import { dayNumber, dayOfNumber, type StockDayState } from "@hoard/protocol";

/** Builders for stock fixtures. */

const BASE = dayNumber("2025-01-01") as number;

/** The day `offset` days after 2025-01-01. */
export function day(offset: number): string {
  return dayOfNumber(BASE + offset);
}

/** A key no other test uses: `{prefix}/{random}/unit{n}`. */
export function stockKey(prefix = "t", unit = 1): string {
  return `${prefix}/${randomUUID().slice(0, 8)}/unit${unit}`;
}

export interface StockFile {
  ndjson: string;
  csv: string;
  /** What each key reads back over `days`: the days it holds, in order. */
  expected: Map<string, StockDayState[]>;
  entries: number;
}

/**
 * An import of `suppliers × components × units` keys under `root`, each with `days` days from
 * 2025-01-01 and `partitions` partitions whose counts follow a fixed pattern (zeros included),
 * in NDJSON and CSV, and what must be read back.
 */
export function stockFile(shape: {
  root: string;
  suppliers: number;
  components: number;
  units: number;
  days: number;
  partitions: number;
}): StockFile {
  const names = Array.from({ length: shape.partitions }, (_, i) => `p${i}`);
  const ndjson: string[] = [];
  const csv = [["key", "day", ...names].join(",")];
  const expected = new Map<string, StockDayState[]>();
  let n = 0;
  for (let s = 0; s < shape.suppliers; s++) {
    for (let c = 0; c < shape.components; c++) {
      for (let u = 0; u < shape.units; u++) {
        const key = `${shape.root}/supplier${s}/component${c}/unit${u}`;
        const days: StockDayState[] = [];
        for (let d = 0; d < shape.days; d++) {
          const counts = names.map(() => n++ % 13);
          const partitions = Object.fromEntries(names.map((name, i) => [name, counts[i] as number]));
          ndjson.push(JSON.stringify({ key, day: day(d), partitions }));
          csv.push([key, day(d), ...counts].join(","));
          days.push({ day: day(d), partitions, total: counts.reduce((a, b) => a + b, 0) });
        }
        expected.set(key, days);
      }
    }
  }
  return { ndjson: `${ndjson.join("\n")}\n`, csv: `${csv.join("\n")}\n`, expected, entries: n };
}
