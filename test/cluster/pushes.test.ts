import { connect, type HoardClient, type PlayerWatch } from "@hoard/client-sdk";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { type Cluster, type ClusterNode, startCluster } from "../support/cluster";
import { describeCluster } from "../support/describe-cluster";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy";

/** Versions from `from` to `to`, both included: what a watcher must have seen, in order. */
const versions = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Every version a watcher applies, in the order it applied them. */
function record(watch: PlayerWatch): number[] {
  const seen: number[] = [];
  watch.on("change", (entry) => seen.push(entry.version));
  return seen;
}

// One suite for each adapter: classic pub/sub, and sharded pub/sub (Redis 7: SPUBLISH).
for (const adapter of ["classic", "sharded"] as const) {
  describeCluster(`cluster: pushes cross nodes (3 nodes, one Redis, ${adapter} adapter)`, () => {
    let cluster: Cluster;
    const clients: HoardClient[] = [];
    const proxies: TcpProxy[] = [];
    const open = async (url: string, role: "player" | "server" | "admin", sub?: string) => {
      // Reconnect quickly: the tests cut connections on purpose.
      const client = await connect(url, { token: await cluster.token(role, sub), timeoutMs: 3000, reconnect: { initialDelayMs: 100 } });
      clients.push(client);
      return client;
    };
    const nodes = () => cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];

    beforeAll(async () => {
      cluster = await startCluster({ nodes: 3, env: { HOARD_REDIS_ADAPTER: adapter } });
    });
    afterEach(async () => {
      for (const client of clients.splice(0)) client.close();
      await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
    });
    afterAll(async () => {
      await cluster?.stop();
    });

    it(`every node's subscriber connection listens on ${adapter} pub/sub`, async () => {
      const redis = new Redis(cluster.redis.url);
      try {
        // Classic: a pattern subscription (hoard#/#*); sharded: a shard channel (hoard#/#).
        const field = adapter === "classic" ? "psub" : "ssub";
        const clients = ((await redis.client("LIST")) as string)
          .trim()
          .split("\n")
          .map((line) => Object.fromEntries(line.split(" ").map((pair) => pair.split("="))));
        const listening = clients.filter((client) => /^hoard:node-[a-c]:sub$/.test(client.name) && Number(client[field]) > 0);
        expect(listening.map((client) => client.name).sort()).toEqual(["hoard:node-a:sub", "hoard:node-b:sub", "hoard:node-c:sub"]);
      } finally {
        redis.disconnect();
      }
    });

    it("a change committed on node A is pushed to subscribers on nodes B and C, every version in order", async () => {
      const [a, b, c] = nodes();
      const writer = await open(a.url, "server", "game");
      await writer.players.create({ id: "crosser" });
      const watchers = await Promise.all([b, c].map(async (node) => (await open(node.url, "admin", "console")).watch("crosser")));
      const seen = watchers.map(record);
      // A bare subscriber proves the versions came as pushes, not through a watcher's resync.
      const pushed: number[] = [];
      await (await open(c.url, "player", "crosser")).subscribe("inventory/crosser", (message) => pushed.push(message.seq));

      for (let i = 0; i < 10; i++) await writer.inventory.credit("crosser", "gold", 1);

      for (const watch of watchers) await expect.poll(() => watch.version).toBe(11);
      await expect.poll(() => pushed).toEqual(versions(2, 11));
      expect(seen).toEqual([versions(2, 11), versions(2, 11)]);
      for (const watch of watchers) expect(watch.state).toEqual((await writer.players.get("crosser")).player);
    });

    it("a subscriber misses nothing committed right after sub:subscribe answers, on another node", async () => {
      const [a, , c] = nodes();
      const writer = await open(a.url, "server", "game");
      const reader = await open(c.url, "admin", "console");
      for (let round = 0; round < 5; round++) {
        const id = `eager-${round}`;
        await writer.players.create({ id });
        const pushed: number[] = [];
        const { seq } = await reader.subscribe(`inventory/${id}`, (message) => pushed.push(message.seq));
        await writer.inventory.credit(id, "gold", 1);
        // A push published before the subscription may still be on its way from node A and
        // land after it (seq ≤ the one returned; watchers ignore those): only newer ones count.
        await expect.poll(() => pushed.filter((pushedSeq) => pushedSeq > seq)).toEqual([seq + 1]);
      }
    });

    it("a client that reconnects to another node resyncs without missing a version", async () => {
      const [a, b, c] = nodes();
      const writer = await open(c.url, "server", "game");
      await writer.players.create({ id: "roamer" });
      // The viewer reaches the cluster through a balancer that first sends it to node A.
      const proxy = await startTcpProxy(a.url);
      proxies.push(proxy);
      const viewer = await open(proxy.url, "player", "roamer");
      const live = await viewer.watch("roamer");
      const seen = record(live);
      for (let i = 0; i < 3; i++) await writer.inventory.credit("roamer", "gold", 1);
      await expect.poll(() => live.version).toBe(4);

      // Node A drops out of the balancer: the viewer's connection is cut and comes back on B.
      const back = new Promise<void>((resolve) => {
        const stop = viewer.on("status", (status) => {
          if (status !== "connected") return;
          stop();
          resolve();
        });
      });
      proxy.switchTo(b.url);
      proxy.dropAll();
      for (let i = 0; i < 3; i++) await writer.inventory.credit("roamer", "gold", 1);
      await back;
      for (let i = 0; i < 3; i++) await writer.inventory.credit("roamer", "gold", 1);

      await expect.poll(() => live.version).toBe(10);
      expect(seen).toEqual(versions(2, 10));
      expect(live.state).toEqual((await writer.players.get("roamer")).player);
    });
  });
}
