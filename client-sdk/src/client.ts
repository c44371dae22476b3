import {
  type ClientEventName,
  type EventInput,
  type EventOutput,
  type OpIdEvent,
  type PushMessage,
  takesOpId,
} from "@hoard/protocol/client";
import type { ManagerOptions, SocketOptions } from "socket.io-client";
import { AreaWatch } from "./area-watch.js";
import type { BackoffOptions } from "./backoff.js";
import { Caller, type CallOptions } from "./calls.js";
import { cartApi, shopApi } from "./cart-api.js";
import {
  Connection,
  type ConnectionEvents,
  type ConnectionStatus,
  type DisconnectInfo,
  type HoardSocket,
  resolveToken,
  type TokenSource,
} from "./connection.js";
import { inventoryApi, playersApi } from "./inventory-api.js";
import { itemsApi, kitsApi } from "./items-api.js";
import { lootApi } from "./loot-api.js";
import { fetchHealth, fetchMetrics } from "./node-status.js";
import { newOpId } from "./op-id.js";
import { Outbox, type OutboxStorage } from "./outbox.js";
import { presenceApi } from "./presence-api.js";
import { stockApi } from "./stock-api.js";
import { economyApi, tradesApi } from "./trades.js";
import { PlayerWatch } from "./watch.js";

export type { HoardSocket } from "./connection.js";

export interface ConnectOptions {
  /**
   * A JWT, or a function that returns one, called before every (re)connect: hand it your
   * game's token endpoint and the client rides through token expiry. A connection refused for
   * its token calls it once more; refused again, the client closes with that error
   * (AUTH_TOKEN_EXPIRED, AUTH_UNAUTHENTICATED).
   */
  token: TokenSource;
  /** How long a call waits for its ack before it is sent again (default 5000 ms). */
  timeoutMs?: number;
  /**
   * How many times a call is sent again after a timeout or a retryable error (default 3). A
   * call's whole time, waits for the connection included, is `timeoutMs × (retries + 1)`.
   */
  retries?: number;
  /** Waits between connection attempts, for as long as the client is open (default 250 ms doubling to 2 s, jittered). */
  reconnect?: BackoffOptions;
  /** How long one connection attempt may take (default `timeoutMs`). */
  connectTimeoutMs?: number;
  /**
   * Opt-in offline outbox: every mutation is stored before it is sent and delivered exactly once,
   * in order per player, however long the node is away, also by a later client (after a reload)
   * opening the same storage. See `hoard.outbox`.
   */
  outbox?: { storage: OutboxStorage /** Default 1000; beyond it mutations fail with CLIENT_OUTBOX_FULL. */; maxEntries?: number };
  /** Extra Socket.IO client options (transports default to websocket only; reconnection is the SDK's own). */
  socket?: Partial<ManagerOptions & SocketOptions>;
}

/** Options of a mutation: the opId makes a retried call apply once. */
export interface MutationOptions {
  /** Idempotency key; made for you when omitted. Pass your own to retry across restarts. */
  opId?: string;
}

/** What `call` sends: the event's payload, where a mutation's opId may be left out (one is made). */
export type CallInput<E extends ClientEventName> = E extends OpIdEvent ? Omit<EventInput<E>, "opId"> & { opId?: string } : EventInput<E>;

type PushHandler = (message: PushMessage) => void;

/**
 * Connects to a Hoard node and resolves once connected. Rejects with a HoardError when the first
 * attempt fails: CLIENT_UNREACHABLE (the node is down or cannot be reached) or the node's refusal
 * (AUTH_UNAUTHENTICATED, AUTH_TOKEN_EXPIRED…). To start while the node may be away (an offline
 * outbox), make the client with `new HoardClient(url, options)`: it keeps trying.
 *
 * @example
 * import { connect } from "@hoard/client-sdk";
 * const hoard = await connect("http://localhost:3000", { token: () => fetchMyToken() });
 * const { player } = await hoard.players.get("alice");
 */
export async function connect(url: string, options: ConnectOptions): Promise<HoardClient> {
  const client = new HoardClient(url, options);
  try {
    await new Promise<void>((resolve, reject) => {
      const stop = client.on("connectError", reject);
      client.ready.then(resolve, reject).finally(stop);
    });
  } catch (error) {
    client.close();
    throw error;
  }
  return client;
}

/**
 * A typed client for game code, game servers and the console. Every call resolves to the
 * ack's data or throws a HoardError carrying the registry code. It stays connected for as long
 * as it is open: after a restart, a crash, a network cut or a token expiry it connects again,
 * subscribes again, logs its presence in again and resyncs every watch.
 */
export class HoardClient {
  readonly socket: HoardSocket;
  /** Resolves when first connected; rejects when closed before (e.g. the token was refused). */
  readonly ready: Promise<void>;
  /** The offline outbox (when `outbox` was given): list, await and cancel what is pending. */
  readonly outbox: Outbox | undefined;
  private readonly connection: Connection;
  /** A token for the node's HTTP endpoints that want one (`/metrics`): the given one, or a fresh one. */
  private readonly token: () => Promise<string>;
  private readonly caller: Caller;
  private readonly topics = new Map<string, Set<PushHandler>>();
  private readonly resyncHandlers = new Set<() => void>();

