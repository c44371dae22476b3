import { createHash, randomUUID } from "node:crypto";
import { HoardError } from "@hoard/protocol";
import type { Redis } from "ioredis";
import { COMMAND_TIMEOUT_MS, type RedisConnections } from "../cluster/redis";
import type { Logger } from "../log";
import { endSessionScript, expireScript, ingestScript, loginScript, reapScript, statsScript } from "./redis-scripts";
import type { AreaCounts, AreaOverview, IngestEvent, PresenceRegistry, RegistrySettings } from "./registry";
import { type ModeCount, sortModes } from "./rules";

export interface RedisRegistryOptions extends RegistrySettings {
  /** The node's Redis connections (cluster/redis.ts): presence shares the subscriber and opens its command connection there. */
  redis: Pick<RedisConnections, "sub" | "open">;
  /** This node's id: connections are owned as s:<nodeId>:<socketId>, and reaped by it. */
  nodeId: string;
  /** A node whose heartbeat is older than this is dead: the survivors reap its sessions. */
  nodeTtlMs: number;
  log: Logger;
  /** Key prefix; keep the `{…}` hash tag so every key sits in one slot. */
  prefix?: string;
}

/** How many users one script call reaps or expires, so no call holds Redis for long. */
const CHUNK = 1000;

/**
 * The Redis engine, for many nodes. Every change is one Lua script (redis-scripts.ts), atomic
 * across nodes. Each node refreshes a heartbeat key (TTL = node TTL) every second and checks
 * the others'; a node whose key expired is dead, and the first survivor to notice ends the
 * presences its connections held. Counts converge at most node TTL + 1 s (the heartbeat
 * period) + one push interval after a crash: ≤ 6.3 s with the defaults, stated as ≤ 10 s.
 *
 * Changed areas come back to every node over pub/sub, so each node pushes to its own
 * subscribers whichever node made the change.
 */
export class RedisRegistry implements PresenceRegistry {
  readonly engine = "redis" as const;
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly prefix: string;
  private readonly listeners = new Set<(areaCodes: readonly string[]) => void>();
  private beaten = false;
  /** The id of the Redis data set this node last beat into (see heartbeat). */
  private epoch: string | null = null;
  private closed = false;
  /** The subscription to area changes is in place on the subscriber's current connection. */
  private subscribed = false;
  private everSubscribed = false;
  /** Counts the subscriber's connections, so a late confirmation of an old one is ignored. */
  private subscriberConnection = 0;
  private readonly firstSubscription: Promise<void>;
  private resolveFirstSubscription: () => void = () => {};

  constructor(private readonly options: RedisRegistryOptions) {
    this.prefix = options.prefix ?? "hoard:{presence}:";
    // Fail a command after one reconnect attempt rather than queueing it for long: callers get
    // PRESENCE_UNAVAILABLE and the SDK retries (logins and events are idempotent).
    this.redis = options.redis.open("presence", { enableOfflineQueue: true, maxRetriesPerRequest: 1, commandTimeout: COMMAND_TIMEOUT_MS });
    // The node's subscriber waits for Redis as long as it takes: the SUBSCRIBE stays queued
    // until a connection is ready (with one retry it failed for good when the node started
    // before Redis, and area pushes never started), and ioredis renews it on every reconnect.
    this.subscriber = options.redis.sub;
    this.subscriber.on("message", (channel: string, message: string) => {
      // The subscriber is shared (the Socket.IO adapter's channels come here too).
      if (channel !== this.channel) return;
      const areas = message.split(",");
      for (const listener of this.listeners) listener(areas);
    });
    this.firstSubscription = new Promise((resolve) => {
      this.resolveFirstSubscription = resolve;
    });
    this.subscriber.on("close", () => {
      this.subscribed = false;
    });
    this.subscriber.on("ready", () => {
      const connection = ++this.subscriberConnection;
      if (!this.everSubscribed) return;
      // ioredis sent the renewed SUBSCRIBE before this event; a PING answered after it on the
      // same connection confirms it.
      this.subscriber.ping().then(
        () => {
          if (connection === this.subscriberConnection) this.subscribed = true;
        },
        () => {},
      );
    });
    this.subscribe(false);
  }

