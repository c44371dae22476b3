/**
 * The open-loop schedule: call i is due at i × 1000 / rate ms after the start, whatever
 * happened to the calls before it. Latency is counted from that time, not from when the
 * generator got round to sending, so a stalled server cannot hide its stall by slowing the
 * generator down (coordinated omission).
 */

/** When call `index` is due, in ms after the start. */
export function scheduledAt(index: number, rate: number): number {
  return (index * 1000) / rate;
}

/** How many calls are due by `elapsedMs` (calls 0 … n − 1). */
export function dueBy(elapsedMs: number, rate: number): number {
  if (elapsedMs < 0) return 0;
  let due = Math.floor((elapsedMs * rate) / 1000) + 1;
  // Guard the float edges so `dueBy` and `scheduledAt` never disagree.
  while (due > 0 && scheduledAt(due - 1, rate) > elapsedMs) due--;
  while (scheduledAt(due, rate) <= elapsedMs) due++;
  return due;
}

/** The index of the first call due at or after `ms`. */
export function firstAtOrAfter(ms: number, rate: number): number {
  let index = Math.max(0, Math.ceil((ms * rate) / 1000));
  while (index > 0 && scheduledAt(index - 1, rate) >= ms) index--;
  while (scheduledAt(index, rate) < ms) index++;
  return index;
}

/** The calls of the measured window [warmupMs, warmupMs + durationMs), as an index range [first, end). */
export function windowCalls(options: { warmupMs: number; durationMs: number; rate: number }): { first: number; end: number } {
  return {
    first: firstAtOrAfter(options.warmupMs, options.rate),
    end: firstAtOrAfter(options.warmupMs + options.durationMs, options.rate),
  };
}

/** The connection that carries call `index`: round robin, so every connection sees the same rate. */
export function connectionOf(index: number, connections: number): number {
  return index % connections;
}
