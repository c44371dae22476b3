/**
 * In-process locks by key. The Mongo engine takes the locks of a commit's players before its
 * transaction, so commits of one player from this node run one after another instead of
 * failing each other with write conflicts; commits from other nodes still meet in the
 * database (compare-and-set, retried). Keys are taken in sorted order, so two commits that
 * share players can never wait on each other in a cycle.
 */
export class KeyedLocks {
  /** Per key, the promise that settles when the last holder or waiter releases it. */
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const releases: Array<() => void> = [];
    try {
      for (const key of [...new Set(keys)].sort()) releases.push(await this.acquire(key));
      return await fn();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  /** Keys held or waited for right now; empty when nothing runs. */
  get size(): number {
    return this.tails.size;
  }

  private async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => held);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}
