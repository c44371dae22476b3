/** Bounds of the wait between two connection attempts. */
export interface BackoffOptions {
  /** The wait before the first retry (default 250 ms). */
  initialDelayMs?: number;
  /**
   * The longest wait (default 2000 ms). A node that comes back is found within this wait plus
   * one handshake, so keep it below how long players may stay stranded after a restart.
   */
  maxDelayMs?: number;
}

/**
 * The wait before attempt number `attempt` (0 = the first retry): doubling from the initial
 * delay up to the cap, then a random point in its upper half ("equal jitter"), so clients that
 * lost the same node do not all knock at the same instant, and none waits longer than the cap.
 *
 * @example backoffDelay(3, { initialDelayMs: 250, maxDelayMs: 2000 }); // between 1000 and 2000
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const initial = Math.max(1, options.initialDelayMs ?? 250);
  const cap = Math.max(initial, options.maxDelayMs ?? 2000);
  const ceiling = Math.min(cap, initial * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
