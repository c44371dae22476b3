import { close, fdatasync, open } from "node:fs";

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

  /** The WAL's descriptor, opened at the first sync and kept: one thread-pool call per sync, not three. */
  private fd: number | undefined;

  /** `syncFile`: how the file is synced (tests watch it); by default `fdatasync` on the kept descriptor. */
  constructor(
    private readonly walPath: string,
    private readonly syncFile: () => Promise<void> = () => this.datasync(),
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
  private async idle(): Promise<void> {
    while (this.running || this.waiting) await (this.waiting?.promise ?? this.running)?.catch(() => {});
  }

  /** Once nothing runs or waits, closes the kept descriptor (the store closes its connection after). */
  async close(): Promise<void> {
    await this.idle();
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) await new Promise<void>((resolve, reject) => close(fd, (error) => (error ? reject(error) : resolve())));
  }

  /**
   * The WAL file lives as long as any connection to the database is open, ours included (SQLite
   * deletes it when the last one closes and otherwise only truncates it), so one descriptor
   * opened while the store is open names the WAL until the store closes.
   */
  private datasync(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const sync = (fd: number) => fdatasync(fd, (error) => (error ? reject(error) : resolve()));
      if (this.fd !== undefined) return sync(this.fd);
      open(this.walPath, "r", (error, fd) => {
        if (error) return reject(error);
        this.fd = fd;
        sync(fd);
      });
    });
  }

  private start(): Promise<void> {
    const run = this.syncFile().finally(() => {
      this.running = undefined;
      const next = this.waiting;
      this.waiting = undefined;
      next?.start();
    });
    this.running = run;
    return run;
  }
}
