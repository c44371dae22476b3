import { spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { HoardError } from "@hoard/protocol";
import { DEFAULT_STATE_LIMITS } from "@hoard/server/internal/config";
import { applyOps, newPlayer } from "@hoard/server/internal/inventory/rules";
import { requestHash } from "@hoard/server/internal/lib/canonical";
import { SqliteStore } from "@hoard/server/internal/store/sqlite/sqlite-store";

/**
 * Recovery of the embedded store: how long a file of `--mutations` op-log entries over
 * `--players` players takes to open and serve (a read and a commit), after a clean close and
 * after `kill -9` of a process writing to it under load (its WAL not checkpointed).
 *
 *   npx tsx bench/recovery.ts --players 100000 --mutations 1000000 [--dir /tmp/x --keep]
 *
 * Building the file is slow (minutes); `--keep` leaves it in `--dir` for the next run.
 */
const { values } = parseArgs({
  options: {
    players: { type: "string", default: "100000" },
    mutations: { type: "string", default: "1000000" },
    dir: { type: "string" },
    keep: { type: "boolean", default: false },
    child: { type: "string" },
  },
});
const players = Number(values.players);
const mutations = Number(values.mutations);
const actor = { role: "server" as const, sub: "bench-recovery" };
const playerId = (k: number) => `rec-p${k}`;

function create(store: SqliteStore, k: number): Promise<unknown> {
  const id = playerId(k);
  const opId = `create-${k}`;
  return store.commitPlayers({
    opId,
    actor,
    kind: "players:create",
    requestHash: requestHash("players:create", { opId } as { opId: string }),
    playerIds: [id],
    apply: (_, at) => {
      const { player, changes } = applyOps(newPlayer({ id }, at), [], at, DEFAULT_STATE_LIMITS);
      return { writes: [{ player, ops: [], changes }], result: null };
    },
  });
}

function credit(store: SqliteStore, k: number, opId: string): Promise<unknown> {
  const id = playerId(k);
  const ops = [{ type: "credit" as const, currency: "gold", amount: 1 }];
  return store.commitPlayers({
    opId,
    actor,
    kind: "inventory:apply",
    requestHash: requestHash("inventory:apply", { opId } as { opId: string }),
    playerIds: [id],
    apply: (stored, at) => {
      const player = stored.get(id);
      if (!player) throw new HoardError("PLAYER_NOT_FOUND", undefined, { details: { playerId: id } });
      const next = applyOps(player, ops, at, DEFAULT_STATE_LIMITS);
      return { writes: [{ player: next.player, ops, changes: next.changes }], result: { version: next.player.version } };
    },
  });
}

/** Runs `count` commits, `inFlight` at a time (each turn's commits share one group commit). */
async function drive(count: number, inFlight: number, commit: (i: number) => Promise<unknown>, onProgress?: (done: number) => void) {
  for (let done = 0; done < count; ) {
    const n = Math.min(inFlight, count - done);
    await Promise.all(Array.from({ length: n }, (_, j) => commit(done + j)));
    done += n;
    onProgress?.(done);
  }
}

/** Opening, one read and one commit: the time until the store serves. */
async function openAndServe(path: string): Promise<{ openMs: number; firstReadMs: number; firstCommitMs: number }> {
  const started = performance.now();
  const store = new SqliteStore({ path });
  const opened = performance.now();
  await store.getPlayer(playerId(Math.floor(players / 2)));
  const read = performance.now();
  await credit(store, 0, `after-open-${Date.now()}`);
  const committed = performance.now();
  await store.close();
  return { openMs: opened - started, firstReadMs: read - opened, firstCommitMs: committed - read };
}

const walBytes = (path: string) => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);

if (values.child) {
  // The writer to be killed: credits without end, printing how many it has committed.
  const store = new SqliteStore({ path: values.child });
  let i = 0;
  await drive(
    Number.MAX_SAFE_INTEGER,
    256,
    () => credit(store, i % players, `load-${process.pid}-${i++}`),
    (done) => {
      if (done % 2560 === 0) process.stdout.write(`${done}\n`);
    },
  );
} else {
  const dir = values.dir ?? join(tmpdir(), "hoard-recovery");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `recovery-${players}-${mutations}.db`);
  if (!existsSync(path)) {
    const building = performance.now();
    const store = new SqliteStore({ path, synchronous: "NORMAL" });
    await drive(players, 512, (k) => create(store, k));
    await drive(
      mutations - players,
      512,
      (i) => credit(store, i % players, `build-${i}`),
      (done) => {
        if (done % 102_400 === 0) console.log(`[recovery] built ${players + done} mutations`);
      },
    );
    await store.close();
    console.log(
      `[recovery] built ${mutations} mutations over ${players} players in ${((performance.now() - building) / 1000).toFixed(0)} s`,
    );
  }
  console.log(`[recovery] file ${(statSync(path).size / 2 ** 20).toFixed(0)} MiB`);
  console.log(`[recovery] clean open: ${JSON.stringify(await openAndServe(path))}`);

  // kill -9 of a writer under load, mid-way through its WAL.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ["--import", tsx, self, "--players", String(players), "--child", path], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let committed = 0;
  await new Promise<void>((resolve) => {
    child.stdout.on("data", (chunk: Buffer) => {
      committed = Number(chunk.toString().trim().split("\n").at(-1));
      // Enough to be well into a WAL cycle (a few thousand pages).
      if (committed >= 20_000) resolve();
    });
  });
  child.kill("SIGKILL");
  await new Promise((resolve) => child.once("exit", resolve));
  const wal = walBytes(path);
  console.log(
    `[recovery] after kill -9 (${committed}+ commits acked, WAL ${(wal / 2 ** 20).toFixed(1)} MiB): ${JSON.stringify(await openAndServe(path))}`,
  );
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
