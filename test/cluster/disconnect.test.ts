import { connect, type HoardClient } from "@hoard/client-sdk";
import type { WireError } from "@hoard/protocol";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Cluster, type ClusterNode, startCluster } from "../support/cluster";
import { describeCluster } from "../support/describe-cluster";
import { disconnected, within } from "../support/edge";
import { connectRaw } from "../support/server";

// One suite for each adapter: the notice and the hang-up travel differently in each.
for (const adapter of ["classic", "sharded"] as const) {
  describeCluster(`cluster: an operator disconnects a player on another node (2 nodes, one Redis, ${adapter} adapter)`, () => {
    let cluster: Cluster;
    const clients: HoardClient[] = [];

    beforeAll(async () => {
      cluster = await startCluster({ nodes: 2, env: { HOARD_REDIS_ADAPTER: adapter } });
    });
    afterAll(async () => {
      for (const client of clients.splice(0)) client.close();
      await cluster?.stop();
    });

    it("an admin on node A closes the player's connections on both nodes, each told why before the hang-up", async () => {
      const [a, b] = cluster.nodes as [ClusterNode, ClusterNode];
      const admin = await connect(a.url, { token: await cluster.token("admin", "ops-anna"), timeoutMs: 5000 });
      clients.push(admin);
      const id = `kicked-${adapter}`;
      await admin.players.create({ id });
      const sockets = [
        await connectRaw(b.url, await cluster.token("player", id)),
        await connectRaw(a.url, await cluster.token("player", id)),
      ];
      const heard = sockets.map((raw) => {
        const events: string[] = [];
        raw.socket.on("closing", (notice: WireError) =>
          events.push(`closing ${notice.code} ${(notice.details as { reason: string }).reason}`),
        );
        return { events, hungUp: disconnected(raw.socket).then((reason) => events.push(reason)) };
      });

      const result = await admin.players.disconnect(id, "cheating, ticket 9");

      expect(result).toEqual({ playerId: id, connections: 2 });
      await within(5000, Promise.all(heard.map((each) => each.hungUp)), "both hang-ups");
      for (const { events } of heard)
        expect(events).toEqual(["closing CONNECTION_CLOSED_BY_OPERATOR cheating, ticket 9", "io server disconnect"]);
    });
  });
}
