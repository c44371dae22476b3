import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config";

const secret = (length: number) => "s".repeat(length);

/** Calls loadConfig and returns the ConfigError it throws. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("loadConfig", () => {
  it("fills every setting with its default when the environment is empty", () => {
    const config = loadConfig({});

    expect(config).toMatchObject({
      port: 3000,
      host: "0.0.0.0",
      db: "./data/hoard.db",
      sqliteSynchronous: "FULL",
      sqlitePlayerCache: 1000,
      redisUrl: undefined,
      mongoUrl: undefined,
      mongoDatabase: "hoard",
      secret: undefined,
      logLevel: "info",
      allowedOrigins: [],
      maxPayloadBytes: 256 * 1024,
      rateLimit: { perSecond: 500, burst: 1000 },
      maxSubscriptions: 200,
      opResultTtlMs: 24 * 3_600_000,
      shutdownTimeoutMs: 10_000,
    });
    expect(config.nodeId).toMatch(new RegExp(`^[A-Za-z0-9_.-]+-${process.pid}$`));
  });

  it("reads and converts what is set", () => {
    const config = loadConfig({
      PORT: "8080",
      HOARD_NODE_ID: "node-a",
      HOARD_ALLOWED_ORIGINS: " https://a.example , https://b.example,,",
      HOARD_OP_RESULT_TTL_HOURS: "2",
      HOARD_SQLITE_PLAYER_CACHE: "0",
      HOARD_SECRET: secret(32),
    });

    expect(config).toMatchObject({
      port: 8080,
      sqlitePlayerCache: 0,
      nodeId: "node-a",
      allowedOrigins: ["https://a.example", "https://b.example"],
      opResultTtlMs: 2 * 3_600_000,
      secret: secret(32),
    });
  });

  it("names the variable and its value when PORT is bad", () => {
    for (const port of ["http", "70000", "-1", "80.5"]) {
      expect(configError({ PORT: port }).message).toContain(`PORT=${JSON.stringify(port)}`);
    }
  });

  it("refuses a player cache size that is not a count", () => {
    for (const size of ["-1", "many", "2.5"]) {
      expect(configError({ HOARD_SQLITE_PLAYER_CACHE: size }).message).toContain(`HOARD_SQLITE_PLAYER_CACHE=${JSON.stringify(size)}`);
    }
  });

  it("names every bad variable at once", () => {
    const message = configError({ PORT: "nope", HOARD_LOG_LEVEL: "loud" }).message;

    expect(message).toContain('PORT="nope"');
    expect(message).toContain('HOARD_LOG_LEVEL="loud"');
  });

  it("treats an empty string as unset", () => {
    expect(loadConfig({ PORT: "", HOARD_SECRET: "", MONGODB_URL: "", HOARD_LOG_LEVEL: "" })).toMatchObject({
      port: 3000,
      secret: undefined,
      mongoUrl: undefined,
      logLevel: "info",
    });
  });

  it("reads the MongoDB database name and refuses one MongoDB could not name", () => {
    expect(loadConfig({ MONGODB_URL: "mongodb://db:27017/?replicaSet=rs0", HOARD_MONGO_DB: "hoard_eu-1" })).toMatchObject({
      mongoUrl: "mongodb://db:27017/?replicaSet=rs0",
      mongoDatabase: "hoard_eu-1",
    });
    for (const name of ["hoard.prod", "a/b", "x y", "$cmd", "d".repeat(64)]) {
      expect(configError({ HOARD_MONGO_DB: name }).message).toContain(`HOARD_MONGO_DB=${JSON.stringify(name)}`);
    }
  });

  it("refuses a HOARD_SECRET shorter than 32 characters without printing it", () => {
    const short = "hunter2-but-too-short";
    const message = configError({ HOARD_SECRET: short }).message;

    expect(message).toContain(`HOARD_SECRET=<${short.length} characters, hidden>`);
    expect(message).toContain("at least 32");
    expect(message).not.toContain(short);
    expect(loadConfig({ HOARD_SECRET: secret(32) }).secret).toBe(secret(32));
  });
});

describe("config errors never leak credentials", () => {
  it("hides the user and password of a bad URL", () => {
    expect(() => loadConfig({ REDIS_URL: "redis://admin:hunter2@[bad" })).toThrow(/REDIS_URL="redis:\/\/<credentials hidden>@\[bad"/);
    expect(() => loadConfig({ REDIS_URL: "redis://admin:hunter2@[bad" })).not.toThrow(/hunter2/);
  });

  it("treats a blank value as unset", () => {
    expect(loadConfig({ PORT: "  " }).port).toBe(3000);
  });

  it("reads the cluster settings: Redis, its adapter and the strict rate", () => {
    const config = loadConfig({
      REDIS_URL: "rediss://user:pw@redis.internal:6380/2",
      HOARD_REDIS_ADAPTER: "sharded",
      HOARD_RATE_STRICT_PER_SECOND: "2",
      HOARD_RATE_STRICT_BURST: "4",
    });

    expect(config).toMatchObject({
      redisUrl: "rediss://user:pw@redis.internal:6380/2",
      redisAdapter: "sharded",
      rateLimit: { perSecond: 500, burst: 1000, strict: { perSecond: 2, burst: 4 } },
    });
    expect(loadConfig({})).toMatchObject({ redisAdapter: "classic", rateLimit: { strict: { perSecond: 5, burst: 10 } } });
  });

  it("refuses a REDIS_URL that is not redis:// or rediss://, and an unknown adapter", () => {
    expect(configError({ REDIS_URL: "http://redis:6379" }).message).toContain(
      'REDIS_URL="http://redis:6379": must be a redis:// or rediss:// URL',
    );
    expect(configError({ HOARD_REDIS_ADAPTER: "cluster" }).message).toContain('HOARD_REDIS_ADAPTER="cluster"');
  });
});
