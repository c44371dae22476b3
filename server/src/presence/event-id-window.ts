/**
 * Remembers keys for at least `windowMs` and at most twice that, in two generations: keys seen
 * in the current window and in the one before. Memory stays bounded by the traffic of two
 * windows, and no per-key timers or sweeps are needed. (The Redis engine keeps the same two
 * generations as two sets with a TTL.)
 */
export class EventIdWindow {
  private current = new Set<string>();
  private previous = new Set<string>();
  private generation = Number.NaN;

  constructor(private readonly windowMs: number) {}

  /** True the first time a key is seen within the window; false for a repeat. */
  firstSeen(key: string, now: number): boolean {
    const generation = Math.floor(now / this.windowMs);
    // A clock that steps back stays in the newer generation rather than forgetting both.
    if (!(generation <= this.generation)) {
      this.previous = generation === this.generation + 1 ? this.current : new Set();
      this.current = new Set();
      this.generation = generation;
    }
    if (this.current.has(key) || this.previous.has(key)) return false;
    this.current.add(key);
    return true;
  }
}
