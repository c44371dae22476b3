import { connect, type HoardClient } from "@hoard/client-sdk";
import { createApp, type HoardApp } from "@hoard/server/internal/app";
import { openRedis, type RedisConnections } from "@hoard/server/internal/cluster/redis";
import { loadConfig } from "@hoard/server/internal/config";
import { RedisRegistry } from "@hoard/server/internal/presence/redis-registry";
import { Redis } from "ioredis";
import { afterEach, expect, it } from "vitest";
import { describeCluster } from "../support/describe-cluster";
import { nodeLogInto } from "../support/log";
import { freePort, type RedisServer, startRedis } from "../support/redis";
import { TEST_SECRET } from "../support/server";

/** GET a JSON path of the node: status and body. */
async function get(url: string, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describeCluster("presence across Redis outages", () => {
  const lines: string[] = [];
  const clients: HoardClient[] = [];
  let app: HoardApp | undefined;
  let redis: RedisServer | undefined;

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await app?.close();
    await redis?.stop();
    lines.splice(0);
  });

  /** A node on `port`, logging into `lines` at every level down to debug. */
  function startApp(port: number, nodeId: string): HoardApp {
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      HOARD_DB: ":memory:",
      HOARD_SECRET: TEST_SECRET,
      HOARD_NODE_ID: nodeId,
      REDIS_URL: `redis://127.0.0.1:${port}`,
    });
    app = createApp(config, { log: nodeLogInto(lines, { nodeId, level: "debug" }) });
    return app;
  }

  it("subscribes once Redis is up and pushes area popularity; /health and /ready say when it cannot", async () => {
    const port = await freePort();
    const node = startApp(port, "late");
    const listening = node.listen();
    // Redis refuses for a while (a dozen refused attempts of the node's connections: presence's
    // own connection has tried several times by then, and the old code had given up).
    await expect.poll(() => lines.filter((line) => line.includes("ECONNREFUSED")).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(12);
    redis = await startRedis(port);
    const url = await listening;

    const open = async (role: "player" | "admin", sub: string) => {
      const client = await connect(url, { token: await node.tokens.mint({ sub, role, expiresIn: "1h" }), timeoutMs: 5000 });
      clients.push(client);
      return client;
    };
    const pushes: number[] = [];
    await (await open("admin", "console")).subscribe("area/eu", (message) => pushes.push(message.seq));
    await (await open("player", "p1")).presence.login("eu", "duel");
    await expect.poll(() => pushes.length, { timeout: 5000 }).toBeGreaterThan(0);
    expect(await get(url, "/health")).toMatchObject({ status: 200, body: { status: "ok", redis: "up", areaPushes: "up" } });
    expect(await get(url, "/ready")).toEqual({ status: 200, body: { ready: true, areaPushes: "up" } });

    // While Redis is away the node says so, and is not ready: it cannot take part in the cluster.
    await redis.stop();
    await expect.poll(async () => (await get(url, "/health")).body.areaPushes, { timeout: 10_000 }).toBe("down");
    expect((await get(url, "/health")).body.status).toBe("degraded");
    expect(await get(url, "/ready")).toEqual({ status: 503, body: { ready: false, areaPushes: "down" } });

    // Back again: the subscription is renewed and pushes resume.
    redis = await startRedis(port);
    await expect.poll(async () => (await get(url, "/health")).body.areaPushes, { timeout: 15_000 }).toBe("up");
    const before = pushes.length;
    const p2 = await open("player", "p2");
    await expect
      .poll(
        async () =>
          p2.presence.login("eu", "duel").then(
            () => true,
            () => false,
          ),
        { timeout: 10_000 },
      )
      .toBe(true);
    await expect.poll(() => pushes.length, { timeout: 5000 }).toBeGreaterThan(before);
  });

  it("after Redis restarts empty, a node that kept beating says Redis lost its data, not that it was silent", async () => {
    redis = await startRedis();
    const node = startApp(redis.port, "steady");
    await node.listen();
    const probe = new Redis(redis.url, { maxRetriesPerRequest: null });
    const heartbeatKey = "hoard:{presence}:hb:steady";
    try {
      await expect.poll(() => probe.exists(heartbeatKey), { timeout: 10_000 }).toBe(1);
      await redis.stop();
      redis = await startRedis(redis.port);
      // The node beats into the empty Redis again (every second).
      await expect.poll(() => probe.exists(heartbeatKey).catch(() => 0), { timeout: 15_000 }).toBe(1);
      await expect.poll(() => lines.some((line) => line.includes("Redis lost the presence data")), { timeout: 5000 }).toBe(true);
    } finally {
      probe.disconnect();
    }
    expect(lines.filter((line) => line.includes("silent longer than the node TTL"))).toEqual([]);
  });

  it("a node whose sessions were reaped while Redis kept its data is still told, at error, that it was silent", async () => {
    redis = await startRedis();
    const settings = { eventTtlMs: 60_000, eventIdWindowMs: 60_000, nodeTtlMs: 5000, prefix: "silent:{presence}:" };
    const log = nodeLogInto(lines, { nodeId: "test", level: "debug" });
    const nodes = ["stalled", "survivor"].map((nodeId) => openRedis({ url: (redis as RedisServer).url, nodeId, log }));
    const [stalled, survivor] = ["stalled", "survivor"].map(
      (nodeId, index) => new RedisRegistry({ ...settings, redis: nodes[index] as RedisConnections, nodeId, log }),
    ) as [RedisRegistry, RedisRegistry];
    const probe = new Redis(redis.url);
    try {
      await stalled.heartbeat(Date.now());
      await survivor.heartbeat(Date.now());
      // The stalled node's heartbeat expires; the survivor reaps it; then it beats again.
      await probe.del("silent:{presence}:hb:stalled");
      expect((await survivor.heartbeat(Date.now())).reaped).toEqual(["stalled"]);
      await stalled.heartbeat(Date.now());
    } finally {
      probe.disconnect();
      await Promise.all([stalled.close(), survivor.close()]);
      await Promise.all(nodes.map((node) => node.close()));
    }
    const silent = lines.filter((line) => line.includes("silent longer than the node TTL"));
    expect(silent.map((line) => JSON.parse(line).level)).toEqual([50]);
    expect(lines.some((line) => line.includes("Redis lost the presence data"))).toBe(false);
  });
});
