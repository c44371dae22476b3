import type { ResyncHint } from "@hoard/protocol";
import { createAdapter, createShardedAdapter } from "@socket.io/redis-adapter";
import type { Redis } from "ioredis";
import type { Logger } from "../log";
import type { HoardIo } from "../transport/socket";
import type { RedisConnections } from "./redis";

export type AdapterKind = "classic" | "sharded";

/** The prefix of every adapter channel, so Hoard may share a Redis with other apps. */
const CHANNEL_PREFIX = "hoard";

/** A resync hint asks each client to read again within this many ms per connected client, at most MAX. */
const SPREAD_MS_PER_CLIENT = 1;
const MAX_SPREAD_MS = 5_000;

/**
 * The Socket.IO Redis adapter, and what makes its at-most-once delivery safe to lose.
 *
 * A push is lost when this node cannot publish it (Redis away: the adapter still delivers it
 * to this node's own subscribers) or when another node's subscriber connection is down while
 * it is published. Clients notice a lost push at the next one (a gap in seq) and resync; this
 * covers the case where no next push comes. Each time the connections are back `up`:
 * - this node's clients are told to resync (`resync` hint): their node may have missed
 *   pushes from other nodes while it was cut off;
 * - if a publish failed on this node meanwhile, every client on every node is told, since
 *   any of them may have missed that push.
 * Clients resync instead of reconnecting, so a Redis blip does not end their connections
 * (presence is bound to them).
 */
export class ClusterPubSub {
  private io: HoardIo | undefined;
  private publishFailed = false;

  constructor(
    private readonly deps: {
      redis: RedisConnections;
      kind: AdapterKind;
      log: Logger;
      /** Told about every push that could not be published. */
      onPublishFailure?: () => void;
    },
  ) {
    deps.redis.on("up", () => this.recovered());
  }

  /** The adapter factory for `new Server(http, { adapter })`. */
  adapter() {
    const pub = guardCalls(this.deps.redis.pub, publishing, (error) => {
      if (!this.publishFailed)
        this.deps.log.warn({ err: error }, "a push could not be published to Redis; clients will resync when it is back");
      this.publishFailed = true;
      this.deps.onPublishFailure?.();
    });
    // Subscriptions wait in the offline queue while Redis is away; should one ever fail
    // (the connection closed for good), its rejection must not end the process either.
    const sub = guardCalls(this.deps.redis.sub, subscribing, (error) => this.deps.log.debug({ err: error }, "redis subscription dropped"));
    // Sharded pub/sub in "static" mode: one channel per namespace, not one per room. In the
    // per-room ("dynamic") mode a join subscribes to a channel without waiting for Redis, so
    // sub:subscribe could read the topic's seq before pushes from other nodes reach it.
    return this.deps.kind === "sharded"
      ? createShardedAdapter(pub, sub, { channelPrefix: CHANNEL_PREFIX, subscriptionMode: "static" })
      : createAdapter(pub, sub, { key: CHANNEL_PREFIX });
  }

  /** Called once the socket server exists. */
  attach(io: HoardIo): void {
    this.io = io;
  }

  private recovered(): void {
    const io = this.io;
    if (!io) return;
    const hint: ResyncHint = {
      reason: "pubsub-recovered",
      spreadMs: Math.min(MAX_SPREAD_MS, io.engine.clientsCount * SPREAD_MS_PER_CLIENT),
    };
    const everywhere = this.publishFailed;
    this.publishFailed = false;
    if (everywhere) io.emit("resync", hint);
    else io.local.emit("resync", hint);
    this.deps.log.info({ clients: io.engine.clientsCount, everywhere }, "pub/sub recovered: clients told to resync");
  }
}

const publishing: ReadonlySet<PropertyKey> = new Set(["publish", "spublish"]);
const subscribing: ReadonlySet<PropertyKey> = new Set([
  "subscribe",
  "psubscribe",
  "ssubscribe",
  "unsubscribe",
  "punsubscribe",
  "sunsubscribe",
]);

/**
 * The adapters call these methods and drop the promise: a rejection (Redis away, or the
 * connection closed at shutdown) would be unhandled and end the process. This view of the
 * client catches it and tells `onFailure`.
 */
function guardCalls(client: Redis, methods: ReadonlySet<PropertyKey>, onFailure: (error: unknown) => void): Redis {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (!methods.has(property) || typeof value !== "function") return value;
      return (...args: unknown[]) =>
        (value.apply(target, args) as Promise<unknown>).catch((error: unknown) => {
          onFailure(error);
          return 0;
        });
    },
  });
}
