import { connect, type HoardClient } from "@hoard/client-sdk";
import { SqliteStore } from "@hoard/server/internal/store/sqlite/sqlite-store";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Cluster, type ClusterNode, startCluster } from "../support/cluster";
import { describeCluster } from "../support/describe-cluster";
import { type AckedCredit as Acked, expectCreditLedger } from "../support/ledger";

describeCluster("cluster: a node killed with SIGKILL mid-load", () => {
  let cluster: Cluster;
  const clients: HoardClient[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3 });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await cluster?.stop();
  });

  it("loses no acknowledged write: every acked op is in the op log at its version, versions contiguous", async () => {
    const [a, b, c] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];
    const players = ["load-1", "load-2", "load-3"];
    const open = async (node: ClusterNode, sub: string) => {
      // No retries: a call to the killed node must fail, not wait for a node that will not come back.
      const client = await connect(node.url, { token: await cluster.token("server", sub), timeoutMs: 2000, retries: 0 });
      clients.push(client);
      return client;
    };
    const setup = await open(a, "setup");
    for (const id of players) await setup.players.create({ id });

    // Four writers per node, each crediting the three players in turn, one call at a time.
    const acked: Acked[] = [];
    let failedOnKilled = 0;
    let stop = false;
    const writers = [a, b, c].flatMap((node) =>
      Array.from({ length: 4 }, async (_, w) => {
        const client = await open(node, `${node.name}-writer-${w}`);
        for (let i = 0; !stop; i++) {
          const playerId = players[(i + w) % players.length] as string;
          const opId = `${node.name}-${w}-${i}`;
          try {
            const { version } = await client.inventory.credit(playerId, "gold", 1, { opId });
            acked.push({ playerId, opId, version });
          } catch (error) {
            if (node !== b) throw error;
            failedOnKilled++;
            return;
          }
        }
      }),
    );

    await expect.poll(() => acked.length, { timeout: 15_000 }).toBeGreaterThan(150);
    await b.kill("SIGKILL");
    const atKill = acked.length;
    // The survivors carry on for a while after the crash.
    await expect.poll(() => acked.length, { timeout: 15_000 }).toBeGreaterThan(atKill + 150);
    stop = true;
    await Promise.all(writers);

    expect(failedOnKilled).toBe(4);
    // Ground truth: the shared sqlite file, read after the crash.
    const store = new SqliteStore({ path: cluster.dbFile });
    try {
      await expectCreditLedger(store, players, acked);
    } finally {
      await store.close();
    }
    expect(acked.some((op) => op.opId.startsWith(`${b.name}-`))).toBe(true);
  });
});
