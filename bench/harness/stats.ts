import * as hdr from "hdr-histogram-js";

/** Latencies are recorded in whole microseconds, 1 µs … 60 s, to 3 significant digits. */
const HIGHEST_US = 60_000_000;

export type Histogram = hdr.Histogram;

export function newHistogram(): Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3 });
}

/** Records a duration given in milliseconds (fractions allowed). */
export function recordMs(histogram: Histogram, ms: number): void {
  histogram.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000))));
}

export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded);
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  meanMs: number;
}

export function summarise(histogram: Histogram): LatencySummary {
  const ms = (us: number) => us / 1000;
  return {
    count: histogram.totalCount,
    p50Ms: ms(histogram.getValueAtPercentile(50)),
    p99Ms: ms(histogram.getValueAtPercentile(99)),
    p999Ms: ms(histogram.getValueAtPercentile(99.9)),
    maxMs: ms(histogram.maxValue),
    meanMs: ms(histogram.mean),
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** value ÷ baseline, or undefined when either is missing or the baseline is not positive. */
export function ratio(value: number | undefined, baseline: number | undefined): number | undefined {
  if (value === undefined || baseline === undefined || !Number.isFinite(value) || !Number.isFinite(baseline) || baseline <= 0) {
    return undefined;
  }
  return value / baseline;
}

/**
 * A figure's target: a bound on the ratio to a baseline, or on the value itself.
 * `max` means at most (lower is better), `min` at least.
 */
export type TargetRule =
  | { kind: "ratio"; baseline: string; bound: "max" | "min"; limit: number }
  | { kind: "absolute"; bound: "max" | "min"; limit: number; unit: string };

export interface Verdict {
  /** The ratio (for ratio rules) or the value (for absolute rules) compared with the limit. */
  compared: number;
  met: boolean;
}

export function verdict(
  rule: TargetRule,
  value: number | undefined,
  values: Readonly<Record<string, number | undefined>>,
): Verdict | undefined {
  const compared = rule.kind === "ratio" ? ratio(value, values[rule.baseline]) : value;
  if (compared === undefined || !Number.isFinite(compared)) return undefined;
  return { compared, met: rule.bound === "max" ? compared <= rule.limit : compared >= rule.limit };
}
