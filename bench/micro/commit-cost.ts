import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Actor, ItemDefinition, ParsedInput } from "@hoard/protocol";
import { itemId } from "@hoard/server/internal/items/service";
import { SqliteStore } from "@hoard/server/internal/store/sqlite/sqlite-store";
import { payloadOf } from "../harness/workload";
import { inventoryOn } from "../support/services";

/**
 * The store's share of a durable mutation, for an instruction counter: `--mutations` grants
 * through InventoryService.apply on a file store, in group commits of 256, and nothing else.
 * Run it under valgrind twice with two counts; the difference of the totals divided by the
 * difference of the counts is the instructions per mutation, start-up (tsx, the JIT's warm-up,
 * creating the players) cancelled out. Instructions, unlike CPU time, do not move with the other
 * work on a shared machine.
 *
 *   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p node --import tsx bench/micro/commit-cost.ts --mutations 20000
 */
const { values } = parseArgs({
  options: { mutations: { type: "string", default: "20000" }, players: { type: "string", default: "1000" } },
});
const mutations = Number(values.mutations);
const players = Number(values.players);
const definitions: ItemDefinition[] = Array.from({ length: 8 }, (_, k) => ({ name: `bench item ${k}`, kind: "material", value: 1 }));
const workload = { playerPrefix: "cost-p", players, itemIds: definitions.map(itemId), op: "grant" as const };
const actor: Actor = { role: "server", sub: "bench-game-server" };
const dir = mkdtempSync(join(tmpdir(), "hoard-commit-cost-"));
try {
  const store = new SqliteStore({ path: join(dir, "cost.db"), synchronous: "FULL" });
  const { items, inventory } = inventoryOn(store);
  for (const definition of definitions) await items.create(definition);
  for (let k = 0; k < players; k += 256) {
    await Promise.all(
      Array.from({ length: Math.min(256, players - k) }, (_, j) =>
        inventory.createPlayer(actor, { id: `cost-p${k + j}`, opId: `create-${k + j}` }),
      ),
    );
  }
  for (let i = 0; i < mutations; i += 256) {
    const calls: Array<Promise<unknown>> = [];
    for (let j = i; j < Math.min(mutations, i + 256); j++)
      calls.push(
        inventory.apply(actor, payloadOf(workload, j, `op-${j.toString(16).padStart(12, "0")}`) as ParsedInput<"inventory:apply">),
      );
    await Promise.all(calls);
  }
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
