import {
  type Ack,
  type ClientEventName,
  type ClientToServerEvents,
  type ErrorCode,
  type EventInput,
  type EventOutput,
  HoardError,
  type InventoryOp,
  type ItemDefinition,
  type Kit,
  type PresenceEvent,
  type PushMessage,
  type ServerToClientEvents,
  type StockNegativePush,
  type StockPush,
  type StoredItem,
  topicOf,
} from "@hoard/protocol";
import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";
import { AreaWatch } from "./area-watch";
import { fetchHealth, fetchMetrics } from "./node-status";
import { newOpId } from "./op-id";
import { economyApi, tradesApi } from "./trades";
import { PlayerWatch } from "./watch";

export interface ConnectOptions {
  /** A JWT, or a function that returns a fresh one (called on every (re)connect). */
  token: string | (() => string | Promise<string>);
  /** How long a call waits for its ack before it is sent again (default 5000 ms). */
  timeoutMs?: number;
  /** How many times a call is sent again after a timeout or a retryable error (default 3). */
  retries?: number;
  /** Extra Socket.IO client options (transports default to websocket only). */
  socket?: Partial<ManagerOptions & SocketOptions>;
}

/** Options of a mutation: the opId makes a retried call apply once. */
export interface MutationOptions {
  /** Idempotency key; made for you when omitted. Pass your own to retry across restarts. */
  opId?: string;
}

export type HoardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type PushHandler = (message: PushMessage) => void;

/** Errors worth sending the same request again for (same opId, so it still applies once). */
const retryable: ReadonlySet<ErrorCode> = new Set([
  "SERVER_SHUTTING_DOWN",
  "STORE_UNAVAILABLE",
  "PRESENCE_UNAVAILABLE",
  "RATE_LIMITED",
  "CLIENT_TIMEOUT",
]);

/**
 * Connects to a Hoard node and resolves once the handshake is accepted.
 *
 * @example
 * import { connect } from "@hoard/client-sdk";
 * const hoard = await connect("http://localhost:3000", { token });
 * const { player } = await hoard.players.get("alice");
 */
export async function connect(url: string, options: ConnectOptions): Promise<HoardClient> {
  const client = new HoardClient(url, options);
  await client.ready;
  return client;
}

/**
 * A typed client for game code, game servers and the console. Every call resolves to the
 * ack's data or throws a HoardError carrying the registry code.
 */
export class HoardClient {
  readonly socket: HoardSocket;
  /** Resolves when first connected; rejects with the server's reason (e.g. AUTH_UNAUTHENTICATED). */
  readonly ready: Promise<void>;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly topics = new Map<string, Set<PushHandler>>();
  private readonly resyncHandlers = new Set<() => void>();
  private readonly itemCache = new Map<string, StoredItem>();
  /** The last presence login, sent again on every reconnect (a new connection holds no presence). */
  private presenceLogin: EventInput<"presence:login"> | undefined;
  private closed = false;
  /** The token as given: a string, or the function that makes a fresh one. */
  private readonly token: () => Promise<string>;