  /** Subscribes to area changes, again and again until Redis accepts (an error reply, e.g. a refused ACL). */
  private subscribe(retrying: boolean): void {
    this.subscriber.subscribe(this.channel).then(
      () => {
        this.subscribed = true;
        this.everSubscribed = true;
        if (retrying) this.options.log.info("presence: subscribed to area changes; pushes start");
        this.resolveFirstSubscription();
      },
      (error: unknown) => {
        if (this.closed) return;
        const level = retrying ? "debug" : "warn";
        this.options.log[level](
          { err: error },
          "presence: subscribing to area changes failed; retrying every second, no area pushes until then",
        );
        setTimeout(() => this.subscribe(true), 1000).unref();
      },
    );
  }

  private get channel(): string {
    return `${this.prefix}changed`;
  }

  get hearsChanges(): boolean {
    return this.subscribed;
  }

  async login(input: { userId: string; areaCode: string; mode: string; connectionId: string; now: number }): Promise<void> {
    await this.run(loginScript, [input.now, input.userId, input.areaCode, input.mode, this.owner(input.connectionId)]);
  }

  async endSession(input: { userId: string; connectionId: string; now: number }): Promise<boolean> {
    return (await this.run(endSessionScript, [input.now, input.userId, this.owner(input.connectionId)])) === 1;
  }

  async ingest(events: readonly IngestEvent[], now: number): Promise<{ duplicates: number }> {
    const window = this.options.eventIdWindowMs;
    const args: Array<string | number> = [
      now,
      now + this.options.eventTtlMs,
      Math.floor(now / window),
      // A generation's set must outlive the next generation, which still checks it.
      Math.ceil((2 * window) / 1000) + 1,
    ];
    for (const event of events) args.push(event.key, event.userId, event.areaCode, event.mode, event.event === "LOGIN" ? "L" : "O");
    return { duplicates: Number(await this.run(ingestScript, args)) };
  }

  async expire(now: number): Promise<number> {
    let total = 0;
    for (;;) {
      const looked = Number(await this.run(expireScript, [now, CHUNK]));
      total += looked;
      if (looked < CHUNK) return total;
    }
  }

  async stats(areaCode: string): Promise<AreaCounts> {
    const reply = (await this.run(statsScript, [0, areaCode])) as string[];
    const [seq = "0", ...flat] = reply;
    const modes: ModeCount[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) modes.push({ mode: flat[i] as string, players: Number(flat[i + 1]) });
    const sorted = sortModes(modes);
    return { areaCode, modes: sorted, total: sorted.reduce((sum, entry) => sum + entry.players, 0), seq: Number(seq) };
  }

  async areas(limit: number): Promise<AreaOverview> {
    const replies = await this.guard(
      this.redis
        .multi()
        .zrevrange(`${this.prefix}t`, 0, limit - 1, "WITHSCORES")
        .zcard(`${this.prefix}t`)
        .hlen(`${this.prefix}u`)
        .exec(),
    );
    const [top, count, players] = (replies ?? []).map(([error, value]) => {
      if (error) throw new HoardError("PRESENCE_UNAVAILABLE", undefined, { cause: error });
      return value;
    }) as [string[], number, number];
    const areas: AreaOverview["areas"] = [];
    for (let i = 0; i + 1 < top.length; i += 2) areas.push({ areaCode: top[i] as string, players: Number(top[i + 1]) });
    // ZREVRANGE breaks ties by reverse code; the port promises ties by code.
    areas.sort((a, b) => b.players - a.players || (a.areaCode < b.areaCode ? -1 : a.areaCode > b.areaCode ? 1 : 0));
    return { areas, areaCount: count, players };
  }

