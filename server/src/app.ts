import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { Actions } from "./actions";
import { signingSecret } from "./auth/dev-secret";
import { TokenService } from "./auth/tokens";
import { cartActions, shopActions } from "./cart/actions";
import { CartService } from "./cart/service";
import { ShopService } from "./cart/shop-service";
import { refundToSupply } from "./cart/supply";
import { clusterActions } from "./cluster/actions";
import { ClusterPubSub } from "./cluster/adapter";
import { nodeCards } from "./cluster/node-card";
import { redisRateLimiters } from "./cluster/rate-limit-redis";
import { openRedis, type RedisConnections } from "./cluster/redis";
import type { Config } from "./config";
import { ExpirySweeper } from "./expiry/sweeper";
import { inventoryActions, inventoryTopic } from "./inventory/actions";
import { InventoryService } from "./inventory/service";
import { itemActions } from "./items/actions";
import { ItemService } from "./items/service";
import { createLogger, type Logger } from "./log";
import { lootActions } from "./loot/actions";
import { LootService } from "./loot/service";
import { areaTopic, presenceActions } from "./presence/actions";
import { openPresenceRegistry } from "./presence/open";
import { PresenceService } from "./presence/service";
import { listenFailure, redisUnreachable } from "./startup";
import { stockActions, stockTopicSources } from "./stock/actions";
import { stockImportRoute } from "./stock/routes";
import { StockService } from "./stock/service";
import { openEmbeddedStore } from "./store/open";
import type { Store } from "./store/port";
import { subscriptionActions } from "./subscriptions/actions";
import { economyActions, tradeActions, tradeTopic } from "./trade/actions";
import { EconomyService } from "./trade/economy";
import { TradeService } from "./trade/service";
import { ConnectionDirectory, connectionActions } from "./transport/connections";
import { Dispatcher } from "./transport/dispatch";
import { createHttpApp } from "./transport/http";
import { Metrics } from "./transport/metrics";
import { PushHub } from "./transport/push-hub";
import { RateLimits } from "./transport/rate-classes";
import { TokenBuckets } from "./transport/rate-limit";
import { RefusalLog } from "./transport/refusal-log";
import { restRoutes } from "./transport/rest-routes";
import { createSocketServer, type HoardIo } from "./transport/socket";
import { version } from "./version";

export interface HoardApp {
  readonly config: Config;
  readonly log: Logger;
  readonly store: Store;
  readonly tokens: TokenService;
  readonly io: HoardIo;
  readonly httpServer: HttpServer;
  /** The node's Redis connections when REDIS_URL is set (for parts that keep state in Redis). */
  readonly redis: RedisConnections | undefined;
  /** True when no HOARD_SECRET was given and a generated one is in use. */
  readonly devMode: boolean;
  /** In dev mode, where the generated secret is kept (absent for an in-memory database). */
  readonly devSecretFile: string | undefined;
  /**
   * Starts listening; resolves to the base URL (port 0 picks a free port). Rejects with a
   * ConfigError saying what to fix when Redis does not answer within 5 s or the port or host is unusable.
   */
  listen(): Promise<string>;
  /** Graceful shutdown: refuse new work, finish what is under way, close sockets and the store. */
  close(): Promise<void>;
}

/** How long listen() waits for Redis before it gives up starting (a supervisor starts the node again). */
const REDIS_START_WAIT_MS = 5000;

export interface AppOverrides {
  store?: Store;
  log?: Logger;
  consoleDir?: string;
  /**
   * The node's clock (ms since the epoch) for expiring units: the store it opens stamps commits
   * with it, reads hide lots past it, the sweep follows it. Tests inject one; a store passed in
   * brings its own.
   */
  now?: () => number;
}

/**
 * The composition root: builds every part from explicit dependencies. It never reads the
 * environment; main.ts does, and hands over a validated Config.
 */
