import type { ErrorCode } from "@hoard/protocol";
import type { Logger } from "../log";

/** Who was refused, as the aggregated line names it. */
export interface RefusedCaller {
  sub: string;
  role: string;
  transport: "socket" | "http";
}

/** How often the counts of each connection are written (and at its close). */
const REFUSAL_LOG_INTERVAL_MS = 10_000;

/**
 * Refusals a flooding client earns by the thousand (RATE_LIMITED, REQUEST_IN_FLIGHT_LIMIT,
 * EVENT_UNKNOWN) are counted, not logged one line each: one info line per connection (per
 * caller over REST) per interval carries the counts by code. A flood of 50,000 events
 * wrote 34,000 lines before.
 */
export class RefusalLog {
  private readonly counts = new Map<string, { caller: RefusedCaller; codes: Partial<Record<ErrorCode, number>> }>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly log: Logger,
    intervalMs = REFUSAL_LOG_INTERVAL_MS,
  ) {
    this.timer = setInterval(() => this.flush(), intervalMs);
    this.timer.unref();
  }

  /** Counts one refusal of `key`'s caller (a connection id, or the caller over REST). */
  count(key: string, caller: RefusedCaller, code: ErrorCode): void {
    let entry = this.counts.get(key);
    if (!entry) {
      entry = { caller, codes: {} };
      this.counts.set(key, entry);
    }
    entry.codes[code] = (entry.codes[code] ?? 0) + 1;
  }

  /** Writes the counts of `key` now (a connection that closes), or of every key. */
  flush(key?: string): void {
    const keys = key === undefined ? [...this.counts.keys()] : [key];
    for (const at of keys) {
      const entry = this.counts.get(at);
      if (!entry) continue;
      this.counts.delete(at);
      this.log.info({ ...entry.caller, connection: at, refused: entry.codes }, "requests refused");
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
