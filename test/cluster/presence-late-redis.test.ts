import { Writable } from "node:stream";
import { connect, type HoardClient } from "@hoard/client-sdk";
import { createApp, type HoardApp } from "@hoard/server/app";
import { loadConfig } from "@hoard/server/config";
import { createLogger } from "@hoard/server/log";
import { afterEach, expect, it } from "vitest";
import { describeCluster } from "../support/describe-cluster";
import { freePort, type RedisServer, startRedis } from "../support/redis";
import { TEST_SECRET } from "../support/server";

/** GET a JSON path of the node: status and body. */
async function get(url: string, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describeCluster("presence: a node started while Redis is down", () => {
  const lines: string[] = [];
  const clients: HoardClient[] = [];
  let app: HoardApp | undefined;
  let redis: RedisServer | undefined;

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await app?.close();
    await redis?.stop();
  });

  it("subscribes once Redis is up and pushes area popularity; /health and /ready say when it cannot", async () => {
    const port = await freePort();
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        done();
      },
    });
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      HOARD_DB: ":memory:",
      HOARD_SECRET: TEST_SECRET,
      HOARD_NODE_ID: "late",
      REDIS_URL: `redis://127.0.0.1:${port}`,
    });
    app = createApp(config, { log: createLogger({ nodeId: config.nodeId, level: "debug", destination }) });
    const node = app;
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

    // While Redis is away the node says so (still ready: every node is in the same state).
    await redis.stop();
    await expect.poll(async () => (await get(url, "/health")).body.areaPushes, { timeout: 10_000 }).toBe("down");
    expect((await get(url, "/health")).body.status).toBe("degraded");
    expect(await get(url, "/ready")).toEqual({ status: 200, body: { ready: true, areaPushes: "down" } });

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
});
