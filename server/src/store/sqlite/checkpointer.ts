import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";

export interface CheckpointOptions {
  /** How often the worker checkpoints (PASSIVE), whatever the WAL's size. */
  intervalMs?: number;
  /** WAL pages past which the worker is woken at once and makes sure the WAL starts over (see WORKER_SOURCE). */
  softPages?: number;
  /** WAL pages past which the main connection checkpoints itself (TRUNCATE): the worker lags or died. */
  hardPages?: number;
}

/** What the checkpointing has done so far; for tests, the bench and diagnostics. */
export interface CheckpointStats {
  /** Checkpoints the worker ran (every mode), the final one included. */
  worker: number;
  /** Times the node held its commits for the worker to copy the WAL's last frames. */
  holds: number;
  /** Held checkpoints that were RESTARTs: the WAL passed twice the soft bound (another connection kept it from starting over). */
  restarts: number;
  /** Checkpoints the main connection had to run past the hard bound. */
  fallback: number;
  /** The worker's last error, when it had one (the worker keeps running; the fallback bounds the WAL). */
  lastError?: string;
}

/** The worker's messages to the main thread. */
type FromWorker = { type: "checkpointed"; mode: string } | { type: "error"; message: string } | { type: "hold" } | { type: "release" };

/**
 * The worker's code, as a CommonJS script run with `eval: true`: it then needs no loader for
 * TypeScript (tsx, vitest and the build each load files their own way), and the driver's path
 * comes resolved from here. It opens its own connection to the file and checkpoints on a timer
 * and when woken.
 *
 * PASSIVE copies WAL frames into the database without taking the write lock, so commits go on
 * meanwhile. But a writer starts the WAL over only when every frame is copied, and under steady
 * writes some always arrive during the copy: the WAL would grow without end. So past the soft
 * bound the worker asks the node to hold its commits (the node queues them; its event loop stays
 * free), copies the few frames left with a second PASSIVE, and lets go: the node's next commit
 * starts the WAL over. When even that could not finish before (another process writes, or a
 * reader keeps old frames) and the WAL passed twice the bound, the held checkpoint is a RESTART,
 * which waits for those writers and readers (the node's commits still held, its event loop free).
 * Closing runs a final TRUNCATE checkpoint, so a closed store leaves an empty WAL.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma("busy_timeout = " + workerData.busyTimeoutMs);
db.pragma("synchronous = " + workerData.synchronous);
/** Frames in the WAL at the last checkpoint's start; 0 while not holding. */
let holding = 0;
function checkpoint(mode) {
  try {
    const row = db.pragma("wal_checkpoint(" + mode + ")")[0];
    parentPort.postMessage({ type: "checkpointed", mode });
    return row;
  } catch (error) {
    parentPort.postMessage({ type: "error", message: String((error && error.message) || error) });
    return undefined;
  }
}
function run() {
  if (holding) return;
  const row = checkpoint("PASSIVE");
  // Even when this one copied every frame it saw, commits went on meanwhile: only a hold lets
  // the WAL start over.
  if (!row || row.log <= workerData.softPages) return;
  holding = row.log;
  parentPort.postMessage({ type: "hold" });
}
const timer = setInterval(run, workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message === "checkpoint") return run();
  if (message === "held") {
    checkpoint(holding > 2 * workerData.softPages ? "RESTART" : "PASSIVE");
    holding = 0;
    parentPort.postMessage({ type: "release" });
    return;
  }
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
 * stalling its event loop for that once (counted in `stats.fallback`, and a process warning).
 */
export class Checkpointer {
  readonly stats: CheckpointStats = { worker: 0, holds: 0, restarts: 0, fallback: 0 };
  /** The worker is copying the WAL's last frames: the store must not start a commit. */
  held = false;
  private readonly worker: Worker;
  private readonly walPath: string;
  private readonly softBytes: number;
  private readonly hardBytes: number;
  private readonly exited: Promise<void>;
  /** A wake-up is on its way to the worker; one at a time is enough. */
  private woken = false;

  constructor(
    private readonly db: Database.Database,
    options: {
      path: string;
      synchronous: string;
      busyTimeoutMs: number;
      /** Called when a hold ends: the store runs the commits it queued meanwhile. */
      onRelease: () => void;
    } & CheckpointOptions,
  ) {
    const softPages = options.softPages ?? 4000;
    const hardPages = options.hardPages ?? 40_000;
    this.walPath = `${options.path}-wal`;
    const frameBytes = (db.pragma("page_size", { simple: true }) as number) + 24;
    // The WAL file keeps its high-water size until it is truncated; when the WAL starts over
    // SQLite cuts it back to this limit, so its size past the limit means the WAL holds that much.
    this.softBytes = 32 + softPages * frameBytes;
    this.hardBytes = 32 + hardPages * frameBytes;
    db.pragma(`journal_size_limit = ${this.softBytes}`);
    db.pragma("wal_autocheckpoint = 0");
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve("better-sqlite3"),
        path: options.path,
        synchronous: options.synchronous,
        busyTimeoutMs: options.busyTimeoutMs,
        intervalMs: options.intervalMs ?? 1000,
        softPages,
      },
    });
    // A process that exits without closing its store leaves a WAL that the next open recovers.
    this.worker.unref();
    const release = () => {
      if (!this.held) return;
      this.held = false;
      options.onRelease();
    };
    this.worker.on("message", (message: FromWorker) => {
      switch (message.type) {
        case "checkpointed":
          this.stats.worker += 1;
          if (message.mode === "RESTART") this.stats.restarts += 1;
          this.woken = false;
          return;
        case "hold":
          // Messages arrive between turns of the event loop, never inside a commit: none is open.
          this.held = true;
          this.stats.holds += 1;
          this.worker.postMessage("held");
          return;
        case "release":
          return release();
        case "error":
          return this.failed(message.message);
      }
    });
    this.worker.on("error", (error) => this.failed(error.message));
    this.exited = new Promise((resolve) =>
      this.worker.once("exit", () => {
        // A worker gone mid-hold must not keep the commits waiting.
        release();
        resolve();
      }),
    );
  }

  /** After each group commit: wakes the worker past the soft bound, checkpoints here past the hard one. */
  afterCommit(): void {
    const size = statSync(this.walPath, { throwIfNoEntry: false })?.size ?? 0;
    if (size > this.hardBytes) {
      this.stats.fallback += 1;
      warn(`the WAL of ${this.walPath} passed ${size} bytes: checkpointing on the main thread (the checkpoint worker lags)`);
      try {
        this.db.pragma("wal_checkpoint(TRUNCATE)");
      } catch (error) {
        // The commit is done; a failed checkpoint only leaves the WAL long until the next try.
        this.failed((error as Error).message);
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

  /** Says so once per distinct error: a worker failing on every tick would otherwise repeat it 10 times a second. */
  private failed(message: string): void {
    if (message !== this.stats.lastError) warn(`a WAL checkpoint of ${this.walPath} failed: ${message}`);
    this.stats.lastError = message;
  }
}

/** The store has no logger of its own: a process warning reaches stderr (and any 'warning' listener). */
function warn(message: string): void {
  process.emitWarning(message, { code: "HOARD_SQLITE_CHECKPOINT" });
}
