import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type HoardClient } from "@hoard/client-sdk";
import { TokenService } from "@hoard/server/auth/tokens";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NodeProcess, startNodeProcess } from "../support/node-process";
import { newArea } from "../support/presence";
import { type RedisServer, redisAvailable, startRedis } from "../support/redis";
import { TEST_SECRET } from "../support/server";

/** The bound the README states for a crashed node's players to be reaped and counts fixed. */
const CONVERGENCE_BOUND_MS = 10_000;

const hasRedis = redisAvailable();
if (!hasRedis) console.warn("\n  !! presence cluster: redis-server is not on the PATH: the two-node test is SKIPPED.\n");

describe.skipIf(!hasRedis)(`presence across two node processes sharing one Redis${hasRedis ? "" : " (SKIPPED: no redis-server)"}`, () => {
  let redis: RedisServer;
  let dir: string;
  const nodes: NodeProcess[] = [];
  const clients: HoardClient[] = [];
  const tokens = new TokenService(TEST_SECRET);

  const client = async (node: NodeProcess, role: "player" | "server", sub: string) => {
    const opened = await connect(node.url, { token: await tokens.mint({ sub, role, expiresIn: "1h" }), timeoutMs: 3000 });
    clients.push(opened);
    return opened;
  };

  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), "hoard-cluster-"));
    const env = { REDIS_URL: redis.url, HOARD_DB: join(dir, "hoard.db"), HOARD_SECRET: TEST_SECRET };
    // One after the other: the first creates the shared sqlite file's schema.
    nodes.push(await startNodeProcess({ ...env, HOARD_NODE_ID: "node-a" }));
    nodes.push(await startNodeProcess({ ...env, HOARD_NODE_ID: "node-b" }));
  });
  afterAll(async () => {
    for (const opened of clients) opened.close();
    await Promise.all(nodes.map((node) => node.stop()));
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("counts the players of both nodes once, and reaps a crashed node's players within the bound", async () => {
    const [nodeA, nodeB] = nodes as [NodeProcess, NodeProcess];
    const area = newArea();
    const onA = await Promise.all(["a1", "a2", "a3"].map((sub) => client(nodeA, "player", sub)));
    const onB = await Promise.all(["b1", "b2"].map((sub) => client(nodeB, "player", sub)));
    for (const player of onA) await player.presence.login(area, "duel");
    for (const player of onB) await player.presence.login(area, "raid");
    // a3 opens a second connection on node B and logs in there: one presence, now held by B.
    const a3OnB = await client(nodeB, "player", "a3");
    await a3OnB.presence.login(area, "raid");
    const gameOnA = await client(nodeA, "server", "game");
    await gameOnA.presence.ingest([{ userId: "e1", areaCode: area, mode: "duel", event: "LOGIN" }]);

    const viewerOnB = await client(nodeB, "player", "viewer");
    const watch = await viewerOnB.watchArea(area);
    const statsOn = async (client: HoardClient) => {
      const { modes, total } = await client.presence.stats(area);
      return { modes, total };
    };
    const before = {
      modes: [
        { mode: "duel", players: 3 },
        { mode: "raid", players: 3 },
      ],
      total: 6,
    };
    expect(await statsOn(gameOnA)).toEqual(before);
    expect(await statsOn(viewerOnB)).toEqual(before);

    await nodeA.crash();
    expect(nodeA.child.signalCode).toBe("SIGKILL");
    // Closing these changes nothing on a dead node; it only stops their reconnect attempts.
    for (const player of [...onA, gameOnA]) player.close();

    // a1 and a2 were held by node A's connections: reaped. a3 (held on B) and the game
    // server's event presence (held by no node) stay.
    const after = {
      modes: [
        { mode: "raid", players: 3 },
        { mode: "duel", players: 1 },
      ],
      total: 4,
    };
    await expect.poll(() => statsOn(viewerOnB), { timeout: CONVERGENCE_BOUND_MS + 2000, interval: 250 }).toEqual(after);
    await expect.poll(() => ({ modes: watch.stats.modes, total: watch.stats.total })).toEqual(after);
  });
});
