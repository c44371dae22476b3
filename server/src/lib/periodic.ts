/**
 * Runs `pass` every `intervalMs`, never two at once (a pass longer than the interval skips the
 * ticks it overlaps), without keeping the process alive; a rejected pass goes to `onError` and
 * the next tick tries again. Returns the function that stops it. The node's sweeps use it.
 */
export function everyInterval(intervalMs: number, pass: () => Promise<unknown>, onError: (error: unknown) => void): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    pass()
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
