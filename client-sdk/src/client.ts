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
  type PushMessage,
  type ServerToClientEvents,
  type StoredItem,
} from "@hoard/protocol";
import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";
import { newOpId } from "./op-id";
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
const retryable: ReadonlySet<ErrorCode> = new Set(["SERVER_SHUTTING_DOWN", "STORE_UNAVAILABLE", "RATE_LIMITED", "CLIENT_TIMEOUT"]);

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
  private closed = false;

  constructor(url: string, options: ConnectOptions) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.retries = options.retries ?? 3;
    const token = options.token;
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
    let lastError: HoardError = new HoardError("CLIENT_TIMEOUT");
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
    throw lastError;
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

  /**
   * The same as `onResync` (kept for existing callers; it also fires on the node's hint).
   *
   * @example
   * hoard.onReconnect(() => console.log("back, and caught up"));
   */
  onReconnect(handler: () => void): () => void {
    return this.onResync(handler);
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
    await Promise.all(
      [...this.topics.keys()].map((topic) =>
        this.call("sub:subscribe", { topic }).catch(() => {
          // The topic is no longer allowed or gone: its watchers learn it when they resync.
        }),
      ),
    );
    this.notifyResync();
  }

  private notifyResync(): void {
    if (this.closed) return;
    for (const handler of this.resyncHandlers) handler();
  }
}
