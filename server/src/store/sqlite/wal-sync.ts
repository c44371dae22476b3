import { open } from "node:fs/promises";

/**
 * The fsync a `synchronous=FULL` commit owes, off the event loop. SQLite's FULL differs from
 * NORMAL in WAL mode by one thing: it fsyncs the WAL file at every commit, on the thread that
 * commits — here the event loop, which then serves nobody for the fsync's milliseconds (the ack
 * p99 of FULL was 2.6× bare Socket.IO's at half load, NORMAL's 1.0×: bench/). So the connection
 * runs NORMAL, and after each group commit this syncs the WAL file on libuv's thread pool; the
 * commit's callers are answered (acked, pushed) only once it is done. An ack still means the
 * commit is on disk, as with FULL: every frame of the transaction, and the WAL header, were
 * written before the sync (fsync flushes the file, whichever descriptor wrote it), and the
 * checkpointer syncs the database file before the WAL starts over (NORMAL does that too). What
 * differs: another connection may read a commit during those milliseconds, before it is
 * acked — a state that a power cut (not a crash of the process: the data is then in the
 * kernel) could still take back, with the commit that was never acked.
 *
 * Syncs run one at a time; a commit that lands while one runs waits for the next, which covers
 * every commit before it. (The store does better: it holds its next group commit while a sync
 * runs, so the commits queued meanwhile share one transaction and one sync, as they shared
 * one when the fsync blocked the event loop, at the same CPU per commit.)
 */
export class WalSync {
  private running: Promise<void> | undefined;
  private waiting: { promise: Promise<void>; start: () => void } | undefined;

  /** `sync`: how the file is synced (tests watch it). */
  constructor(
    private readonly walPath: string,
    private readonly syncFile: (path: string) => Promise<void> = fsyncFile,
  ) {}

  /** A sync is under way. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Resolves once everything written to the WAL before this call is on disk. */
  afterCommit(): Promise<void> {
    if (!this.running) return this.start();
    // One sync is under way and may have begun before this commit's frames: wait for the next.
    if (!this.waiting) {
      let start = () => {};
      const promise = new Promise<void>((resolve, reject) => {
        start = () => this.start().then(resolve, reject);
      });
      this.waiting = { promise, start };
    }
    return this.waiting.promise;
  }

  /** Resolves when no sync is running or waiting (closing). */
  async idle(): Promise<void> {
    while (this.running || this.waiting) await (this.waiting?.promise ?? this.running)?.catch(() => {});
  }

  private start(): Promise<void> {
    const run = this.syncFile(this.walPath).finally(() => {
      this.running = undefined;
      const next = this.waiting;
      this.waiting = undefined;
      next?.start();
    });
    this.running = run;
    return run;
  }
}

async function fsyncFile(path: string): Promise<void> {
  const file = await open(path, "r");
  try {
    await file.datasync();
  } finally {
    await file.close();
  }
}
