import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ConnectionStatus, connect, type HoardClient, HoardError, type PlayerWatch } from "@hoard/client-sdk";
import { TokenService } from "@hoard/server/internal/auth/tokens";
import { SqliteStore } from "@hoard/server/internal/store/sqlite/sqlite-store";
import { afterEach, describe, expect, it } from "vitest";
import { type ClusterNode, startNode } from "../support/cluster";
import { type AckedCredit as Acked, expectCreditLedger } from "../support/ledger";
import { TEST_SECRET } from "../support/server";

/**
 * A real node process (the code `npm start` runs) on a sqlite file, stopped with SIGTERM or
 * killed with SIGKILL while SDK clients watch players and send mutations in a loop, then
 * started again on the same port and file. The clients must ride through it: every acked
 * mutation in the store exactly once, every watch at the store's version having seen every
 * version in order, no call failed.
 */

const tokens = new TokenService(TEST_SECRET);
const players = ["hero-1", "hero-2", "hero-3"];

describe("SDK clients through a node restart", () => {
  let dir: string | undefined;
  let node: ClusterNode | undefined;
  const clients: HoardClient[] = [];
  let stop = false;

  afterEach(async () => {
    stop = true;
    for (const client of clients.splice(0)) client.close();
    await node?.kill("SIGKILL");
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each(["SIGTERM", "SIGKILL"] as const)(
    "%s: reconnects, resends what was under way with its opId, resyncs every watch",
    async (signal) => {
      dir = await mkdtemp(join(tmpdir(), "hoard-restart-"));
      const dbFile = join(dir, "hoard.db");
      node = await startNode({ name: "node-a", env: { HOARD_DB: dbFile } });
      const port = new URL(node.url).port;
      const url = node.url;

      // Every client takes its token from a function, as a game would: called at every (re)connect.
      const tokenCalls = new Map<string, number>();
      const open = async (sub: string) => {
        const client = await connect(url, {
          token: () => {
            tokenCalls.set(sub, (tokenCalls.get(sub) ?? 0) + 1);
            return tokens.mint({ sub, role: "server", expiresIn: "1h" });
          },
        });
        clients.push(client);
        return client;
      };

      const setup = await open("setup");
      for (const id of players) await setup.players.create({ id });

      // Two viewers watch every player and write down each version they are shown.
      const seen = new Map<PlayerWatch, number[]>();
      const startVersion = new Map<PlayerWatch, number>();
      for (const viewer of [await open("viewer-1"), await open("viewer-2")]) {
        for (const id of players) {
          const watch = await viewer.watch(id);
          const versions: number[] = [];
          watch.on("change", (entry) => versions.push(entry.version));
          watch.on("snapshot", (state) => versions.push(-state.version));
          seen.set(watch, versions);
          startVersion.set(watch, watch.version);
        }
      }

      // Three writers credit the players in turn, one call at a time, without stopping.
      const acked: Acked[] = [];
      const failures: unknown[] = [];
      let replays = 0;
      stop = false;
      const writers = await Promise.all([1, 2, 3].map((n) => open(`writer-${n}`)));
      const loops = writers.map(async (writer, w) => {
        for (let i = 0; !stop; i++) {
          const playerId = players[(i + w) % players.length] as string;
          const opId = `${signal}-${w}-${i}`;
          try {
            const { version, replayed } = await writer.inventory.credit(playerId, "gold", 1, { opId });
            acked.push({ playerId, opId, version });
            // Committed before the stop, its ack lost with the connection, sent again after it.
            if (replayed) replays++;
          } catch (error) {
            failures.push(error);
            if (stop || (error instanceof HoardError && error.code === "CLIENT_CLOSED")) return;
          }
        }
      });

      await expect.poll(() => acked.length, { timeout: 15_000 }).toBeGreaterThan(60);
      const statuses: ConnectionStatus[] = [];
      writers[0]?.on("status", (status) => statuses.push(status));
      await node.kill(signal);
      const atKill = acked.length;

      // While the node is away a read fails at once, typed; a read that asks to wait waits.
      await expect.poll(() => setup.status).toBe("reconnecting");
      const offline = await setup.players.get("hero-1").catch((error: unknown) => error);
      expect(offline).toBeInstanceOf(HoardError);
      expect((offline as HoardError).code).toBe("CLIENT_OFFLINE");
      expect(["io server disconnect", "transport close", "transport error"]).toContain(setup.lastDisconnect?.reason);
      const patientRead = setup.call("players:get", { playerId: "hero-2" }, { waitForConnection: true });

      node = await startNode({ name: "node-a", env: { HOARD_DB: dbFile, PORT: port } });
      const upAt = performance.now();
      expect(node.url).toBe(url);
      await expect.poll(() => clients.every((client) => client.status === "connected"), { timeout: 15_000 }).toBe(true);
      const connectedMs = performance.now() - upAt;
      expect((await patientRead).player.id).toBe("hero-2");

      await expect.poll(() => acked.length, { timeout: 15_000 }).toBeGreaterThan(atKill + 60);
      stop = true;
      await Promise.all(loops);
      expect(failures).toEqual([]);
      expect(statuses).toEqual(["reconnecting", "connected"]);
      for (const sub of ["setup", "viewer-1", "writer-1"]) expect(tokenCalls.get(sub)).toBeGreaterThanOrEqual(2);

      // Ground truth: the store. Every watch ends at its player's version.
      const final = new Map<string, number>();
      for (const id of players) final.set(id, (await setup.players.get(id)).player.version);
      for (const [watch, versions] of seen) {
        const last = final.get(watch.playerId) ?? 0;
        await expect.poll(() => watch.version, { timeout: 10_000 }).toBe(last);
        // In order, none skipped and none twice: each change is the one after the state shown
        // before it. A watch that fell more than MAX_DELTA_ENTRIES behind (its viewer reconnected
        // after the writers under a loaded machine) is sent a snapshot (-version) instead of the
        // deltas: a whole state, which skips no change either.
        let held = startVersion.get(watch) ?? 0;
        for (const version of versions) {
          if (version < 0) {
            expect(-version, "a snapshot never goes back").toBeGreaterThanOrEqual(held);
            held = -version;
          } else {
            expect(version, `after v${held}`).toBe(held + 1);
            held = version;
          }
        }
        expect(held).toBe(last);
      }
      const resyncedMs = performance.now() - upAt;
      console.log(
        `${signal}: all ${clients.length} clients connected ${connectedMs.toFixed(0)} ms after the node listened; ` +
          `every watch at the store's version ${resyncedMs.toFixed(0)} ms after (writers running throughout); ` +
          `${replays} call(s) committed before the stop were sent again and replayed`,
      );

      for (const client of clients.splice(0)) client.close();
      await node.kill("SIGTERM");
      const store = new SqliteStore({ path: dbFile });
      try {
        for (const [playerId, log] of await expectCreditLedger(store, players, acked)) {
          const mine = acked.filter((op) => op.playerId === playerId);
          // Exactly once: as many commits as acked ops (and the create), no op id twice.
          expect(new Set(log.map((entry) => entry.opId)).size).toBe(log.length);
          expect(log.length - 1).toBe(mine.length);
        }
      } finally {
        await store.close();
      }
    },
  );
});
