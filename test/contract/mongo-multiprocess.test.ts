import { fileURLToPath } from "node:url";
import { openMongoStore } from "@hoard/server/internal/store/mongo/mongo-store";
import { afterEach, describe, expect, it } from "vitest";
import { expectLedger, freshDatabase, mongoUrl, reportNotRun } from "../support/mongo-kit";
import { createPlayers, startWorker, type Worker } from "../support/workers";

/**
 * The MongoDB verification kit, contention: three node processes commit to the same three players
 * on one replica set at once (the Mongo side of sqlite-multiprocess.test.ts). In-process locks
 * cannot order them: they meet as write conflicts and compare-and-set misses in the server.
 * Needs MONGODB_URL; without it the report shows one skipped test that says "not run".
 */

const workerScript = fileURLToPath(new URL("./fixtures/mongo-credit-worker.ts", import.meta.url));

if (!mongoUrl) {
  reportNotRun("contention suite (3 processes)");
} else {
  const url = mongoUrl;
  describe("MongoDB shared by three node processes", () => {
    let workers: Worker[] = [];
    afterEach(async () => {
      for (const { child } of workers) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await Promise.allSettled(workers.map((worker) => worker.exited));
      workers = [];
    });

    it("ends concurrent commits on the same players with exact totals, contiguous versions and every acked op once", async () => {
      const { database, drop } = freshDatabase(url, "contention");
      const players = ["p-1", "p-2", "p-3"];
      const names = ["worker-a", "worker-b", "worker-c"];
      const commitsPerWorker = 150;
      const setup = await openMongoStore({ url, database });
      try {
        await createPlayers(setup, players);
        workers = names.map((name) => startWorker(workerScript, [database, name, players.join(","), String(commitsPerWorker), "15"], name));
        await Promise.all(workers.map((worker) => worker.ready));
        for (const { child } of workers) child.stdin?.end("go\n");
        const summaries = (await Promise.all(workers.map((worker) => worker.exited))).map(
          (line) => JSON.parse(line) as { worker: string; committed: number; retried: number; firstCallReplays: number },
        );

        expect(summaries.map(({ worker, committed, firstCallReplays }) => ({ worker, committed, firstCallReplays }))).toEqual(
          names.map((worker) => ({ worker, committed: commitsPerWorker, firstCallReplays: 0 })),
        );
        // Round-robin: op i of each worker credited players[i % 3].
        const acked = new Map(players.map((id) => [id, [] as string[]]));
        for (const worker of names) {
          for (let i = 0; i < commitsPerWorker; i++) acked.get(players[i % players.length] as string)?.push(`${worker}/${worker}-${i}`);
        }
        await expectLedger(setup, acked);
        console.info(`MongoDB contention suite: ${JSON.stringify(summaries)}`);
      } finally {
        await setup.close();
        await drop();
      }
    }, 180_000);
  });
}
