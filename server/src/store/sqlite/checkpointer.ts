import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";

export interface CheckpointOptions {
  /** How often the worker checkpoints (PASSIVE), whatever the WAL's size. */
  intervalMs?: number;
  /**
   * WAL pages past which the worker is woken at once, and past which its PASSIVE checkpoint is
   * followed by a RESTART (which waits for, and briefly blocks, writers) so the WAL can start over.
   */
  softPages?: number;
  /** WAL pages past which the main connection checkpoints itself (TRUNCATE): the worker lags or died. */
  hardPages?: number;
}

/** What the checkpointing has done so far; for tests and diagnostics. */
export interface CheckpointStats {
  /** Checkpoints the worker ran (PASSIVE and RESTART together), the final one included. */
  worker: number;
  /** Checkpoints the main connection had to run past the hard bound. */
  fallback: number;
  /** The worker's last error, when it had one (the worker keeps running; the fallback bounds the WAL). */
  lastError?: string;
}

/** The worker's messages to the main thread. */
type FromWorker = { type: "checkpointed" } | { type: "error"; message: string };

/**
 * The worker's code, as a CommonJS script run with `eval: true`: it then needs no loader for
 * TypeScript (tsx, vitest and the build each load files their own way), and the driver's path
 * comes resolved from here. It opens its own connection to the file and checkpoints on a timer
 * and when woken. PASSIVE copies WAL frames into the database without taking the write lock; under
 * steady writes it never quite catches up (a writer restarts the WAL only when every frame is
 * copied), so past the soft bound a RESTART finishes the last frames under the write lock.
 * Closing runs a final TRUNCATE checkpoint, so a closed store leaves an empty WAL.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma("busy_timeout = " + workerData.busyTimeoutMs);
db.pragma("synchronous = " + workerData.synchronous);
function checkpoint(mode) {
  try {
    const row = db.pragma("wal_checkpoint(" + mode + ")")[0];
    parentPort.postMessage({ type: "checkpointed" });
    return row;
  } catch (error) {
    parentPort.postMessage({ type: "error", message: String(error && error.message || error) });
    return undefined;
  }
}
function run() {
  const row = checkpoint("PASSIVE");
  if (row && row.log > workerData.softPages) checkpoint("RESTART");
}
const timer = setInterval(run, workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message === "checkpoint") return run();
  clearInterval(timer);
  checkpoint("TRUNCATE");
  db.close();
  parentPort.close();
});
`;

/**
 * Keeps a file store's WAL checkpointed from a worker thread with a connection of its own, so no
 * checkpoint runs inside a commit on the event loop (the main connection's automatic checkpoint
 * is off). Other processes sharing the file checkpoint it the same way; any of them may. The WAL
 * is bounded even when the worker lags: past `hardPages` the main connection checkpoints itself,
 * stalling its event loop for that once (counted in `stats.fallback`).
 */
export class Checkpointer {
  readonly stats: CheckpointStats = { worker: 0, fallback: 0 };
  private readonly worker: Worker;
  private readonly walPath: string;
  private readonly frameBytes: number;
  private readonly softBytes: number;
  private readonly hardBytes: number;
  private readonly exited: Promise<void>;
  /** A wake-up is on its way to the worker; one at a time is enough. */
  private woken = false;

  constructor(
    private readonly db: Database.Database,
    options: { path: string; synchronous: string; busyTimeoutMs: number } & CheckpointOptions,
  ) {
    const softPages = options.softPages ?? 4000;
    const hardPages = options.hardPages ?? 40_000;
    this.walPath = `${options.path}-wal`;
    this.frameBytes = (db.pragma("page_size", { simple: true }) as number) + 24;
    // The WAL file keeps its high-water size until it is truncated; after a restart SQLite cuts
    // it back to this limit, so its size past the limit means the WAL really holds that much.
    this.softBytes = 32 + softPages * this.frameBytes;
    this.hardBytes = 32 + hardPages * this.frameBytes;
    db.pragma(`journal_size_limit = ${this.softBytes}`);
    db.pragma("wal_autocheckpoint = 0");
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve("better-sqlite3"),
        path: options.path,
        synchronous: options.synchronous,
        busyTimeoutMs: options.busyTimeoutMs,
        intervalMs: options.intervalMs ?? 100,
        softPages,
      },
    });
    // A process that exits without closing its store leaves a WAL that the next open recovers.
    this.worker.unref();
    this.worker.on("message", (message: FromWorker) => {
      if (message.type === "checkpointed") {
        this.stats.worker += 1;
        this.woken = false;
      } else this.stats.lastError = message.message;
    });
    this.worker.on("error", (error) => {
      this.stats.lastError = error.message;
    });
    this.exited = new Promise((resolve) => this.worker.once("exit", () => resolve()));
  }

  /** After each group commit: wakes the worker past the soft bound, checkpoints here past the hard one. */
  afterCommit(): void {
    const size = statSync(this.walPath, { throwIfNoEntry: false })?.size ?? 0;
    if (size > this.hardBytes) {
      this.stats.fallback += 1;
      try {
        this.db.pragma("wal_checkpoint(TRUNCATE)");
      } catch (error) {
        // The commit is done; a failed checkpoint only leaves the WAL long until the next try.
        this.stats.lastError = (error as Error).message;
      }
      return;
    }
    if (size > this.softBytes && !this.woken) {
      this.woken = true;
      this.worker.postMessage("checkpoint");
    }
  }

  /** The worker's final checkpoint (TRUNCATE), then its end. Call before closing the main connection. */
  async close(): Promise<void> {
    // Unreferenced, the worker would not keep the process alive while its final checkpoint runs.
    this.worker.ref();
    this.worker.postMessage("close");
    await this.exited;
  }
}