  constructor(
    /** The node's base URL, as given to `connect`. */
    readonly url: string,
    options: ConnectOptions,
  ) {
    const timeoutMs = options.timeoutMs ?? 5000;
    this.token = () => resolveToken(options.token);
    this.connection = new Connection(url, {
      token: options.token,
      connectTimeoutMs: options.connectTimeoutMs ?? timeoutMs,
      backoff: options.reconnect ?? {},
      socket: options.socket ?? {},
      // Rooms do not survive a reconnect: subscribe again, log in again, then let watchers resync.
      onConnect: (first) => (first ? Promise.resolve() : this.resubscribe()),
    });
    this.socket = this.connection.socket;
    this.ready = this.connection.ready;
    this.caller = new Caller(this.connection, timeoutMs, options.retries ?? 3);
    this.outbox = options.outbox
      ? new Outbox(
          options.outbox.storage,
          (entry, beforeSend) => this.caller.deliver(entry.event, entry.input, beforeSend),
          options.outbox.maxEntries ?? 1000,
        )
      : undefined;
    this.connection.on("status", (status) => {
      if (status === "connected") this.notifyResync();
      else if (status === "closed") this.outbox?.close();
    });
    this.socket.on("push", (message) => {
      for (const handler of this.topics.get(message.topic) ?? []) handler(message);
    });
    // The node was cut from the other nodes' pushes for a while (Redis was away): the topics
    // are still subscribed, but what was pushed meanwhile never came. Read again, at a random
    // moment within the spread the node asks for, so its clients do not all read at once.
    this.socket.on("resync", (hint) => {
      const spreadMs = Math.min(Math.max(0, Number(hint?.spreadMs) || 0), 60_000);
      setTimeout(() => this.notifyResync(), Math.random() * spreadMs);
    });
  }

  /** `connecting`, `connected`, `reconnecting` or `closed`; `on("status")` tells each change. */
  get status(): ConnectionStatus {
    return this.connection.status;
  }

  /** Why the last connection ended (undefined while the first one lasts). */
  get lastDisconnect(): DisconnectInfo | undefined {
    return this.connection.lastDisconnect;
  }

  /**
   * Connection events: `status` at every change, `connectError` at every failed attempt.
   * Returns a function that removes the listener.
   * @example
   * hoard.on("status", (status) => {
   *   if (status === "reconnecting") showBanner(`reconnecting (${hoard.lastDisconnect?.reason})`);
   * });
   */
  on<K extends keyof ConnectionEvents>(event: K, listener: ConnectionEvents[K]): () => void {
    return this.connection.on(event, listener);
  }

  /**
   * Sends one event and resolves to its ack's data. A mutation (the event table's flag) gets its
   * opId here, the one place that fills it for every SDK method: the payload's own, else
   * `options.opId`, else a fresh one. Mutations wait for the connection while it is away and are
   * sent again after a lost ack, with the same payload (so the same opId), within
   * `timeoutMs × (retries + 1)`; with an outbox, those with an opId go through it. Reads fail at
   * once with CLIENT_OFFLINE while disconnected unless `waitForConnection` is set.
   * @example const { player } = await hoard.call("players:get", { playerId: "alice" }, { waitForConnection: true });
   * @example await hoard.call("cart:clear", { playerId: "alice" }, { opId: savedOpId });
   */
  call<E extends ClientEventName>(event: E, input: CallInput<E>, options: CallOptions & MutationOptions = {}): Promise<EventOutput<E>> {
    if (!takesOpId(event)) return this.caller.call(event, input as EventInput<E>, options);
    const payload = { ...input, opId: (input as { opId?: string }).opId ?? options.opId ?? newOpId() };
    if (this.outbox) return this.outbox.push(event, payload) as Promise<EventOutput<E>>;
    return this.caller.call(event, payload as EventInput<E>, options);
  }

  /**
   * Sends a mutation with the caller's opId or a fresh one (the same as `call`, typed for the
   * events that carry an opId).
   * @example await hoard.mutate("cart:clear", { playerId: "alice" }, { opId: savedOpId });
   */
  mutate<E extends OpIdEvent>(event: E, input: Omit<EventInput<E>, "opId">, options: MutationOptions = {}): Promise<EventOutput<E>> {
    return this.call(event, input as CallInput<E>, options);
  }

  /** Item definitions, content-addressed: fetched once, then served from memory forever. */
  readonly items = itemsApi(this);
  /** Named bundles of items and currency given to new players of a class. */
  readonly kits = kitsApi(this);
  /** Loot tables (content-addressed) and the replay of a logged draw; draw with `inventory.grantLoot`. */
  readonly loot = lootApi(this);
  readonly players = playersApi(this);
  /** Atomic batches of operations on a player (grant, consume, move, credit…), and its op log. */
  readonly inventory = inventoryApi(this);

  /** Offers, direct trades, trade history and live trade feeds (client-sdk/src/trades.ts). */
  readonly trades = tradesApi(this);
  /** Economy analytics and the suspicious-trade feed (admin). */
  readonly economy = economyApi(this);

