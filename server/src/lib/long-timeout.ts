/** The longest delay setTimeout honours; a longer one overflows and fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `fn` once `at` (ms since the epoch) has passed, however far ahead it is: the wait is
 * re-armed in steps no longer than setTimeout allows (a token expiring in 30 days would
 * otherwise fire at once). Returns the function that cancels it.
 */
export function atTime(at: number, fn: () => void, maxStepMs = MAX_TIMER_MS): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const remaining = at - Date.now();
    if (remaining <= maxStepMs) timer = setTimeout(fn, Math.max(0, remaining));
    else timer = setTimeout(arm, maxStepMs);
  };
  arm();
  return () => clearTimeout(timer);
}
