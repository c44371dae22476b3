import { afterAll, beforeAll, expect, it } from "vitest";
import { type Cluster, type ClusterNode, startCluster } from "../support/cluster";
import { describeCluster } from "../support/describe-cluster";

/** The node's hoard_redis_up sample (undefined when the node exports none), read with an admin token. */
async function redisUpMetric(node: ClusterNode, token: string): Promise<number | undefined> {
  const text = await (await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  const line = text.split("\n").find((candidate) => candidate.startsWith("hoard_redis_up"));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

const readyStatus = async (node: ClusterNode) => (await fetch(`${node.url}/ready`)).status;

/**
 * A node whose configured Redis goes away keeps serving its own clients but is not ready: a
 * balancer stops sending it new connections instead of letting it serve as a silent island.
 * It is ready again once every Redis connection is back and subscribed.
 */
describeCluster("cluster: /ready follows a configured Redis", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ nodes: 1 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("is 503 while Redis is down and 200 after it is back; /health says degraded; hoard_redis_up follows", async () => {
    const node = cluster.nodes[0] as ClusterNode;
    const admin = await cluster.token("admin", "ops");
    expect(await readyStatus(node)).toBe(200);
    expect(await redisUpMetric(node, admin)).toBe(1);

    await cluster.redis.stop();
    await expect.poll(() => readyStatus(node), { timeout: 15_000 }).toBe(503);
    expect(await node.health()).toMatchObject({ status: "degraded", redis: "down" });
    expect(await redisUpMetric(node, admin)).toBe(0);

    await cluster.redis.start();
    await expect.poll(() => readyStatus(node), { timeout: 15_000 }).toBe(200);
    expect(await node.health()).toMatchObject({ status: "ok", redis: "up" });
    expect(await redisUpMetric(node, admin)).toBe(1);
  });
});