  async heartbeat(now: number, card?: string): Promise<{ reaped: string[] }> {
    const self = this.options.nodeId;
    // A node starting under a name it had before reaps its own earlier life first.
    if (!this.beaten) await this.reapNode(self, now);
    const beat = await this.guard(
      this.redis
        .multi()
        .set(this.key("hb", self), card ?? String(now), "PX", this.options.nodeTtlMs)
        .sadd(`${this.prefix}nodes`, self)
        .smembers(`${this.prefix}nodes`)
        // An id for Redis's presence data set, made by the first node to beat into it. It changes
        // only when Redis lost its data (restarted empty), which must not read as this node
        // having been silent: its registration vanished with everything else.
        .set(`${this.prefix}epoch`, randomUUID(), "NX")
        .get(`${this.prefix}epoch`)
        .exec(),
    );
    const added = beat?.[1]?.[1];
    const nodes = (beat?.[2]?.[1] ?? []) as string[];
    const epoch = (beat?.[4]?.[1] ?? null) as string | null;
    if (this.beaten && this.epoch !== epoch) {
      this.options.log.warn(
        { nodeId: self },
        "presence: Redis lost the presence data (restarted empty?): counts start again from zero, players count again when they log in",
      );
    } else if (this.beaten && added === 1) {
      this.options.log.error(
        { nodeId: self },
        "presence: this node was silent longer than the node TTL and its sessions were reaped; its players count again when they log in",
      );
    }
    this.epoch = epoch;
    this.beaten = true;
    const others = nodes.filter((node) => node !== self);
    if (others.length === 0) return { reaped: [] };
    const pipeline = this.redis.pipeline();
    for (const node of others) pipeline.exists(this.key("hb", node));
    const alive = (await this.guard(pipeline.exec())) ?? [];
    const reaped: string[] = [];
    for (const [index, node] of others.entries()) {
      if (alive[index]?.[1] !== 0) continue;
      const count = await this.reapNode(node, now);
      this.options.log.warn({ deadNode: node, sessions: count }, "presence: reaped the sessions of a dead node");
      reaped.push(node);
    }
    return { reaped };
  }

  /** The heartbeat values of the registered nodes whose key has not expired (the value is the node's card). */
  async liveNodes(): Promise<string[]> {
    const nodes = (await this.guard(this.redis.smembers(`${this.prefix}nodes`))) ?? [];
    if (nodes.length === 0) return [];
    const cards = (await this.guard(this.redis.mget(nodes.map((node) => this.key("hb", node))))) ?? [];
    return cards.filter((card): card is string => card !== null);
  }

  async reapNode(nodeId: string, now: number): Promise<number> {
    let total = 0;
    const force = nodeId === this.options.nodeId ? "force" : "";
    for (;;) {
      const looked = Number(await this.run(reapScript, [now, nodeId, CHUNK, force]));
      if (looked < 0) return total;
      total += looked;
      if (looked < CHUNK) return total;
    }
  }

  whenListening(): Promise<void> {
    return this.firstSubscription;
  }

  onChange(listener: (areaCodes: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Graceful: this node's players are logged out now rather than reaped later. */
  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    try {
      await this.reapNode(this.options.nodeId, Date.now());
      await this.redis.multi().del(this.key("hb", this.options.nodeId)).srem(`${this.prefix}nodes`, this.options.nodeId).exec();
    } catch (error) {
      this.options.log.warn({ err: error }, "presence: could not log this node's players out; the survivors will reap them");
    }
    // The connections are the node's (closed with the others); only the subscription is ours.
    // UNSUBSCRIBE waits for Redis, and for ever when Redis is gone: it is not awaited.
    this.subscriber.unsubscribe(this.channel).catch(() => {});
  }

  private owner(connectionId: string): string {
    return `s:${this.options.nodeId}:${connectionId}`;
  }

  private key(kind: string, id: string): string {
    return `${this.prefix}${kind}:${id}`;
  }

  /** Runs a script by its SHA, loading it on first use (or after Redis forgot it). */
  private async run(script: string, args: ReadonlyArray<string | number>): Promise<unknown> {
    const argv = [this.prefix, ...args];
    const sha = shaOf(script);
    try {
      return await this.redis.evalsha(sha, 0, ...argv);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw unavailable(error);
      return this.guard(this.redis.eval(script, 0, ...argv));
    }
  }

  private async guard<T>(promise: Promise<T>): Promise<T> {
    try {
      return await promise;
    } catch (error) {
      throw unavailable(error);
    }
  }
}

const shas = new Map<string, string>();
function shaOf(script: string): string {
  let sha = shas.get(script);
  if (!sha) {
    sha = createHash("sha1").update(script).digest("hex");
    shas.set(script, sha);
  }
  return sha;
}

/**
 * Connection trouble is PRESENCE_UNAVAILABLE (retry later). An error Redis itself answered
 * (a script bug) is not: it goes up as it is and is reported as INTERNAL, its detail logged.
 */
function unavailable(error: unknown): unknown {
  if (error instanceof HoardError || (error instanceof Error && error.name === "ReplyError")) return error;
  return new HoardError("PRESENCE_UNAVAILABLE", undefined, { cause: error });
}