  constructor(
    /** The node's base URL, as given to `connect`. */
    readonly url: string,
    options: ConnectOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.retries = options.retries ?? 3;
    const token = options.token;
    this.token = async () => (typeof token === "function" ? token() : token);
    this.socket = io(url, {
      transports: ["websocket"],
      ...options.socket,
      auth: (callback) => {
        Promise.resolve(typeof token === "function" ? token() : token).then(
          (value) => callback({ token: value }),
          () => callback({}),
        );
      },
    });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once("connect", () => resolve());
      this.socket.once("connect_error", (error) => {
        const data = (error as { data?: { code?: string; message?: string } }).data;
        this.socket.close();
        reject(data?.code ? HoardError.fromWire({ code: data.code as ErrorCode, message: data.message ?? error.message }) : error);
      });
    });
    // Rooms do not survive a reconnect: subscribe again, then let watchers resync.
    let connectedBefore = false;
    this.socket.on("connect", () => {
      if (!connectedBefore) {
        connectedBefore = true;
        return;
      }
      void this.resubscribe();
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

  /**
   * Sends one event and resolves to its ack's data. A timeout or a retryable error sends the
   * same payload again (same opId), up to `retries` times.
   */
  async call<E extends ClientEventName>(event: E, input: EventInput<E>): Promise<EventOutput<E>> {
    // Built only when an attempt fails: an Error captures a stack, too dear for every call.
    let lastError: HoardError | undefined;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (this.closed) throw new HoardError("CLIENT_CLOSED");
      let reply: Ack<EventOutput<E>>;
      try {
        const timed = this.socket.timeout(this.timeoutMs) as unknown as {
          emitWithAck(event: string, input: unknown): Promise<Ack<EventOutput<E>>>;
        };
        reply = await timed.emitWithAck(event, input);
      } catch {
        lastError = new HoardError("CLIENT_TIMEOUT", `no ack for ${event} within ${this.timeoutMs} ms`);
        continue;
      }
      if (reply.ok) return reply.data;
      lastError = HoardError.fromWire(reply.error);
      if (!retryable.has(lastError.code)) throw lastError;
      const wait = (reply.error.details as { retryAfterMs?: number } | undefined)?.retryAfterMs ?? 50 * 2 ** attempt;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    throw lastError ?? new HoardError("CLIENT_TIMEOUT");
  }

  /** Item definitions, content-addressed: fetched once, then served from memory forever. */
  readonly items = {
    /** @example const { item } = await hoard.items.create({ name: "Potion", value: 5 }); */
    create: (definition: ItemDefinition) => this.call("items:create", { definition }),
    /** @example const potion = await hoard.items.get(itemId); */
    get: async (id: string): Promise<StoredItem> => {
      const cached = this.itemCache.get(id);
      if (cached) return cached;
      const item = await this.call("items:get", { id });
      this.itemCache.set(id, item);
      return item;
    },
    /** @example const { items, next } = await hoard.items.list({ limit: 50 }); */
    list: (page: EventInput<"items:list"> = {}) => this.call("items:list", page),
  };

  readonly kits = {
    /** @example await hoard.kits.put({ name: "warrior", currencies: { gold: 100 } }); */
    put: (kit: Kit) => this.call("kits:put", { kit }),
    /** @example const { kit } = await hoard.kits.get("warrior"); */
    get: (name: string) => this.call("kits:get", { name }),
    /** @example const { kits } = await hoard.kits.list(); */
    list: () => this.call("kits:list", {}),
  };

  readonly players = {
    /** @example const { player } = await hoard.players.create({ id: "alice", class: "warrior" }); */
    create: (fields: Omit<EventInput<"players:create">, "opId"> = {}, options: MutationOptions = {}) =>
      this.call("players:create", { ...fields, opId: options.opId ?? newOpId() }),
    /** @example const { player } = await hoard.players.get("alice"); */
    get: (playerId: string) => this.call("players:get", { playerId }),
    /** @example const { players, next } = await hoard.players.list({ prefix: "a" }); */
    list: (page: EventInput<"players:list"> = {}) => this.call("players:list", page),
  };

  readonly inventory = {
    /**
     * Applies a batch of operations atomically: all of them or none.
     * @example
     * await hoard.inventory.apply("alice", [
     *   { type: "debit", currency: "gold", amount: 50 },
     *   { type: "grant", category: "bag", itemId, quantity: 1 },
     * ], { expectedVersion: 7 });
     */
    apply: (playerId: string, ops: InventoryOp[], options: MutationOptions & { expectedVersion?: number } = {}) =>
      this.call("inventory:apply", {
        playerId,
        ops,
        opId: options.opId ?? newOpId(),
        ...(options.expectedVersion === undefined ? {} : { expectedVersion: options.expectedVersion }),
      }),
    /** @example await hoard.inventory.grant("alice", { category: "bag", itemId, quantity: 3 }); */
    grant: (playerId: string, stack: { category: string; itemId: string; quantity: number }, options?: MutationOptions) =>
      this.inventory.apply(playerId, [{ type: "grant", ...stack }], options),
    /** @example await hoard.inventory.consume("alice", { category: "bag", itemId, quantity: 1 }); */
    consume: (playerId: string, stack: { category: string; itemId: string; quantity: number }, options?: MutationOptions) =>
      this.inventory.apply(playerId, [{ type: "consume", ...stack }], options),
    /** @example await hoard.inventory.move("alice", { from: "bag", to: "equipment.weapons", itemId, quantity: 1 }); */
    move: (playerId: string, move: { from: string; to: string; itemId: string; quantity: number }, options?: MutationOptions) =>
      this.inventory.apply(playerId, [{ type: "move", ...move }], options),
    /** @example await hoard.inventory.credit("alice", "gold", 100); */
    credit: (playerId: string, currency: string, amount: number, options?: MutationOptions) =>
      this.inventory.apply(playerId, [{ type: "credit", currency, amount }], options),
    /** @example await hoard.inventory.debit("alice", "gold", 30); */
    debit: (playerId: string, currency: string, amount: number, options?: MutationOptions) =>
      this.inventory.apply(playerId, [{ type: "debit", currency, amount }], options),
    /** @example const { inventories } = await hoard.inventory.list("alice", "equipment"); */
    list: (playerId: string, prefix?: string) => this.call("inventory:list", { playerId, ...(prefix === undefined ? {} : { prefix }) }),
    /** @example const { entries } = await hoard.inventory.history("alice", { sinceVersion: 0 }); */
    history: (playerId: string, range: { sinceVersion?: number; limit?: number } = {}) =>
      this.call("inventory:history", { playerId, ...range }),
  };

  /** Offers, direct trades, trade history and live trade feeds (client-sdk/src/trades.ts). */
  readonly trades = tradesApi(this);
  /** Economy analytics and the suspicious-trade feed (admin). */
  readonly economy = economyApi(this);

  /**
   * The player's shop cart. Each line is offered at the shop's current price (see
   * `shop.list`); every change is a versioned commit of the player, pushed to its watchers.
   */
  readonly cart = {
    /** @example const { cart, totals } = await hoard.cart.get("alice"); */
    get: (playerId: string) => this.call("cart:get", { playerId }),
    /**
     * Adds an item at its current price; an item already in the cart adds to its count.
     * Refused with CART_PRICE_CHANGED (details hold the current price) when the offer is not it.
     * @example await hoard.cart.add("alice", { itemId, offeredPrice: 50, itemCount: 2 });
     */
    add: (playerId: string, line: Omit<EventInput<"cart:add">, "playerId" | "opId">, options: MutationOptions = {}) =>
      this.call("cart:add", { ...line, playerId, opId: options.opId ?? newOpId() }),
    /** @example await hoard.cart.update("alice", itemId, 1); // 0 removes the line */
    update: (playerId: string, itemId: string, itemCount: number, options: MutationOptions = {}) =>
      this.call("cart:update", { playerId, itemId, itemCount, opId: options.opId ?? newOpId() }),
    /** @example await hoard.cart.remove("alice", itemId); */
    remove: (playerId: string, itemId: string, options: MutationOptions = {}) =>
      this.call("cart:remove", { playerId, itemId, opId: options.opId ?? newOpId() }),
    /** @example await hoard.cart.clear("alice"); */
    clear: (playerId: string, options: MutationOptions = {}) => this.call("cart:clear", { playerId, opId: options.opId ?? newOpId() }),
    /**
     * Pays for the whole cart and receives its items in one atomic step; resolves to the receipt.
     * A repeat with the same opId returns the same receipt and charges once.
     * @example const { order } = await hoard.cart.checkout("alice"); console.log(order.totals.gold);
     */
    checkout: (playerId: string, options: MutationOptions = {}) =>
      this.call("cart:checkout", { playerId, opId: options.opId ?? newOpId() }),
    /** @example const { orders, next } = await hoard.cart.orders("alice", { limit: 20 }); */
    orders: (playerId: string, page: Omit<EventInput<"cart:orders">, "playerId"> = {}) => this.call("cart:orders", { playerId, ...page }),
  };

  /** The shop catalog: everyone reads it; `server` and `admin` tokens set prices and sales. */
  readonly shop = {
    /**
     * @example
     * await hoard.shop.put({ itemId, currency: "gold", price: 50,
     *   sale: { price: 40, expiresAt: "2026-12-26T00:00:00Z" } });
     */
    put: (entry: EventInput<"shop:put">) => this.call("shop:put", entry),
    /** @example const { entries } = await hoard.shop.list({ itemId }); const price = entries[0]?.current.price; */
    list: (query: EventInput<"shop:list"> = {}) => this.call("shop:list", query),
    /** @example await hoard.shop.remove(itemId, "gold"); */
    remove: (itemId: string, currency?: string) => this.call("shop:remove", { itemId, ...(currency === undefined ? {} : { currency }) }),
  };
  readonly presence = {
    /**
     * Counts this player (a `player` token) in an area and mode, bound to this connection: a
     * login elsewhere moves it, closing the connection ends it. Sent again after a reconnect.
     * @example await hoard.presence.login("eu-west", "battle_royale");
     */
    login: async (areaCode: string, mode: string) => {
      const reply = await this.call("presence:login", { areaCode, mode });
      this.presenceLogin = { areaCode, mode };
      return reply;
    },
    /** @example const { ended } = await hoard.presence.logout(); */
    logout: () => {
      this.presenceLogin = undefined;
      return this.call("presence:logout", {});
    },
    /**
     * A game server (`server` token) reports its players' LOGIN/LOGOUT events, up to 1000 at a
     * time, applied in order. Pass your own `eventId`s to stay idempotent across restarts;
     * missing ones are made here (so the SDK's own retries still count once).
     * @example
     * await hoard.presence.ingest([
     *   { eventId: "gs1-000042", userId: "alice", areaCode: "eu-west", mode: "duel", event: "LOGIN" },
     * ]);
     */
    ingest: (events: Array<Omit<PresenceEvent, "eventId"> & { eventId?: string }>) =>
      this.call("presence:ingest", { events: events.map((event) => ({ ...event, eventId: event.eventId ?? newOpId() })) }),
    /** @example const { modes, total } = await hoard.presence.stats("eu-west"); */
    stats: (areaCode: string) => this.call("presence:stats", { areaCode }),
    /** @example const { areas } = await hoard.presence.areas({ limit: 10 }); */
    areas: (options: EventInput<"presence:areas"> = {}) => this.call("presence:areas", options),
    /** @example const { samples } = await hoard.presence.history("eu-west", { since: "2025-01-01T00:00:00Z" }); */
    history: (areaCode: string, range: Omit<EventInput<"presence:history">, "areaCode"> = {}) =>
      this.call("presence:history", { areaCode, ...range }),
  };

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
  readonly stock = {
    /**
     * Adds `amount` units to one partition (default `default`) on every day of the range.
     * @example await hoard.stock.acquire("supplier1/component12/unit3", { from: "2025-01-01", to: "2025-12-31", amount: 10, partition: "p0" });
     */
    acquire: (key: string, change: Omit<EventInput<"stock:acquire">, "key" | "opId">, options: MutationOptions = {}) =>
      this.call("stock:acquire", { key, ...change, opId: options.opId ?? newOpId() }),
    /**
     * Takes `amount` (default 1) from every day of the range, all days or none: a day short of
     * it refuses the sale with STOCK_INSUFFICIENT (details: the days short). With
     * `allowNegative` the sale is applied anyway and a `stock:negative` push is raised.
     * @example
     * try {
     *   await hoard.stock.sell("supplier1/component12/unit3", { from: "2025-03-01", to: "2025-03-07" });
     * } catch (error) {
     *   if (error instanceof HoardError && error.code === "STOCK_INSUFFICIENT") console.log(error.details);
     * }
     */
    sell: (key: string, sale: Omit<EventInput<"stock:sell">, "key" | "opId">, options: MutationOptions = {}) =>
      this.call("stock:sell", { key, ...sale, opId: options.opId ?? newOpId() }),
    /**
     * Every day of the range gets exactly these partitions (the others are removed).
     * @example await hoard.stock.setPartitions("supplier1/component12/unit3", { from: "2025-01-01", to: "2025-01-31", partitions: { p0: 5, p1: 5 } });
     */
    setPartitions: (key: string, change: Omit<EventInput<"stock:setPartitions">, "key" | "opId">, options: MutationOptions = {}) =>
      this.call("stock:setPartitions", { key, ...change, opId: options.opId ?? newOpId() }),
    /** @example const { version, days } = await hoard.stock.read("supplier1/component12/unit3", { from: "2025-01-01", to: "2025-01-31" }); */
    read: (key: string, range: { from: string; to: string }) => this.call("stock:read", { key, ...range }),
    /** @example const { keys, next } = await hoard.stock.list({ prefix: "supplier1", from: "2025-01-01", to: "2025-01-14" }); */
    list: (query: EventInput<"stock:list">) => this.call("stock:list", query),
    /**
     * Pushes of one key (`{ key }`) or of every key under a prefix (`{ prefix }`, "" = all).
     * Each push's `seq` is its key's version: apply a `stock` push whose seq is one above the
     * version you hold for that key, re-read the key on a gap.
     * @example
     * const { unsubscribe } = await hoard.stock.subscribe({ prefix: "supplier1" }, (push) => {
     *   if (push.type === "stock") grid.update(push.key, push.from, push.totals);
     * });
     */
    subscribe: (target: { key: string } | { prefix: string }, handler: (push: StockPush | StockNegativePush) => void) =>
      this.subscribe("key" in target ? topicOf("stock", target.key) : topicOf("stockprefix", target.prefix), (message) => {
        if (message.type === "stock" || message.type === "stock:negative") handler(message);
      }),
  };

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

  /** Closes the connection; calls still waiting fail with CLIENT_CLOSED. */
  close(): void {
    this.closed = true;
    this.socket.close();
  }

  private async unsubscribe(topic: string, handler: PushHandler): Promise<void> {
    const handlers = this.topics.get(topic);
    if (!handlers?.delete(handler) || handlers.size > 0) return;
    this.topics.delete(topic);
    if (this.socket.connected) await this.call("sub:unsubscribe", { topic });
  }

  private async resubscribe(): Promise<void> {
    const login = this.presenceLogin;
    await Promise.all([
      ...[...this.topics.keys()].map((topic) =>
        this.call("sub:subscribe", { topic }).catch(() => {
          // The topic is no longer allowed or gone: its watchers learn it when they resync.
        }),
      ),
      ...(login ? [this.call("presence:login", login).catch(() => {})] : []),
    ]);
    this.notifyResync();
  }

  private notifyResync(): void {
    if (this.closed) return;
    for (const handler of this.resyncHandlers) handler();
  }
}
