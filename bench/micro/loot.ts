import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { newOpId } from "@hoard/client-sdk";
import type { Actor, InventoryOp, LootTable } from "@hoard/protocol";
import { drawLoot, lootTableId } from "@hoard/server/internal/loot/rules";
import { SqliteStore } from "@hoard/server/internal/store/sqlite/sqlite-store";
import { inventoryOn } from "../support/services";

/**
 * The cost of a loot grant: `inventory:apply` with one `grantLoot` (a table of 3 rolls over 4
 * weighted entries plus a guaranteed reward) against the same call with one plain `grant`, in
 * one process on the embedded store (no socket: the transport costs both the same). The two
 * alternate in rounds, so drift on a shared machine hits both alike; the ratio is the figure.
 * Also the draw alone (seeded sfc32 over the table, no I/O).
 *
 *   npx tsx bench/micro/loot.ts --calls 4000 --rounds 5
 */
const { values } = parseArgs({ options: { calls: { type: "string", default: "4000" }, rounds: { type: "string", default: "5" } } });
const calls = Number(values.calls);
const rounds = Number(values.rounds);
const PLAYERS = 200;
const CONCURRENCY = 50;
const actor: Actor = { role: "server", sub: "bench-game-server" };
const dir = mkdtempSync(join(tmpdir(), "hoard-loot-bench-"));

try {
  const store = new SqliteStore({ path: join(dir, "loot.db"), synchronous: "NORMAL" });
  const { items, loot, inventory } = inventoryOn(store);
  const ids: string[] = [];
  for (let k = 0; k < 4; k++) ids.push((await items.create({ name: `loot bench item ${k}`, value: 1 })).item.id);
  const table: LootTable = {
    name: "bench chest",
    guaranteed: [{ type: "currency", currency: "gold", amount: { min: 1, max: 10 } }],
    rolls: 3,
    entries: ids.map((itemId, k) => ({ type: "item" as const, itemId, category: "bag", quantity: { min: 1, max: 3 }, weight: k + 1 })),
  };
  const tableId = (await loot.create(table)).table.id;
  for (let p = 0; p < PLAYERS; p++) await inventory.createPlayer(actor, { id: `loot-p${p}`, opId: newOpId() });

  const shapes: Record<string, (i: number) => InventoryOp> = {
    grant: (i) => ({ type: "grant", category: "bag", itemId: ids[i % ids.length] as string, quantity: 1 }),
    grantLoot: () => ({ type: "grantLoot", tableId }),
  };
  const time = async (shape: (i: number) => InventoryOp) => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let start = 0; start < calls; start += CONCURRENCY) {
      const batch: Promise<unknown>[] = [];
      for (let i = start; i < Math.min(calls, start + CONCURRENCY); i++) {
        batch.push(inventory.apply(actor, { playerId: `loot-p${i % PLAYERS}`, opId: newOpId(), ops: [shape(i)] }));
      }
      await Promise.all(batch);
    }
    const used = process.cpuUsage(cpu);
    return { cpuUs: (used.user + used.system) / calls, wallUs: ((performance.now() - started) * 1000) / calls };
  };

  await time(shapes.grant as (i: number) => InventoryOp);
  await time(shapes.grantLoot as (i: number) => InventoryOp);
  const totals: Record<string, { cpuUs: number; wallUs: number }> = { grant: { cpuUs: 0, wallUs: 0 }, grantLoot: { cpuUs: 0, wallUs: 0 } };
  for (let round = 0; round < rounds; round++) {
    for (const [name, shape] of Object.entries(shapes)) {
      const figure = await time(shape);
      const total = totals[name] as { cpuUs: number; wallUs: number };
      total.cpuUs += figure.cpuUs / rounds;
      total.wallUs += figure.wallUs / rounds;
    }
  }

  const draws = 100_000;
  const tables = new Map([[lootTableId(table), table]]);
  const drawCpu = process.cpuUsage();
  for (let i = 0; i < draws; i++) drawLoot(tableId, tables, i.toString(16).padStart(32, "0"));
  const drawUsed = process.cpuUsage(drawCpu);
  const drawUs = (drawUsed.user + drawUsed.system) / draws;

  const grant = totals.grant as { cpuUs: number; wallUs: number };
  const grantLoot = totals.grantLoot as { cpuUs: number; wallUs: number };
  console.log(`inventory:apply, ${calls} calls × ${rounds} rounds each, sqlite NORMAL, ${CONCURRENCY} in flight`);
  console.log(`  grant      cpu ${grant.cpuUs.toFixed(1)} µs/call   wall ${grant.wallUs.toFixed(1)} µs/call`);
  console.log(`  grantLoot  cpu ${grantLoot.cpuUs.toFixed(1)} µs/call   wall ${grantLoot.wallUs.toFixed(1)} µs/call`);
  console.log(
    `  ratio grantLoot / grant: cpu ${(grantLoot.cpuUs / grant.cpuUs).toFixed(2)}×, wall ${(grantLoot.wallUs / grant.wallUs).toFixed(2)}×`,
  );
  console.log(`drawLoot alone (3 rolls + 1 guaranteed, seeded sfc32): cpu ${drawUs.toFixed(2)} µs/draw`);
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