export function createApp(config: Config, overrides: AppOverrides = {}): HoardApp {
  const log = overrides.log ?? createLogger({ nodeId: config.nodeId, level: config.logLevel });
  const signing = signingSecret(config);
  const tokens = new TokenService(signing.secret);
  const now = overrides.now ?? Date.now;
  const store = overrides.store ?? openEmbeddedStore(config, now);
  const metrics = new Metrics(config.nodeId);
  const redis = config.redisUrl ? openRedis({ url: config.redisUrl, nodeId: config.nodeId, log }) : undefined;
  // Only the dependencies this node is configured with are reported (metrics, /health, /ready).
  if (redis) metrics.dependencyUp("redis", "1 while every Redis connection is ready and subscribed", () => redis.up);
  if (store.reachable !== undefined)
    metrics.dependencyUp("mongo", "1 while MongoDB has a server that takes writes", () => store.reachable !== false);
  /**
   * The state of every configured dependency a node needs to serve as part of the cluster: /health
   * shows it, and /ready is 503 while any is down (a silent island otherwise).
   */
  const dependencies = (): Record<string, "up" | "down"> => {
    const state = (up: boolean) => (up ? "up" : "down");
    return {
      ...(redis ? { redis: state(redis.up) } : {}),
      ...(store.reachable !== undefined ? { mongo: state(store.reachable) } : {}),
      ...(presenceRegistry.engine === "redis" ? { areaPushes: state(presenceRegistry.hearsChanges) } : {}),
    };
  };
  const anyDown = (states: Record<string, "up" | "down">) => Object.values(states).includes("down");
  const limits = new RateLimits({
    rates: { standard: config.rateLimit, strict: config.rateLimit.strict },
    limiter: redis
      ? redisRateLimiters({ redis: redis.command, log, onFallback: () => metrics.rateLimitFallbacks.inc() })
      : (_, rate) => new TokenBuckets(rate.perSecond, rate.burst),
  });
  const pubsub = redis
    ? new ClusterPubSub({ redis, kind: config.redisAdapter, log, onPublishFailure: () => metrics.redisPublishFailures.inc() })
    : undefined;
  const startedAt = Date.now();

  const httpServer = createServer();
  // Built before the services, attached to the socket server below once that exists.
  const pushes = new PushHub({ metrics, clustered: redis !== undefined });
  const connections = new ConnectionDirectory();

  const items = new ItemService(store);
  const loot = new LootService({ store, items });
  const inventory = new InventoryService({
    store,
    items,
    loot,
    publisher: pushes,
    limits: config.playerLimits,
    now,
    // Called only when a trade is reversed, long after `trades` is made.
    tradeOf: (entry) => trades.reversalOf(entry),
    refundOf: refundToSupply,
  });
  const carts = new CartService({ store, publisher: pushes, limits: config.playerLimits, maxReservationMs: config.maxReservationMs });
  const shop = new ShopService({ store, items });
  const trades = new TradeService({
    store,
    items,
    publisher: pushes,
    log,
    imbalanceThreshold: config.trade.imbalanceThreshold,
    limits: config.playerLimits,
  });
  const economy = new EconomyService({ store, imbalanceThreshold: config.trade.imbalanceThreshold });
  const presenceRegistry = openPresenceRegistry(config, log, redis);
  const cards = nodeCards({
    nodeId: config.nodeId,
    version,
    store: store.engine,
    startedAt,
    connections: () => connections.count(),
    totals: () => metrics.totals,
    ...(redis ? { redisUp: () => redis.up } : {}),
  });
  const presence = new PresenceService({
    card: () => JSON.stringify(cards.next()),
    registry: presenceRegistry,
    history: store.presenceHistory,
    pushes,
    settings: config.presence,
    log,
  });
  /** Whether this node sends area popularity pushes (Redis engine: only while it hears other nodes' changes). */
  const stock = new StockService({ stock: store.stock, publisher: pushes, log, importBatchRows: config.stockImportBatch });
  const actions: Actions = {
    ...itemActions(items),
    ...lootActions(loot),
    ...inventoryActions(inventory),
    ...cartActions(carts),
    ...shopActions(shop),
    ...tradeActions(trades),
    ...economyActions(economy),
    ...presenceActions(presence),
    ...stockActions(stock),
    ...clusterActions({
      nodeId: config.nodeId,
      nodeTtlMs: config.presence.nodeTtlMs,
      localCard: () => cards.latest(),
      ...(presenceRegistry.engine === "redis" ? { liveCards: () => presence.liveNodes() } : {}),
      sockets: (playerId) => connections.socketsOf(playerId),
    }),
    ...connectionActions(connections, log),
    ...subscriptionActions(
      { inventory: inventoryTopic(inventory), trades: tradeTopic(trades, store), area: areaTopic(presence), ...stockTopicSources(stock) },
      config.maxSubscriptions,
    ),
  };
  const refusals = new RefusalLog(log);
  const dispatcher = new Dispatcher({ actions, log, metrics, limits, refusals });

  const http = createHttpApp({
    routes: restRoutes,
    streamRoutes: [stockImportRoute(stock)],
    dispatcher,
    tokens,
    metrics,
    log,
    version,
    maxPayloadBytes: config.maxPayloadBytes,
    consoleDir: overrides.consoleDir ?? fileURLToPath(new URL("../../web-console/dist", import.meta.url)),
    health: () => {
      const states = dependencies();
      return {
        // A node that lost a dependency still serves its own clients: degraded, not down (/ready says 503).
        status: anyDown(states) ? "degraded" : "ok",
        nodeId: config.nodeId,
        version,
        store: store.engine,
        presence: presence.engine,
        uptime: (Date.now() - startedAt) / 1000,
        ...states,
      };
    },
    ready: () => {
      const states = dependencies();
      const ready = httpServer.listening && !dispatcher.isClosing && !anyDown(states);
      // The body names the area-push subscription; Redis and MongoDB are named in /health.
      return { ready, ...(states.areaPushes ? { areaPushes: states.areaPushes } : {}) };
    },
  });
  httpServer.on("request", http);
  // After express: engine.io takes over the request listeners already there and passes them
  // what is not under /socket.io/. Attached before, express would answer 404 to long-polling.
  const io = createSocketServer(
    httpServer,
    { ...config, adapter: pubsub?.adapter() },
    {
      tokens,
      dispatcher,
      refusals,
      log,
      metrics,
      onDisconnect: (principal, connectionId) => {
        if (principal.role === "player") presence.disconnected(principal.sub, connectionId);
      },
    },
  );
  pushes.attach(io);
  connections.attach(io);
  pubsub?.attach(io);
  presence.start();

  const housekeeping = setInterval(() => {
    limits.sweep();
    store
      .pruneOpResults(new Date(Date.now() - config.opResultTtlMs))
      .catch((error: unknown) => log.error({ err: error }, "pruning op results failed"));
  }, 60_000);
  housekeeping.unref();
  const stopTradeSweep = trades.startExpirySweep(config.trade.expirySweepMs);
  const stopExpirySweep = new ExpirySweeper({ store, publisher: pushes, log, now }).start(config.expirySweepMs);

  let closing: Promise<void> | undefined;
  return {
    config,
    log,
    store,
    tokens,
    io,
    httpServer,
    redis,
    devMode: signing.devMode,
    devSecretFile: signing.devSecretFile,
    listen: async () => {
      // Subscribers that connect before the adapter is subscribed would miss other nodes' pushes,
      // and a node that never reached Redis would serve as an island: refuse to start instead.
      if (redis) {
        let lastError: unknown;
        const remember = (error: unknown) => {
          lastError = error;
        };
        redis.command.on("error", remember);
        const up = await redis.whenUp(REDIS_START_WAIT_MS);
        redis.command.off("error", remember);
        if (!up) throw redisUnreachable(config.redisUrl ?? "", REDIS_START_WAIT_MS, lastError);
      }
      // Likewise area popularity: a change made before the registry hears changes is pushed to no
      // one. Redis is up by now, so this wait is short; the subscription keeps retrying after it.
      const heard = await settlesWithin(presenceRegistry.whenListening(), REDIS_START_WAIT_MS);
      if (!heard)
        log.error({ waitedMs: REDIS_START_WAIT_MS }, "listening before presence hears area changes: popularity pushes start once it does");
      return new Promise<string>((resolve, reject) => {
        httpServer.once("error", (error) => reject(listenFailure(error, config)));
        httpServer.listen(config.port, config.host, () => {
          const { port } = httpServer.address() as AddressInfo;
          const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
          const url = `http://${host}:${port}`;
          log.info({ port, url, store: store.engine, devMode: signing.devMode }, "listening");
          resolve(url);
        });
      });
    },
    close: () => {
      closing ??= (async () => {
        clearInterval(housekeeping);
        stopTradeSweep();
        stopExpirySweep();
        // Stop taking new connections, let the requests under way finish, then hang up.
        const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        await dispatcher.drain(config.shutdownTimeoutMs);
        io.disconnectSockets(true);
        await io.close().catch(() => {});
        httpServer.closeAllConnections();
        await stopped;
        await presence.close();
        cards.close();
        await redis?.close();
        await store.close();
        refusals.close();
        log.info("closed");
      })();
      return closing;
    },
  };
}

/** True when `promise` settles within `ms`, false when the wait ran out first (the timer is cleared). */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const settled = () => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(settled, settled);
  });
}
