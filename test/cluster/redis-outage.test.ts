import { connect, type HoardClient, type PlayerWatch } from "@hoard/client-sdk";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Cluster, type ClusterNode, startCluster } from "../support/cluster";
import { describeCluster } from "../support/describe-cluster";

const versions = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function record(watch: PlayerWatch): number[] {
  const seen: number[] = [];
  watch.on("change", (entry) => seen.push(entry.version));
  return seen;
}

/** The value of a Prometheus counter on a node's /metrics (0 when absent). */
async function counter(node: ClusterNode, name: string, token: string): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${name}{`) || candidate.startsWith(`${name} `));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

describeCluster("cluster: Redis stops and starts again on the same port", () => {
  let cluster: Cluster;
  const clients: HoardClient[] = [];
  const open = async (node: ClusterNode, role: "player" | "server" | "admin", sub?: string) => {
    const client = await connect(node.url, { token: await cluster.token(role, sub), timeoutMs: 3000, retries: 0 });
    clients.push(client);
    return client;
  };
  const allRedis = (state: "up" | "down") =>
    expect
      .poll(async () => (await Promise.all(cluster.nodes.map((node) => node.health()))).map((health) => health.redis), { timeout: 15_000 })
      .toEqual(cluster.nodes.map(() => state));

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3 });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await cluster?.stop();
  });

  it("nodes keep serving, recover, tell their clients to resync without a further push, and pushes resume", async () => {
    const [a, b, c] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];
    const writer = await open(a, "server", "game");
    await writer.players.create({ id: "steady" });
    const watchers = await Promise.all([a, b, c].map(async (node) => (await open(node, "admin", "console")).watch("steady")));
    const seen = watchers.map(record);
    const pushedOnC: number[] = [];
    await (await open(c, "admin", "console")).subscribe("inventory/steady", (message) => pushedOnC.push(message.seq));
    const player = await open(b, "player", "steady");
    for (let i = 0; i < 2; i++) await writer.inventory.credit("steady", "gold", 1);
    for (const watch of watchers) await expect.poll(() => watch.version).toBe(3);

    await cluster.redis.stop();
    await allRedis("down");
    expect((await b.health()).status).toBe("degraded");

    // Commits go on without Redis; node A's own watcher still gets its pushes.
    for (let i = 0; i < 3; i++) await writer.inventory.credit("steady", "gold", 1);
    await expect.poll(() => watchers[0]?.version).toBe(6);
    // A player is still served: its rate limit falls back to node B's own bucket.
    expect((await player.players.get("steady")).player.version).toBe(6);
    const admin = await cluster.token("admin");
    expect(await counter(b, "hoard_rate_limit_fallbacks_total", admin)).toBeGreaterThan(0);
    expect(await counter(a, "hoard_redis_publish_failures_total", admin)).toBeGreaterThan(0);
    // B and C could not hear of versions 4..6.
    expect(watchers.slice(1).map((watch) => watch.version)).toEqual([3, 3]);

    await cluster.redis.start();
    await allRedis("up");

    // No write since: B and C catch up only because their nodes told them to resync.
    for (const watch of watchers) await expect.poll(() => watch.version, { timeout: 10_000 }).toBe(6);
    expect(seen).toEqual([versions(2, 6), versions(2, 6), versions(2, 6)]);

    // Pushes cross nodes again.
    await writer.inventory.credit("steady", "gold", 1);
    await expect.poll(() => pushedOnC).toContain(7);
    for (const watch of watchers) await expect.poll(() => watch.version).toBe(7);
    expect(seen).toEqual([versions(2, 7), versions(2, 7), versions(2, 7)]);
    expect(watchers[2]?.state).toEqual((await writer.players.get("steady")).player);
  });

  it("a node asked to stop while Redis is away closes and exits 0", async () => {
    const c = cluster.nodes[2] as ClusterNode;
    await cluster.redis.stop();
    await expect.poll(async () => (await c.health()).redis, { timeout: 15_000 }).toBe("down");

    expect(await c.kill("SIGTERM")).toEqual({ code: 0, signal: null });
    expect(c.output()).not.toMatch(/unhandled|uncaught/i);
    await cluster.redis.start();
  });
});
