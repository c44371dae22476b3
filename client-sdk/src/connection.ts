import { type ClientToServerEvents, HoardError, type ServerToClientEvents } from "@hoard/protocol/client";
import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";
import { type BackoffOptions, backoffDelay } from "./backoff.js";
import { Emitter } from "./emitter.js";

export type HoardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * `connecting`: not connected yet since the client was made; `connected`: connected, topics
 * subscribed and presence sent again; `reconnecting`: the connection was lost and the client
 * is trying again; `closed`: `close()` was called, the node refused the token for good, or an
 * operator disconnected the player (CONNECTION_CLOSED_BY_OPERATOR).
 */
export type ConnectionStatus = "connecting" | "connected" | "reconnecting" | "closed";

/** Why the last connection ended. */
export interface DisconnectInfo {
  /**
   * Socket.IO's words: "io server disconnect" (the node hung up: a shutdown, or the token
   * expired), "transport close" / "transport error" (the node died or the network broke),
   * "ping timeout" (nothing heard for too long); or "refused" when the node refused the token.
   * After an operator's `players:disconnect`, "io server disconnect" with CONNECTION_CLOSED_BY_OPERATOR
   * (its `details.reason` says why) and the status `closed`: the client does not reconnect.
   */
  reason: string;
  /** The typed cause when there is one, e.g. AUTH_TOKEN_EXPIRED. */
  error?: HoardError;
  at: Date;
}

export type ConnectionEvents = {
  /** The status changed. */
  status: (status: ConnectionStatus) => void;
  /** One connection attempt failed (CLIENT_UNREACHABLE, or the node's refusal); another follows unless closed. */
  connectError: (error: HoardError) => void;
};

export type TokenSource = string | (() => string | Promise<string>);

/** The token to send now: the string itself, or a fresh one from the function. */
export async function resolveToken(source: TokenSource): Promise<string> {
  return typeof source === "function" ? source() : source;
}

export interface ConnectionOptions {
  token: TokenSource;
  /** How long one attempt (transport and handshake) may take before it counts as failed. */
  connectTimeoutMs: number;
  backoff: BackoffOptions;
  socket: Partial<ManagerOptions & SocketOptions>;
  /** Runs after every (re)connect, before the status says `connected`: subscribe again, log in again. */
  onConnect(first: boolean): Promise<void>;
}

/**
 * One connection to a node that keeps itself up for as long as it is open. Socket.IO's own
 * reconnection is off: it retries after a lost transport but never after the node hangs up (a
 * clean shutdown sends "io server disconnect"), so this one loop handles every case alike,
 * fetching a token for every attempt and waiting with capped, jittered backoff in between.
 */
export class Connection extends Emitter<ConnectionEvents> {
  readonly socket: HoardSocket;
  /** Resolves at the first `connected`; rejects if closed before (e.g. the token was refused). */
  readonly ready: Promise<void>;
  /** Bumped at every disconnect: an ack awaited across a bump was lost with its connection. */
  generation = 0;
  private current: ConnectionStatus = "connecting";
  private last: DisconnectInfo | undefined;
  private fatal: HoardError | undefined;
  /** Attempts failed since the last connect: the backoff's exponent. */
  private failures = 0;
  /** A refused token is fetched again once before the refusal counts. */
  private refetchedToken = false;
  /** What the node said in `closing` just before hanging up. */
  private notice: HoardError | undefined;
  private connectedOnce = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly waiters = new Set<{ done(connected: boolean): void; fail(error: HoardError): void }>();
  private settleReady: { resolve(): void; reject(error: HoardError): void } | undefined;

  constructor(
    readonly url: string,
    private readonly options: ConnectionOptions,
  ) {
    super();
    this.socket = io(url, {
      transports: ["websocket"],
      ...options.socket,
      autoConnect: false,
      reconnection: false,
      forceNew: true,
    });
    this.ready = new Promise((resolve, reject) => {
      this.settleReady = { resolve, reject };
    });
    // Nobody may await it (a client made with `new HoardClient` and closed before connecting).
    this.ready.catch(() => {});
    this.socket.on("connect", () => this.onConnected());
    this.socket.on("connect_error", (error) => this.onConnectError(error));
    this.socket.on("disconnect", (reason) => this.onDisconnected(reason));
    this.socket.on("closing", (reason) => {
      this.notice = HoardError.fromWire(reason);
    });
    void this.attempt();
  }

  private get isClosed(): boolean {
    return this.current === "closed";
  }

  get status(): ConnectionStatus {
    return this.current;
  }

  get lastDisconnect(): DisconnectInfo | undefined {
    return this.last;
  }

  /** What calls fail with once the connection is closed. */
  get closedError(): HoardError {
    return this.fatal ?? new HoardError("CLIENT_CLOSED");
  }

