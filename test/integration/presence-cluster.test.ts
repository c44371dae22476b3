import { connect, type HoardClient } from "@hoard/client-sdk";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Cluster, type ClusterNode, startCluster } from "../support/cluster";
import { describeCluster } from "../support/describe-cluster";
import { newArea } from "../support/presence";

/** The bound the README states for a crashed node's players to be reaped and counts fixed. */
const CONVERGENCE_BOUND_MS = 10_000;

describeCluster("presence across two node processes sharing one Redis", () => {
  let cluster: Cluster;
  const clients: HoardClient[] = [];

  const client = async (node: ClusterNode, role: "player" | "server", sub: string) => {
    const opened = await connect(node.url, { token: await cluster.token(role, sub), timeoutMs: 3000 });
    clients.push(opened);
    return opened;
  };

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2 });
  });
  afterAll(async () => {
    for (const opened of clients) opened.close();
    await cluster?.stop();
  });

  it("counts the players of both nodes once, and reaps a crashed node's players within the bound", async () => {
    const [nodeA, nodeB] = cluster.nodes as [ClusterNode, ClusterNode];
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

    expect(await nodeA.kill("SIGKILL")).toMatchObject({ signal: "SIGKILL" });
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
