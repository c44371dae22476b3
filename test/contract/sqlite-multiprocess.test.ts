import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SqliteStore } from "@hoard/server/internal/store/sqlite/sqlite-store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPlayers, startWorker, type Worker } from "../support/workers";

const workerScript = fileURLToPath(new URL("./fixtures/sqlite-credit-worker.ts", import.meta.url));

function startSqliteWorker(args: {
  path: string;
  name: string;
  players: string[];
  commits: number;
  concurrency: number;
  softPages?: number;
}): Worker {
  const argv = [args.path, args.name, args.players.join(","), String(args.commits), String(args.concurrency)];
  return startWorker(workerScript, [...argv, ...(args.softPages === undefined ? [] : [String(args.softPages)])], args.name);
}

describe("sqlite shared by several processes", () => {
  let dir: string;
  let workers: Worker[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "hoard-multiprocess-"));
  });
  afterEach(async () => {
    for (const { child } of workers) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await Promise.allSettled(workers.map((worker) => worker.exited));
    workers = [];
    await rm(dir, { recursive: true, force: true });
  });

  // The default WAL bound, and a tiny one: every process's checkpoint worker then holds its
  // commits and RESTARTs over and over while the others write.
  it.each([
    { checkpoints: "default", softPages: undefined },
    { checkpoints: "a WAL bound of 30 pages", softPages: 30 },
  ])(
    "ends concurrent commits from three processes on the same players with exact totals and contiguous versions ($checkpoints)",
    async ({ softPages }) => {
      const path = join(dir, "shared.db");
      const players = ["p-1", "p-2", "p-3"];
      const names = ["worker-a", "worker-b", "worker-c"];
      const commitsPerWorker = 300;

      const setup = new SqliteStore({ path });
      await createPlayers(setup, players);
      await setup.close();

      workers = names.map((name) =>
        startSqliteWorker({
          path,
          name,
          players,
          commits: commitsPerWorker,
          concurrency: 25,
          ...(softPages === undefined ? {} : { softPages }),
        }),
      );
      await Promise.all(workers.map((worker) => worker.ready));
      for (const { child } of workers) child.stdin?.end("go\n");
      const summaries = await Promise.all(workers.map((worker) => worker.exited));

      expect(summaries.map((line) => JSON.parse(line))).toEqual(names.map((worker) => ({ worker, committed: commitsPerWorker })));
      const perPlayer = (names.length * commitsPerWorker) / players.length;
      const check = new SqliteStore({ path });
      try {
        for (const id of players) {
          const player = await check.getPlayer(id);
          expect(player?.wallet).toEqual({ gold: perPlayer });
          expect(player?.version).toBe(1 + perPlayer);
          const log = await check.readHistory(id, { sinceVersion: 0, limit: 500 });
          expect(log.map((entry) => entry.version)).toEqual(Array.from({ length: 1 + perPlayer }, (_, i) => i + 1));
          const credits = log.slice(1);
          expect(new Set(credits.map((entry) => `${entry.actor.sub}/${entry.opId}`)).size).toBe(perPlayer);
          expect(new Set(credits.map((entry) => entry.actor.sub))).toEqual(new Set(names));
        }
      } finally {
        await check.close();
      }
    },
  );
});
