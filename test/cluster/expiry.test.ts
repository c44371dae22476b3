import type { HistoryEntry, PlayerWatch } from "@hoard/client-sdk";
import { SqliteStore } from "@hoard/server/internal/store/sqlite/sqlite-store";
import { expect, it, vi } from "vitest";
import { clockedCluster } from "../support/clocked-cluster";
import { type ClusterNode, startNode } from "../support/cluster";
import { describeCluster } from "../support/describe-cluster";
import { defineItems } from "../support/trade";

const MINUTE = 60_000;
const PLAYERS = 12;
/** Each player's expiring lots: minutes from the start → units. */
const LOTS = { 1: 2, 2: 3, 3: 1 } as const;

describeCluster("cluster: expiring units leave exactly once with two nodes sweeping (two processes, one file, Redis)", () => {
  const setup = clockedCluster();
  const open = setup.open;

  it("each lot leaves once, on time, in one pushed commit, while players spend units on both nodes", async () => {
    const [cluster, clock] = [setup.cluster(), setup.clock()];
    const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    const [gmA, gmB] = [await open(a.url, "server", "game"), await open(b.url, "server", "game")];
    const { rental } = await defineItems(gmA, { rental: 5 });
    const start = Date.parse(clock.nowIso());
    const ids = Array.from({ length: PLAYERS }, (_, i) => `renter-${i}`);
    for (const id of ids) {
      await gmA.players.create({ id });
      await gmA.inventory.grant(id, { category: "bag", itemId: rental, quantity: 1 });
      for (const [minutes, quantity] of Object.entries(LOTS)) {
        await gmA.inventory.grant(id, {
          category: "bag",
          itemId: rental,
          quantity,
          expiresAt: new Date(start + Number(minutes) * MINUTE).toISOString(),
        });
      }
    }
    // Watchers on both nodes record every expiry push.
    const watchers: Array<{ watch: PlayerWatch; expiries: HistoryEntry[] }> = [];
    for (const url of [a.url, b.url]) {
      const admin = await open(url, "admin", "console");
      for (const id of ids) {
        const watch = await admin.watch(id);
        const expiries: HistoryEntry[] = [];
        watch.on("change", (entry) => {
          if (entry.kind === "inventory:expire") expiries.push(entry);
        });
        watchers.push({ watch, expiries });
      }
    }

    // Minute by minute; meanwhile each player spends a unit on one node or the other.
    let consumed = 0;
    for (const minute of [1, 2, 3]) {
      clock.advance(MINUTE);
      const spends = ids.map((id, i) =>
        (i % 2 === 0 ? gmA : gmB).inventory.consume(id, { category: "bag", itemId: rental, quantity: 1 }).then(
          () => consumed++,
          (error: { code?: string }) => expect(error.code).toBe("INVENTORY_INSUFFICIENT_ITEMS"),
        ),
      );
      await Promise.all(spends);
      expect(minute).toBeGreaterThan(0);
    }

    // The stored states (not what reads show): every lot gone, none due, in the nodes' own file.
    const store = new SqliteStore({ path: cluster.dbFile });
    try {
      await vi.waitFor(async () => expect(await store.listDueExpiries("9999-12-31T00:00:00.000Z", 100)).toEqual([]), {
        timeout: 20_000,
        interval: 100,
      });
      let expired = 0;
      let held = 0;
      for (const id of ids) {
        const player = (await store.getPlayer(id)) ?? expect.fail(`${id} is missing`);
        expect(player.inventories.bag?.expiring).toBeUndefined();
        held += player.inventories.bag?.stacks[rental] ?? 0;
        const entries = await store.readHistory(id, { sinceVersion: 0, limit: 500 });
        const expiries = entries.filter((entry) => entry.kind === "inventory:expire");
        // One entry per lot at most, each naming lots at or before its own commit time, each lot once.
        const lots = expiries.flatMap((entry) =>
          entry.ops.map((op) => {
            if (op.type !== "expire") return expect.fail(`an expiry entry holds a ${op.type} op`);
            const expiresAt = op.expiresAt;
            expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(Date.parse(expiresAt));
            expect(entry.actor).toEqual({ role: "server", sub: "system" });
            expired += op.quantity;
            return expiresAt;
          }),
        );
        expect(new Set(lots).size).toBe(lots.length);
        // Both nodes' watchers got each expiry commit exactly once, and show the stored state.
        for (const watcher of watchers.filter((w) => w.watch.playerId === id)) {
          await vi.waitFor(() => expect(watcher.expiries.map((e) => e.version)).toEqual(expiries.map((e) => e.version)));
          await vi.waitFor(() => expect(watcher.watch.state).toEqual(player));
        }
      }
      // Conservation: granted = held + consumed + expired, over all players.
      const granted = PLAYERS * (1 + Object.values(LOTS).reduce((sum, n) => sum + n, 0));
      expect(held + consumed + expired).toBe(granted);
      expect(expired).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  it("after every node was killed, a node started later removes what fell due meanwhile, once", async () => {
    const [cluster, clock] = [setup.cluster(), setup.clock()];
    const gm = await open((cluster.nodes[0] as ClusterNode).url, "server", "game");
    const { rental } = await defineItems(gm, { rental: 5 });
    const ids = ["crash-0", "crash-1", "crash-2"];
    for (const id of ids) {
      await gm.players.create({ id });
      await gm.inventory.grant(id, { category: "bag", itemId: rental, quantity: 2, expiresInMs: MINUTE });
    }
    gm.close();
    await Promise.all(cluster.nodes.map((node) => node.kill("SIGKILL")));
    clock.advance(2 * MINUTE);

    const env = { HOARD_DB: cluster.dbFile, REDIS_URL: cluster.redis.url, HOARD_TEST_CLOCK_FILE: clock.file, HOARD_EXPIRY_SWEEP_MS: "50" };
    const late = await startNode({ name: "node-late", env });
    const store = new SqliteStore({ path: cluster.dbFile });
    try {
      await vi.waitFor(async () => expect(await store.listDueExpiries("9999-12-31T00:00:00.000Z", 100)).toEqual([]), {
        timeout: 20_000,
        interval: 100,
      });
      for (const id of ids) {
        const entries = await store.readHistory(id, { sinceVersion: 0, limit: 100 });
        const expiries = entries.filter((entry) => entry.kind === "inventory:expire");
        expect(expiries.flatMap((entry) => entry.ops.map((op) => op.type === "expire" && op.quantity))).toEqual([2]);
      }
    } finally {
      await store.close();
      await late.kill("SIGKILL");
    }
  });
});
