import { hostname } from "node:os";
import { MAX_RESERVATION_MS } from "@hoard/protocol";
import { MIN_SECRET_LENGTH } from "@hoard/protocol/tokens";
import { z } from "zod";

/**
 * How far one player's state may grow (HOARD_PLAYER_MAX_*, HOARD_INVENTORY_MAX_STACKS). Every
 * change of a player's holdings (inventory ops, kits, trades, checkout) goes through `applyOps`,
 * so these hold on every path and engine. A batch is refused only when it grows what is over a
 * limit: a state over a lowered limit can still shrink. They are configuration, so they live
 * here: config.ts imports nothing of the server, and every part may read it.
 */
export interface StateLimits {
  /** Inventories (categories) per player. */
  categories: number;
  /** Stacks per inventory. */
  stacks: number;
  /** Metrics per player, over all its inventories. */
  metrics: number;
  /**
   * The player's state as stored (JSON without the cart, which has limits of its own), in
   * bytes: a commit writes it whole, and a MongoDB document must stay under 16 MiB.
   */
  stateBytes: number;
  /** Distinct expiry lots per player, over all its stacks (each is also bounded per stack). */
  expiryLots: number;
}

export const DEFAULT_STATE_LIMITS: Readonly<StateLimits> = {
  categories: 1000,
  stacks: 1000,
  metrics: 1000,
  stateBytes: 256 * 1024,
  expiryLots: 1000,
};

const Int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const csv = z.string().transform((value) =>
  value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0),
);

/**
 * Every setting Hoard reads from the environment, validated at start. The names of PORT,
 * HOST, HOARD_DB, REDIS_URL, MONGODB_URL and HOARD_SECRET are fixed by the design; the rest
 * are Hoard's own. README.md lists them all.
 */
const ConfigSchema = z.object({
  PORT: Int(0, 65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  HOARD_DB: z.string().min(1).default("./data/hoard.db"),
  HOARD_SQLITE_SYNCHRONOUS: z.enum(["OFF", "NORMAL", "FULL", "EXTRA"]).default("FULL"),
  HOARD_SQLITE_PLAYER_CACHE: Int(0, 1_000_000).default(1000),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" }).optional(),
  HOARD_REDIS_ADAPTER: z.enum(["classic", "sharded"]).default("classic"),
  MONGODB_URL: z.string().startsWith("mongodb").optional(),
  // MongoDB's rules for a database name, kept to a portable subset.
  HOARD_MONGO_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, "letters, digits, _ and -, ≤ 63")
    .default("hoard"),
  HOARD_MONGO_CONFLICT_BUDGET_MS: Int(0, 600_000).default(5000),
  HOARD_MONGO_WRITE_TIMEOUT_MS: Int(100, 600_000).default(10_000),
  HOARD_MONGO_ANALYTICS_TIMEOUT_MS: Int(100, 3_600_000).default(30_000),
  HOARD_MONGO_ANALYTICS_READ: z.enum(["primary", "secondaryPreferred"]).default("secondaryPreferred"),
  HOARD_MONGO_IMPORT_BATCH: Int(1, 100_000).default(1000),
  HOARD_SECRET: z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional(),
  HOARD_NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .optional(),
  HOARD_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HOARD_ALLOWED_ORIGINS: csv.default([]),
  HOARD_MAX_PAYLOAD_BYTES: Int(1024, 16 * 1024 * 1024).default(256 * 1024),
  HOARD_RATE_PER_SECOND: Int(1, 1_000_000).default(500),
  HOARD_RATE_BURST: Int(1, 1_000_000).default(1000),
  HOARD_RATE_STRICT_PER_SECOND: Int(1, 1_000_000).default(5),
  HOARD_RATE_STRICT_BURST: Int(1, 1_000_000).default(10),
  HOARD_MAX_SUBSCRIPTIONS: Int(1, 100_000).default(200),
  HOARD_MAX_BUFFERED_BYTES: Int(64 * 1024, 1024 * 1024 * 1024).default(16 * 1024 * 1024),
  HOARD_MAX_IN_FLIGHT: Int(1, 100_000).default(1024),
  HOARD_MAX_NODE_IN_FLIGHT: Int(1, 1_000_000).default(256),
  HOARD_OP_RESULT_TTL_HOURS: Int(1, 24 * 365).default(24),
  HOARD_SHUTDOWN_TIMEOUT_MS: Int(0, 600_000).default(10_000),
  HOARD_TRADE_IMBALANCE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
  HOARD_TRADE_EXPIRY_SWEEP_MS: Int(100, 3_600_000).default(5000),
  HOARD_PRESENCE_EVENT_TTL_SECONDS: Int(1, 7 * 86_400).default(300),
  HOARD_PRESENCE_EVENT_ID_WINDOW_SECONDS: Int(1, 86_400).default(600),
  HOARD_PRESENCE_NODE_TTL_SECONDS: Int(2, 600).default(5),
  HOARD_PRESENCE_SAMPLE_SECONDS: Int(1, 86_400).default(60),
  HOARD_PRESENCE_HISTORY_DAYS: Int(1, 3650).default(7),
  HOARD_STOCK_IMPORT_BATCH: Int(1, 1_000_000).default(16_384),
  HOARD_PLAYER_MAX_CATEGORIES: Int(1, 100_000).default(DEFAULT_STATE_LIMITS.categories),
  HOARD_INVENTORY_MAX_STACKS: Int(1, 100_000).default(DEFAULT_STATE_LIMITS.stacks),
  HOARD_PLAYER_MAX_METRICS: Int(0, 100_000).default(DEFAULT_STATE_LIMITS.metrics),
  // At most 8 MiB: a MongoDB document (the state plus the cart) must stay under 16 MiB.
  HOARD_PLAYER_MAX_STATE_BYTES: Int(1024, 8 * 1024 * 1024).default(DEFAULT_STATE_LIMITS.stateBytes),
  HOARD_PLAYER_MAX_EXPIRY_LOTS: Int(0, 100_000).default(DEFAULT_STATE_LIMITS.expiryLots),
  HOARD_EXPIRY_SWEEP_MS: Int(50, 3_600_000).default(1000),
  HOARD_CART_MAX_RESERVATION_MS: Int(1000, MAX_RESERVATION_MS).default(900_000),
});

