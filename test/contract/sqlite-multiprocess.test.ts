import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { applyOps, DEFAULT_STATE_LIMITS, newPlayer } from "@hoard/server/internal/inventory/rules";
import { SqliteStore } from "@hoard/server/internal/store/sqlite/sqlite-store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { anActor, anOpId } from "../support/builders";

/** tsx's loader inside the worker itself (tsx/cli would run it as a grandchild that outlives a kill). */
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const workerScript = fileURLToPath(new URL("./fixtures/sqlite-credit-worker.ts", import.meta.url));

interface Worker {
  child: ChildProcess;
  /** Resolves when the worker has opened the store and waits for "go". */
  ready: Promise<void>;
  /** Resolves with the worker's summary line when it exits with 0; rejects otherwise. */
  exited: Promise<string>;
}

function startWorker(args: {
  path: string;
  name: string;
  players: string[];
  commits: number;
  concurrency: number;
  softPages?: number;
}): Worker {
  const child = spawn(
    process.execPath,
    [
      "--import",
      tsxLoader,
      workerScript,
      args.path,
      args.name,
      args.players.join(","),
      String(args.commits),
      String(args.concurrency),
      ...(args.softPages === undefined ? [] : [String(args.softPages)]),
    ],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith("ready\n")) markReady();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<string>((resolve, reject) => {
    child.once("exit", (code, signal) => {
      if (code === 0) resolve(stdout.replace(/^ready\n/, "").trim());
      else reject(new Error(`worker ${args.name} exited with ${code ?? signal}:\n${stderr}`));
    });
  });
  // A worker that dies before it is ready must fail the test, not leave it waiting.
  return { child, ready: Promise.race([ready, exited.then(() => {})]), exited };
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
      for (const id of players) {
        const opId = anOpId();
        await setup.commitPlayers({
          opId,
          actor: anActor(),
          kind: "players:create",
          requestHash: opId,
          playerIds: [id],
          apply: (_, at) => {
            const { player, changes } = applyOps(newPlayer({ id }, at), [], at, DEFAULT_STATE_LIMITS);
            return { writes: [{ player, ops: [], changes }], result: null };
          },
        });
      }
      await setup.close();

      workers = names.map((name) =>
        startWorker({ path, name, players, commits: commitsPerWorker, concurrency: 25, ...(softPages === undefined ? {} : { softPages }) }),
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
