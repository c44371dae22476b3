/**
 * Expiry sweep cost: 100,000 expiring units past their time, removed by the node's sweep
 * (expiry/sweeper.ts: the next-expiry index, one versioned commit per player, op log entry,
 * push), against the same units taken by ordinary `consume` commits of the same players through
 * the same commit path, side by side in one run on the same kind of store. Two shapes: few
 * players with many units each, and one unit per player (the costly one: a commit per unit).
 *
 *   npx tsx bench/expiry.ts [--units 100000] [--sync FULL|NORMAL]
 *
 * In-process (no socket), on temp sqlite files; pushes go to a publisher that drops them.
 * Prints a Markdown table; writes bench/results/expiry.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { newOpId } from "@hoard/client-sdk";
import type { Actor, InventoryOp } from "@hoard/protocol";
import { commitAndPublish } from "@hoard/server/internal/commit/kernel";
import { DEFAULT_STATE_LIMITS } from "@hoard/server/internal/config";
import { ExpirySweeper } from "@hoard/server/internal/expiry/sweeper";
import { applyOps, newPlayer } from "@hoard/server/internal/inventory/rules";
import { createLogger } from "@hoard/server/internal/log";
import { SqliteStore } from "@hoard/server/internal/store/sqlite/sqlite-store";
import { anItemId } from "../test/support/builders";

const { values } = parseArgs({ options: { units: { type: "string", default: "100000" }, sync: { type: "string", default: "FULL" } } });
const UNITS = Number(values.units);
const synchronous = values.sync as "FULL" | "NORMAL";
const actor: Actor = { role: "server", sub: "bench-game-server" };
const itemId = anItemId("rental");
const publisher = { publish: () => {} };
const log = createLogger({ nodeId: "bench", level: "silent" });
const START = Date.parse("2030-01-01T00:00:00.000Z");
const PARALLEL = 64;

interface Result {
  shape: string;
  players: number;
  unitsPerPlayer: number;
  sweepMs: number;
  consumeMs: number;
  /** One `listDueExpiries` page (500 players) with every player due. */
  indexPageMs: number;
}

/** A store on a temp file whose clock the bench sets; `players` players each with `perPlayer` units in one lot due at START + 1 s. */
async function seeded(players: number, perPlayer: number) {
  const dir = mkdtempSync(join(tmpdir(), "hoard-bench-expiry-"));
  let now = START;
  const store = new SqliteStore({ path: join(dir, "hoard.db"), synchronous, now: () => now });
  const ids = Array.from({ length: players }, (_, i) => `exp-${i}`);
  const grant: InventoryOp[] = [{ type: "grant", category: "bag", itemId, quantity: perPlayer, expiresInMs: 1000 }];
  for (let from = 0; from < ids.length; from += 256) {
    await Promise.all(
      ids.slice(from, from + 256).map((id) =>
        store.commitPlayers({
          opId: newOpId(),
          actor,
          kind: "players:create",
          requestHash: "seed",
          playerIds: [id],
          apply: (_, at) => {
            const { player, changes } = applyOps(newPlayer({ id }, at), grant, at, DEFAULT_STATE_LIMITS);
            return { writes: [{ player, ops: grant, changes }], result: null };
          },
        }),
      ),
    );
  }
  return {
    store,
    ids,
    /** Moves the store's clock (the lots fall due at START + 1 s). */
    setNow: (ms: number) => {
      now = ms;
    },
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function sweepAll(players: number, perPlayer: number): Promise<{ ms: number; indexPageMs: number }> {
  const seed = await seeded(players, perPlayer);
  try {
    seed.setNow(START + 2000);
    const due = new Date(START + 2000).toISOString();
    const indexStarted = performance.now();
    const page = await seed.store.listDueExpiries(due, 500);
    const indexPageMs = performance.now() - indexStarted;
    if (page.length !== Math.min(500, players)) throw new Error(`index listed ${page.length} due players`);
    const sweeper = new ExpirySweeper({ store: seed.store, publisher, log, now: () => START + 2000 });
    const started = performance.now();
    let units = 0;
    while ((await seed.store.listDueExpiries(due, 1)).length > 0) units += await sweeper.sweep();
    const ms = performance.now() - started;
    if (units !== players * perPlayer) throw new Error(`swept ${units} units, expected ${players * perPlayer}`);
    return { ms, indexPageMs };
  } finally {
    await seed.close();
  }
}

/** The baseline: the same units leave by an ordinary consume commit per player, PARALLEL at a time. */
async function consumeAll(players: number, perPlayer: number): Promise<number> {
  const seed = await seeded(players, perPlayer);
  try {
    const ops: InventoryOp[] = [{ type: "consume", category: "bag", itemId, quantity: perPlayer }];
    const request = (id: string) => ({ opId: newOpId(), playerId: id, ops });
    const started = performance.now();
    for (let from = 0; from < seed.ids.length; from += PARALLEL) {
      await Promise.all(
        seed.ids.slice(from, from + PARALLEL).map((id) =>
          commitAndPublish(
            { store: seed.store, publisher },
            {
              actor,
              kind: "inventory:apply",
              input: request(id),
              playerIds: [id],
              apply: (read, at) => {
                const next = applyOps(read.get(id) ?? newPlayer({ id }, at), ops, at, DEFAULT_STATE_LIMITS);
                return { writes: [{ player: next.player, ops, changes: next.changes }], result: null };
              },
            },
          ),
        ),
      );
    }
    return performance.now() - started;
  } finally {
    await seed.close();
  }
}

const results: Result[] = [];
for (const [shape, perPlayer] of [
  ["10 units per player", 10],
  ["1 unit per player", 1],
] as const) {
  const players = Math.ceil(UNITS / perPlayer);
  const sweep = await sweepAll(players, perPlayer);
  const consumeMs = await consumeAll(players, perPlayer);
  results.push({ shape, players, unitsPerPlayer: perPlayer, sweepMs: sweep.ms, consumeMs, indexPageMs: sweep.indexPageMs });
}

const fmt = (n: number) => n.toFixed(1);
console.log(`\nExpiry sweep of ${UNITS} units, sqlite synchronous=${synchronous} (in-process, one run)\n`);
console.log(
  "| shape | players | sweep ms | µs per player | µs per unit | same units by consume commits, ms | sweep / consume | index page (500 due) ms |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const r of results) {
  console.log(
    `| ${r.shape} | ${r.players} | ${fmt(r.sweepMs)} | ${fmt((r.sweepMs * 1000) / r.players)} | ${fmt((r.sweepMs * 1000) / UNITS)} | ${fmt(r.consumeMs)} | ${(r.sweepMs / r.consumeMs).toFixed(2)} | ${r.indexPageMs.toFixed(2)} |`,
  );
}
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(new URL("./results/expiry.json", import.meta.url), `${JSON.stringify({ units: UNITS, synchronous, results }, null, 2)}\n`);
