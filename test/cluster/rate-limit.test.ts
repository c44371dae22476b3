import { redisRateLimiters } from "@hoard/server/internal/cluster/rate-limit-redis";
import { type RateClass, RateLimits } from "@hoard/server/internal/transport/rate-classes";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { type Cluster, type ClusterNode, startCluster } from "../support/cluster";
import { describeCluster } from "../support/describe-cluster";
import { type RedisServer, startRedis } from "../support/redis";
import { connectRaw, newOpId, type RawClient } from "../support/server";

describeCluster("cluster: a player's rate limit is shared by every node (HOARD_RATE_PER_SECOND=1, HOARD_RATE_BURST=4)", () => {
  let cluster: Cluster;
  const sockets: RawClient[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2, env: { HOARD_RATE_PER_SECOND: "1", HOARD_RATE_BURST: "4" } });
    const game = await connectRaw(cluster.nodes[0]?.url ?? "", await cluster.token("server", "game"));
    sockets.push(game);
    for (const id of ["spread", "other"]) expect(await game.call("players:create", { id, opId: newOpId() })).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await cluster?.stop();
  });

  it("requests spread over two nodes draw from one bucket: the 5th is RATE_LIMITED with retryAfterMs", async () => {
    const [a, b] = cluster.nodes as [ClusterNode, ClusterNode];
    const token = await cluster.token("player", "spread");
    const onA = await connectRaw(a.url, token);
    const onB = await connectRaw(b.url, token);
    sockets.push(onA, onB);
    const get = (socket: RawClient) => socket.call("players:get", { playerId: "spread" });

    // Four tokens in the bucket: two taken on each node. Per-node buckets would allow four on each.
    const replies = [await get(onA), await get(onB), await get(onA), await get(onB), await get(onA)];

    expect(replies.slice(0, 4).map((reply) => reply.ok)).toEqual([true, true, true, true]);
    expect(replies[4]).toEqual({
      ok: false,
      error: { code: "RATE_LIMITED", message: expect.any(String), details: { retryAfterMs: expect.any(Number) } },
    });
    const { retryAfterMs } = (replies[4] as { error: { details: { retryAfterMs: number } } }).error.details;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(1000);
    expect((await get(onB)).ok).toBe(false);

    // Another player has a bucket of its own.
    const other = await connectRaw(b.url, await cluster.token("player", "other"));
    sockets.push(other);
    expect(await other.call("players:get", { playerId: "other" })).toMatchObject({ ok: true });
  });
});

describeCluster("cluster-wide rate limits: the Redis engine", () => {
  let redis: RedisServer;
  let client: Redis;
  let logged: Array<{ msg: string; level: number }>;
  const log = () => pino({ level: "info" }, { write: (line: string) => logged.push(JSON.parse(line)) });
  const classes: RateClass[] = [
    { name: "swap", tier: "strict", matches: (event) => event.startsWith("swap:") },
    { name: "default", tier: "standard", matches: () => true },
  ];
  const limits = (options: { timeoutMs?: number } = {}) =>
    new RateLimits({
      classes,
      rates: { standard: { perSecond: 1, burst: 5 }, strict: { perSecond: 1, burst: 2 } },
      limiter: redisRateLimiters({ redis: client, log: log(), ...options }),
    });
  /** How many of `n` takes are allowed. */
  const allowed = async (rateLimits: RateLimits, event: string, key: string, n: number) => {
    let ok = 0;
    for (let i = 0; i < n; i++) if ((await rateLimits.take(event, key)).ok) ok++;
    return ok;
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  beforeEach(async () => {
    logged = [];
    client = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    await new Promise((resolve) => client.once("ready", resolve));
    await client.flushall();
  });
  afterEach(() => {
    client.disconnect();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("each class of events has its own bucket per key, at the rate of its tier", async () => {
    const rateLimits = limits();
    expect(await allowed(rateLimits, "swap:offer", "player:ann", 4)).toBe(2);
    expect(await allowed(rateLimits, "players:get", "player:ann", 7)).toBe(5);
    expect(await allowed(rateLimits, "swap:accept", "player:bob", 4)).toBe(2);
  });

  it("two limiters on one Redis (two nodes) share the bucket", async () => {
    const [nodeA, nodeB] = [limits(), limits()];
    expect([await allowed(nodeA, "swap:offer", "player:ann", 1), await allowed(nodeB, "swap:offer", "player:ann", 3)]).toEqual([1, 1]);
  });

  it("a Redis that forgot the script (SCRIPT FLUSH, or a restart) is sent it again", async () => {
    const rateLimits = limits();
    expect(await allowed(rateLimits, "swap:offer", "player:ann", 1)).toBe(1);
    await client.script("FLUSH");
    expect(await allowed(rateLimits, "swap:offer", "player:ann", 2)).toBe(1);
  });

  it("without Redis it limits with this node's own buckets, and says so once", async () => {
    const rateLimits = limits();
    client.disconnect();
    expect(await allowed(rateLimits, "swap:offer", "player:ann", 4)).toBe(2);
    expect(await allowed(rateLimits, "players:get", "player:ann", 7)).toBe(5);
    expect(logged.filter((line) => line.msg.includes("fall back"))).toHaveLength(1);
  });
});
