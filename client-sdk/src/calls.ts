import {
  type Ack,
  type ClientEventName,
  type ErrorCode,
  type EventInput,
  type EventOutput,
  eventMeta,
  HoardError,
} from "@hoard/protocol/client";
import type { Connection } from "./connection.js";

/** Per-call options of `hoard.call`. */
export interface CallOptions {
  /**
   * A read sent while disconnected fails at once with CLIENT_OFFLINE; with this it waits for
   * the connection instead (within the call's time). Mutations always wait.
   */
  waitForConnection?: boolean;
}

/** Errors worth sending the same request again for (same opId, so it still applies once). */
const retryable: ReadonlySet<ErrorCode> = new Set([
  "SERVER_SHUTTING_DOWN",
  "STORE_UNAVAILABLE",
  "PRESENCE_UNAVAILABLE",
  "RATE_LIMITED",
  "REQUEST_IN_FLIGHT_LIMIT",
]);

/**
 * Mutations (the event table's flag) wait for the connection and are sent again after a lost
 * ack: those with an opId apply once by it; those without are idempotent by their content (an
 * item definition's id is its hash, a kit or price is put whole, presence events carry their ids).
 */
function isWrite(event: ClientEventName): boolean {
  return eventMeta[event].mutation;
}

interface Run {
  /** Wait for the connection while offline, and send again after a lost ack (writes). */
  wait: boolean;
  /** The call's whole time, waits included; Infinity for the outbox, which waits as long as it takes. */
  budgetMs: number;
  /** Runs just before each send (the outbox marks its entry sent); may throw to stop. */
  beforeSend?: () => void | Promise<void>;
}

/**
 * Sends events over a Connection and turns their acks into data or HoardErrors. A write waits
 * for the connection and, when its ack is lost with a connection, is sent again after the
 * reconnect with the same payload (so the same opId: it applies once); a timeout or a retryable
 * error sends it again up to `retries` times; all within `timeoutMs × (retries + 1)`. A read
 * fails fast with CLIENT_OFFLINE while disconnected.
 */
export class Caller {
  constructor(
    private readonly connection: Connection,
    private readonly timeoutMs: number,
    private readonly retries: number,
  ) {}

  /** One call, bounded in time. */
  call<E extends ClientEventName>(event: E, input: EventInput<E>, options: CallOptions = {}): Promise<EventOutput<E>> {
    return this.run(event, input, {
      wait: options.waitForConnection === true || isWrite(event),
      budgetMs: this.timeoutMs * (this.retries + 1),
    });
  }

  /** Sends until the node answers for good, however long the node is away (the outbox's delivery). */
  deliver(event: ClientEventName, input: unknown, beforeSend: () => void | Promise<void>): Promise<unknown> {
    return this.run(event, input as EventInput<typeof event>, { wait: true, budgetMs: Number.POSITIVE_INFINITY, beforeSend });
  }

  private async run<E extends ClientEventName>(event: E, input: EventInput<E>, run: Run): Promise<EventOutput<E>> {
    const deadline = Date.now() + run.budgetMs;
    const bounded = Number.isFinite(run.budgetMs);
    // Built only when an attempt fails: an Error captures a stack, too dear for every call.
    let lastError: HoardError | undefined;
    let failures = 0;
    let sent = false;
    for (;;) {
      const { connection } = this;
      if (connection.status === "closed") throw connection.closedError;
      if (!connection.socket.connected) {
        if (!run.wait) throw new HoardError("CLIENT_OFFLINE", `not connected: ${event} was not sent`);
        if (!(await connection.whenConnected(deadline - Date.now()))) break;
      }
      const left = deadline - Date.now();
      if (left <= 0) break;
      if (run.beforeSend) await run.beforeSend();
      const generation = connection.generation;
      let reply: Ack<EventOutput<E>>;
      try {
        sent = true;
        const timed = connection.socket.timeout(Math.min(this.timeoutMs, left)) as unknown as {
          emitWithAck(event: string, input: unknown): Promise<Ack<EventOutput<E>>>;
        };
        reply = await timed.emitWithAck(event, input);
      } catch {
        if (connection.generation !== generation) {
          // The ack was lost with the connection: a write goes again after the reconnect.
          if (!run.wait) throw new HoardError("CLIENT_OFFLINE", `the connection was lost before ${event} was answered`);
          continue;
        }
        lastError = new HoardError("CLIENT_TIMEOUT", `no ack for ${event} within ${this.timeoutMs} ms`);
        if (++failures > this.retries && bounded) break;
        continue;
      }
      if (reply.ok) return reply.data;
      const error = HoardError.fromWire(reply.error);
      if (error.code === "SERVER_SHUTTING_DOWN" && run.wait) {
        // The node is draining and will hang up: not a failure of this call. Wait for the
        // hang-up (then for the next connection), asking again now and then meanwhile.
        lastError = error;
        const wait = Math.min(250, deadline - Date.now());
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        continue;
      }
      if (!retryable.has(error.code)) throw error;
      lastError = error;
      if (++failures > this.retries && bounded) break;
      const hinted = (reply.error.details as { retryAfterMs?: number } | undefined)?.retryAfterMs;
      const wait = Math.min(hinted ?? 50 * 2 ** Math.min(failures, 7), deadline - Date.now());
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    // Out of time. Never sent: it certainly did not apply. Sent: it may have (retry with its opId).
    throw (
      lastError ??
      (sent
        ? new HoardError("CLIENT_TIMEOUT", `no ack for ${event} in time`)
        : new HoardError("CLIENT_OFFLINE", `not connected in time: ${event} was not sent`))
    );
  }
}