  /** Resolves true once connected, false after `timeoutMs`; rejects when the connection closes. */
  whenConnected(timeoutMs: number): Promise<boolean> {
    if (this.socket.connected) return Promise.resolve(true);
    if (this.isClosed) return Promise.reject(this.closedError);
    if (timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve, reject) => {
      const waiter = {
        done: (connected: boolean) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(connected);
        },
        fail: (error: HoardError) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = Number.isFinite(timeoutMs) ? setTimeout(() => waiter.done(false), timeoutMs) : undefined;
      this.waiters.add(waiter);
    });
  }

  /** Closes for good: no more attempts; waiting calls fail with `error` (default CLIENT_CLOSED). */
  close(error?: HoardError): void {
    if (this.isClosed) return;
    this.fatal = error;
    // A refused token reads "refused"; a notice the node sent before hanging up is already in `last`.
    if (error && this.last?.error !== error) this.last = { reason: "refused", error, at: new Date() };
    clearTimeout(this.timer);
    this.setStatus("closed");
    this.socket.disconnect();
    this.settleReady?.reject(this.closedError);
    for (const waiter of [...this.waiters]) waiter.fail(this.closedError);
    this.waiters.clear();
  }

  private async attempt(): Promise<void> {
    clearTimeout(this.timer);
    if (this.isClosed) return;
    const source = this.options.token;
    let token: string;
    try {
      token = await resolveToken(source);
    } catch (error) {
      // The game's token service may be down for a moment: like an unreachable node, try again later.
      this.retryLater(new HoardError("AUTH_UNAUTHENTICATED", "the token function failed", { cause: error }));
      return;
    }
    if (this.isClosed) return;
    this.socket.auth = { token };
    this.timer = setTimeout(() => {
      // Tear the half-open attempt down quietly (no events: it never connected), then count it.
      this.socket.disconnect();
      this.retryLater(new HoardError("CLIENT_UNREACHABLE", `${this.url}: no handshake within ${this.options.connectTimeoutMs} ms`));
    }, this.options.connectTimeoutMs);
    this.socket.connect();
  }

  private onConnected(): void {
    clearTimeout(this.timer);
    this.failures = 0;
    this.refetchedToken = false;
    this.notice = undefined;
    const first = !this.connectedOnce;
    this.connectedOnce = true;
    for (const waiter of [...this.waiters]) waiter.done(true);
    const generation = this.generation;
    const settled = this.options.onConnect(first).catch(() => {
      // Whatever failed there (a topic no longer allowed) is its watcher's to report.
    });
    void settled.then(() => {
      if (generation !== this.generation || this.isClosed) return;
      this.setStatus("connected");
      this.settleReady?.resolve();
    });
  }

  private onConnectError(error: Error & { data?: { code?: string; message?: string } }): void {
    clearTimeout(this.timer);
    if (this.isClosed) return;
    const code = error.data?.code;
    if (code === undefined) {
      this.retryLater(new HoardError("CLIENT_UNREACHABLE", `${this.url}: ${error.message}`, { cause: error }));
      return;
    }
    const refusal = HoardError.fromWire({ code: code as HoardError["code"], message: error.data?.message ?? error.message });
    if (!refusal.code.startsWith("AUTH_")) {
      this.retryLater(refusal);
      return;
    }
    // Refused for its token: a token function may have a fresher one; if not, it is final.
    if (typeof this.options.token === "function" && !this.refetchedToken) {
      this.refetchedToken = true;
      void this.attempt();
      return;
    }
    this.close(refusal);
  }

  private onDisconnected(reason: string): void {
    this.generation++;
    if (this.isClosed) return;
    const error = this.notice;
    this.notice = undefined;
    this.last = { reason, ...(error ? { error } : {}), at: new Date() };
    if (error?.code === "CONNECTION_CLOSED_BY_OPERATOR") {
      // An operator closed it on purpose: connecting again would undo that, in a loop if they
      // insist. Closed for good; the game decides (e.g. tells the player, who may reconnect).
      this.close(error);
      return;
    }
    this.setStatus("reconnecting");
    if (error?.code === "AUTH_TOKEN_EXPIRED") {
      // Not an outage: connect again at once with a fresh token, or stop if there is none to get.
      if (typeof this.options.token === "function") void this.attempt();
      else this.close(error);
      return;
    }
    this.timer = setTimeout(() => void this.attempt(), backoffDelay(this.failures++, this.options.backoff));
  }

  private retryLater(error: HoardError): void {
    if (this.isClosed) return;
    this.emit("connectError", error);
    if (this.isClosed) return;
    this.timer = setTimeout(() => void this.attempt(), backoffDelay(this.failures++, this.options.backoff));
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.current) return;
    this.current = status;
    this.emit("status", status);
  }
}