type EnvConfig = z.infer<typeof ConfigSchema>;

export interface Config {
  port: number;
  host: string;
  nodeId: string;
  db: string;
  sqliteSynchronous: EnvConfig["HOARD_SQLITE_SYNCHRONOUS"];
  /** Parsed player states the embedded engine keeps (each checked by version when read). */
  sqlitePlayerCache: number;
  redisUrl: string | undefined;
  /** Socket.IO Redis adapter: classic pub/sub, or sharded pub/sub (Redis 7+). */
  redisAdapter: EnvConfig["HOARD_REDIS_ADAPTER"];
  mongoUrl: string | undefined;
  /** The database of the MongoDB engine. */
  mongoDatabase: string;
  /** The MongoDB engine's time limits, retry budget, analytics reads and import transaction size. */
  mongoTuning: {
    conflictBudgetMs: number;
    writeTimeoutMs: number;
    analyticsTimeoutMs: number;
    analyticsRead: EnvConfig["HOARD_MONGO_ANALYTICS_READ"];
    importBatchRows: number;
  };
  secret: string | undefined;
  logLevel: EnvConfig["HOARD_LOG_LEVEL"];
  allowedOrigins: string[];
  maxPayloadBytes: number;
  /** Per player; `strict` is for the classes of events that move value (trades, checkout). */
  rateLimit: { perSecond: number; burst: number; strict: { perSecond: number; burst: number } };
  maxSubscriptions: number;
  /** Outgoing bytes a connection may leave unread before it is closed. */
  maxBufferedBytes: number;
  /** Requests of one connection under way at once; more are refused. */
  maxInFlight: number;
  /** Socket requests of every connection under way at once; more wait, unparsed, for their turn. */
  maxNodeInFlight: number;
  opResultTtlMs: number;
  shutdownTimeoutMs: number;
  /** Executed trades above this imbalance are suspicious; lapsed offers are settled every sweepMs. */
  trade: { imbalanceThreshold: number; expirySweepMs: number };
  presence: {
    /** A game server's LOGIN lasts this long unless another LOGIN for the user refreshes it. */
    eventTtlMs: number;
    /** Event ids are remembered at least this long (at most twice). */
    eventIdWindowMs: number;
    /** Redis engine: a node whose heartbeat is older than this is reaped. */
    nodeTtlMs: number;
    sampleMs: number;
    historyMs: number;
  };
  /** Rows (key days) per transaction of a stock import. */
  stockImportBatch: number;
  /** How far one player's state may grow. */
  playerLimits: StateLimits;
  /** How often a node ends what is past its time: expiry lots and cart holds (expiry/sweeper.ts). */
  expirySweepMs: number;
  /** The longest a cart line may hold limited units. */
  maxReservationMs: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Reads and validates the configuration; the error names every bad variable and its value. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = ConfigSchema.safeParse(nonEmpty(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `${name}=${shownValue(name, env[name])}: ${issue.message}`;
    });
    // One line, like every start-up failure: each bad variable, its value and what is wrong.
    throw new ConfigError(`Invalid configuration (README.md, Configuration): ${lines.join("; ")}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    nodeId: e.HOARD_NODE_ID ?? `${hostname().replace(/[^A-Za-z0-9_.-]/g, "-")}-${process.pid}`,
    db: e.HOARD_DB,
    sqliteSynchronous: e.HOARD_SQLITE_SYNCHRONOUS,
    sqlitePlayerCache: e.HOARD_SQLITE_PLAYER_CACHE,
    redisUrl: e.REDIS_URL,
    redisAdapter: e.HOARD_REDIS_ADAPTER,
    mongoUrl: e.MONGODB_URL,
    mongoDatabase: e.HOARD_MONGO_DB,
    mongoTuning: {
      conflictBudgetMs: e.HOARD_MONGO_CONFLICT_BUDGET_MS,
      writeTimeoutMs: e.HOARD_MONGO_WRITE_TIMEOUT_MS,
      analyticsTimeoutMs: e.HOARD_MONGO_ANALYTICS_TIMEOUT_MS,
      analyticsRead: e.HOARD_MONGO_ANALYTICS_READ,
      importBatchRows: e.HOARD_MONGO_IMPORT_BATCH,
    },
    secret: e.HOARD_SECRET,
    logLevel: e.HOARD_LOG_LEVEL,
    allowedOrigins: e.HOARD_ALLOWED_ORIGINS,
    maxPayloadBytes: e.HOARD_MAX_PAYLOAD_BYTES,
    rateLimit: {
      perSecond: e.HOARD_RATE_PER_SECOND,
      burst: e.HOARD_RATE_BURST,
      strict: { perSecond: e.HOARD_RATE_STRICT_PER_SECOND, burst: e.HOARD_RATE_STRICT_BURST },
    },
    maxSubscriptions: e.HOARD_MAX_SUBSCRIPTIONS,
    maxBufferedBytes: e.HOARD_MAX_BUFFERED_BYTES,
    maxInFlight: e.HOARD_MAX_IN_FLIGHT,
    maxNodeInFlight: e.HOARD_MAX_NODE_IN_FLIGHT,
    opResultTtlMs: e.HOARD_OP_RESULT_TTL_HOURS * 3_600_000,
    shutdownTimeoutMs: e.HOARD_SHUTDOWN_TIMEOUT_MS,
    trade: { imbalanceThreshold: e.HOARD_TRADE_IMBALANCE_THRESHOLD, expirySweepMs: e.HOARD_TRADE_EXPIRY_SWEEP_MS },
    presence: {
      eventTtlMs: e.HOARD_PRESENCE_EVENT_TTL_SECONDS * 1000,
      eventIdWindowMs: e.HOARD_PRESENCE_EVENT_ID_WINDOW_SECONDS * 1000,
      nodeTtlMs: e.HOARD_PRESENCE_NODE_TTL_SECONDS * 1000,
      sampleMs: e.HOARD_PRESENCE_SAMPLE_SECONDS * 1000,
      historyMs: e.HOARD_PRESENCE_HISTORY_DAYS * 86_400_000,
    },
    stockImportBatch: e.HOARD_STOCK_IMPORT_BATCH,
    playerLimits: {
      categories: e.HOARD_PLAYER_MAX_CATEGORIES,
      stacks: e.HOARD_INVENTORY_MAX_STACKS,
      metrics: e.HOARD_PLAYER_MAX_METRICS,
      stateBytes: e.HOARD_PLAYER_MAX_STATE_BYTES,
      expiryLots: e.HOARD_PLAYER_MAX_EXPIRY_LOTS,
    },
    expirySweepMs: e.HOARD_EXPIRY_SWEEP_MS,
    maxReservationMs: e.HOARD_CART_MAX_RESERVATION_MS,
  };
}

/** The error reaches logs: never show a secret, nor the password inside a URL. */
export function shownValue(name: string, value: string | undefined): string {
  if (name === "HOARD_SECRET") return `<${value?.length ?? 0} characters, hidden>`;
  return JSON.stringify(value?.replace(/\/\/([^/@\s]*)@/, "//<credentials hidden>@"));
}

/** An empty or blank variable counts as unset, as shells and compose files often leave them. */
function nonEmpty(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== "") out[key] = value;
  }
  return out;
}