  /**
   * The player's shop cart. Each line is offered at the shop's current price (see
   * `shop.list`); every change is a versioned commit of the player, pushed to its watchers.
   */
  readonly cart = cartApi(this);

  /** The shop catalog: everyone reads it; `server` and `admin` tokens set prices and sales. */
  readonly shop = shopApi(this);
  private readonly presenceSession = presenceApi(this);
  /** Presence: this player's login (bound to the connection), game servers' events, stats and history. */
  readonly presence = this.presenceSession.api;

  /**
   * Live popularity of an area: its stats now, then every newer push (coalesced by the server,
   * at most about 4 a second, each with the whole mode list).
   *
   * @example
   * const area = await hoard.watchArea("eu-west");
   * area.on("change", (stats) => render(stats.modes));
   * // later: area.close();
   */
  async watchArea(areaCode: string): Promise<AreaWatch> {
    const watch = new AreaWatch(this, areaCode);
    await watch.start();
    return watch;
  }

  /** The cluster as the nodes report it through their heartbeats (`admin` or `viewer` token). */
  readonly cluster = {
    /**
     * Every live node (with Redis; without it, the node answering): version, uptime,
     * connections, events and refusals per second, event-loop lag, store, Redis state.
     * @example const { nodes, source } = await hoard.cluster.nodes();
     */
    nodes: () => this.call("cluster:nodes", {}),
    /**
     * A player's connections on every node.
     * @example const { sockets } = await hoard.cluster.sockets("alice"); // [{ nodeId, transport, connectedAt, topics }]
     */
    sockets: (playerId: string) => this.call("cluster:sockets", { playerId }),
  };

  /** The node this client talks to, over plain HTTP (what operators and the console read). */
  readonly node = {
    /** @example const { nodeId, version, uptime } = await hoard.node.health(); */
    health: () => fetchHealth(this.url),
    /** @example const connections = (await hoard.node.metrics()).find((s) => s.name === "hoard_connections"); */
    metrics: async () => fetchMetrics(this.url, await this.token()),
  };

  /**
   * Stock ledger (`server` or `admin` token): per-day counters per key, split in named
   * partitions. Days are `YYYY-MM-DD`, ranges inclusive (≤ 3660 days).
   */
  readonly stock = stockApi(this);

  /**
   * Live state of a player: a snapshot, then every committed change in order. On a gap in the
   * sequence or after a reconnect it resyncs from the op log (or a snapshot), so it never
   * shows a state that skips a change.
   *
   * @example
   * const live = await hoard.watch("alice");
   * live.on("change", (entry, state) => console.log(entry.version, state.wallet));
   * // later: live.close();
   */
  async watch(playerId: string): Promise<PlayerWatch> {
    const watch = new PlayerWatch(this, playerId);
    await watch.start();
    return watch;
  }

  /**
   * Low-level: receive the pushes of a topic; resubscribed after every reconnect.
   * Resolves to the topic's current sequence number and a function that unsubscribes.
   */
  async subscribe(topic: string, handler: PushHandler): Promise<{ seq: number; unsubscribe: () => Promise<void> }> {
    const handlers = this.topics.get(topic) ?? new Set();
    handlers.add(handler);
    this.topics.set(topic, handlers);
    try {
      const { seq } = await this.call("sub:subscribe", { topic });
      return { seq, unsubscribe: () => this.unsubscribe(topic, handler) };
    } catch (error) {
      handlers.delete(handler);
      if (handlers.size === 0) this.topics.delete(topic);
      throw error;
    }
  }

  /**
   * Called whenever pushes may have been missed, so a watcher reads its topic again: after
   * every reconnect (once the topics are subscribed again), and when the node says it lost
   * pushes (its Redis pub/sub was away for a while).
   *
   * @example
   * const stop = hoard.onResync(() => void reloadMyView());
   * // later: stop();
   */
  onResync(handler: () => void): () => void {
    this.resyncHandlers.add(handler);
    return () => this.resyncHandlers.delete(handler);
  }

  /** Closes the connection for good; calls still waiting fail with CLIENT_CLOSED (outbox entries stay stored). */
  close(): void {
    this.connection.close();
  }

  private async unsubscribe(topic: string, handler: PushHandler): Promise<void> {
    const handlers = this.topics.get(topic);
    if (!handlers?.delete(handler) || handlers.size > 0) return;
    this.topics.delete(topic);
    // Offline, the topic is simply not subscribed again at the next connect.
    if (this.socket.connected) await this.call("sub:unsubscribe", { topic }).catch(() => {});
  }

  private async resubscribe(): Promise<void> {
    await Promise.all([
      ...[...this.topics.keys()].map((topic) =>
        this.call("sub:subscribe", { topic }).catch(() => {
          // The topic is no longer allowed or gone: its watchers learn it when they resync.
        }),
      ),
      this.presenceSession.relogin(),
    ]);
  }

  private notifyResync(): void {
    if (this.status === "closed") return;
    for (const handler of this.resyncHandlers) handler();
  }
}
