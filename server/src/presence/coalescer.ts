/**
 * Folds bursts of changes per key into few flushes: the first change after a quiet period is
 * flushed at once (on the next timer turn, so one batch's changes go together); changes within
 * `intervalMs` of the last flush wait for one flush at last + intervalMs. So a key flushes at
 * most 1000 / intervalMs times a second, and a change waits at most intervalMs (plus the
 * flush's own work) to be flushed. A change during a flush is never lost: it schedules the
 * next one.
 */
export class Coalescer {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly lastFlush = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly options: {
      intervalMs: number;
      flush: (key: string) => Promise<void>;
      onError: (error: unknown, key: string) => void;
      now?: () => number;
    },
  ) {}

  touch(key: string): void {
    if (this.closed || this.timers.has(key)) return;
    const last = this.lastFlush.get(key);
    const delay = last === undefined ? 0 : Math.max(0, last + this.options.intervalMs - this.now());
    this.timers.set(
      key,
      setTimeout(() => this.run(key), delay),
    );
  }

  /** Forgets keys quiet for longer than the interval: they would flush at once anyway. */
  prune(): void {
    const before = this.now() - this.options.intervalMs;
    for (const [key, at] of this.lastFlush) if (at < before && !this.timers.has(key)) this.lastFlush.delete(key);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private run(key: string): void {
    this.timers.delete(key);
    this.lastFlush.set(key, this.now());
    this.options.flush(key).catch((error: unknown) => this.options.onError(error, key));
  }

  private now(): number {
    return this.options.now?.() ?? performance.now();
  }
}
