import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "../log";

/**
 * The one place that opens Redis connections. Built once in the composition root from
 * REDIS_URL and shared by everything that needs Redis on this node (the Socket.IO adapter,
 * cluster-wide rate limits, the presence registry).
 *
 * - `command`: ordinary commands (scripts, keys). It fails fast while Redis is away (no
 *   offline queue, no retry of a command caught by a disconnect), so a caller can fall back
 *   at once instead of hanging requests. A part that would rather wait asks `open` for a
 *   connection of its own (presence: its commands wait for one reconnect).
 * - `pub`: the adapter's publisher, failing fast the same way (a push that cannot be
 *   published is lost; see cluster/adapter.ts for how subscribers recover).
 * - `sub`: the subscriber, shared by the adapter and presence's area changes (each listener
 *   picks its own channels). Its subscriptions are queued before the first connect and
 *   renewed after every reconnect.
 *
 * Every connection reconnects forever with a capped backoff: Redis errors are logged, never
 * thrown at the node. `up` is true while all three are ready and the subscriber's
 * subscriptions are confirmed; listeners hear each change of it.
 */
export interface RedisConnections {
  readonly command: Redis;
  readonly pub: Redis;
  readonly sub: Redis;
  /** All connections ready and the subscriptions confirmed. */
  readonly up: boolean;
  /** `up` fires on the first connect and on every recovery; `down` on every loss. Returns an unsubscribe. */
  on(event: "up" | "down", listener: () => void): () => void;
  /** Resolves true once up, or false when `timeoutMs` passes first. */
  whenUp(timeoutMs: number): Promise<boolean>;
  /**
   * One more connection, for a part whose commands must not fail fast (`settings` say how they
   * wait): named after `role`, reconnecting and logging like the others, closed with them. It
   * does not count in `up`: the part judges its own health.
   */
  open(role: string, settings: RedisOptions): Redis;
  /** Quits every connection (or drops it when Redis is away). */
  close(): Promise<void>;
}

export interface RedisConnectionOptions {
  url: string;
  nodeId: string;
  log: Logger;
  /** Told when `up` changes (for a gauge). */
  onStatus?: (up: boolean) => void;
}

/** Reconnect delay: 100 ms more per attempt, at most 2 s, forever. A node outlives any Redis outage. */
function reconnectDelay(attempt: number): number {
  return Math.min(attempt * 100, 2000);
}

const base: RedisOptions = {
  retryStrategy: reconnectDelay,
  // After a failover a former primary answers READONLY: reconnect (to the new primary) and resend.
  reconnectOnError: (error) => (error.message.startsWith("READONLY") ? 2 : false),
};

/**
 * How long a request's command may wait for Redis's reply. A Redis that is gone fails a command
 * at once (or after one reconnect); one that is frozen or cut off without a reset keeps the
 * connection open and would leave the command, and the request waiting on it, pending for as
 * long as TCP takes to notice: requests under way are bounded per node, so they must all end.
 */
export const COMMAND_TIMEOUT_MS = 2000;

const failFast: RedisOptions = { ...base, enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: COMMAND_TIMEOUT_MS };
const subscriber: RedisOptions = { ...base, enableOfflineQueue: true, maxRetriesPerRequest: null, autoResubscribe: true };

export function openRedis(options: RedisConnectionOptions): RedisConnections {
  const { url, nodeId, log } = options;
  const open = (role: string, settings: RedisOptions) =>
    watchErrors(new Redis(url, { ...settings, connectionName: `hoard:${nodeId}:${role}` }), role, log);
  const clients = { command: open("command", failFast), pub: open("pub", failFast), sub: open("sub", subscriber) };
  const all = Object.values(clients);
  /** Connections opened for a part (`open`): closed with the others, not part of `up`. */
  const extra: Redis[] = [];

  const listeners = { up: new Set<() => void>(), down: new Set<() => void>() };
  let up = false;
  let closed = false;
  const set = (next: boolean) => {
    if (next === up || closed) return;
    up = next;
    options.onStatus?.(up);
    if (up) log.info("redis up: pub/sub and commands are working");
    else log.warn("redis down: pushes from other nodes are not received and rate limits are per node until it is back");
    for (const listener of listeners[up ? "up" : "down"]) listener();
  };

  // A subscriber is useful only once its subscriptions are in place. ioredis renews them as
  // it becomes ready (before this runs: status events come on the next tick), and Redis
  // answers a connection's commands in order, so a PING's reply on the same connection
  // confirms them. A reply from an earlier connection of the subscriber proves nothing.
  const allReady = () => all.every((client) => client.status === "ready");
  let subConnection = 0;
  let confirming = false;
  const check = () => {
    if (closed || confirming || !allReady()) return;
    confirming = true;
    const connection = subConnection;
    const settle = (ok: boolean) => {
      confirming = false;
      if (connection !== subConnection) check();
      else if (ok && allReady()) set(true);
    };
    clients.sub.ping().then(
      () => settle(true),
      () => settle(false),
    );
  };
  clients.sub.on("ready", () => {
    subConnection++;
  });
  for (const client of all) {
    client.on("ready", check);
    client.on("close", () => set(false));
  }

  const on = (event: "up" | "down", listener: () => void) => {
    listeners[event].add(listener);
    return () => {
      listeners[event].delete(listener);
    };
  };

  return {
    ...clients,
    get up() {
      return up;
    },
    on,
    whenUp(timeoutMs) {
      if (up) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          stop();
          resolve(false);
        }, timeoutMs);
        const stop = on("up", () => {
          clearTimeout(timer);
          stop();
          resolve(true);
        });
      });
    },
    open(role, settings) {
      const client = open(role, { ...base, ...settings });
      extra.push(client);
      return client;
    },
    async close() {
      closed = true;
      await Promise.all(
        [...all, ...extra].map(async (client) => {
          if (client.status !== "ready") {
            client.disconnect();
            return;
          }
          await client.quit().catch(() => client.disconnect());
        }),
      );
    },
  };
}

/**
 * Without an 'error' listener ioredis errors would crash the process. The first error after a
 * connection was fine is a warning; the reconnect attempts that follow repeat it, so they go
 * to debug until the connection is ready again.
 */
function watchErrors(client: Redis, role: string, log: Logger): Redis {
  let reported = false;
  client.on("error", (error: Error) => {
    if (reported) log.debug({ redis: role, err: error }, "redis error");
    else log.warn({ redis: role, err: error }, "redis error; reconnecting");
    reported = true;
  });
  client.on("ready", () => {
    reported = false;
  });
  return client;
}
