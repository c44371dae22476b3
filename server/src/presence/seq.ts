/**
 * The seq of an area only grows. It is the time of the area's latest change in microseconds,
 * or one more than the previous seq when changes come faster than that: so it never restarts,
 * not even after the area was forgotten. An area that has been empty for FORGET_EMPTY_AREA_MS
 * is forgotten (memory follows the live areas, not every area code ever used); until then its
 * seq is kept, so reading an area that just emptied still answers the seq of that change.
 * An area never seen (or forgotten) reads as empty with seq 0.
 */
export const FORGET_EMPTY_AREA_MS = 60_000;

export function nextSeq(previous: number, nowMicros: number): number {
  return Math.max(previous + 1, Math.floor(nowMicros));
}
