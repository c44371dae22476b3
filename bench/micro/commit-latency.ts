import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { newOpId } from "@hoard/client-sdk";
import type { Actor, ItemDefinition, ParsedInput } from "@hoard/protocol";
import { itemId } from "@hoard/server/internal/items/service";
import { SqliteStore } from "@hoard/server/internal/store/sqlite/sqlite-store";
import { newHistogram, recordMs, summarise } from "../harness/stats";
import { payloadOf } from "../harness/workload";
import { inventoryOn } from "../support/services";

/**
 * Commit latency of the embedded store at a steady rate, in one process with no socket:
 * `inventory:apply` (grant) at `--rate` calls/s for `--seconds`, open loop (each latency counts
 * from the call's scheduled time), once per `synchronous` setting. Shows the stalls a WAL
 * checkpoint inside a commit would cause: the latency tail, the main thread's time in each group
 * commit, and the event loop's longest delay.
 *
 *   npx tsx bench/micro/commit-latency.ts --rate 2000 --seconds 10
 */
const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "2000" },
    seconds: { type: "string", default: "10" },
    players: { type: "string", default: "1000" },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const players = Number(values.players);

const definitions: ItemDefinition[] = Array.from({ length: 8 }, (_, k) => ({ name: `bench item ${k}`, kind: "material", value: 1 }));
const workload = { playerPrefix: "lat-p", players, itemIds: definitions.map(itemId), op: "grant" as const };
const actor: Actor = { role: "server", sub: "bench-game-server" };
const dir = mkdtempSync(join(tmpdir(), "hoard-commit-latency-"));

try {
  for (const synchronous of ["FULL", "NORMAL"] as const) {
    const store = new SqliteStore({ path: join(dir, `latency-${synchronous}.db`), synchronous });
    const { items, inventory } = inventoryOn(store);
    for (const definition of definitions) await items.create(definition);
    for (let k = 0; k < players; k++) await inventory.createPlayer(actor, { id: `lat-p${k}`, opId: newOpId() });

    const latency = newHistogram();
    // The main thread's time inside each group commit (the store's private flush, wrapped here):
    // a checkpoint run inside a commit shows as its tail.
    const flushes = newHistogram();
    const target = store as unknown as { flush: () => void };
    const flush = target.flush.bind(store);
    target.flush = () => {
      const at = performance.now();
      flush();
      recordMs(flushes, performance.now() - at);
    };
    const loop = monitorEventLoopDelay({ resolution: 1 });
    const total = rate * seconds;
    const cpu = process.cpuUsage();
    const started = performance.now();
    loop.enable();
    let sent = 0;
    const inFlight = new Set<Promise<void>>();
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      for (; sent < due; sent++) {
        const scheduled = started + (sent * 1000) / rate;
        const call = inventory
          .apply(actor, payloadOf(workload, sent, newOpId()) as ParsedInput<"inventory:apply">)
          .then(() => recordMs(latency, performance.now() - scheduled));
        inFlight.add(call);
        void call.finally(() => inFlight.delete(call));
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(inFlight);
    loop.disable();
    const used = process.cpuUsage(cpu);
    const s = summarise(latency);
    const f = summarise(flushes);
    console.log(
      JSON.stringify({
        synchronous,
        rate,
        calls: s.count,
        latencyMs: { p50: s.p50Ms, p99: s.p99Ms, p999: s.p999Ms, max: s.maxMs },
        groupCommitMs: { count: f.count, p50: f.p50Ms, p99: f.p99Ms, p999: f.p999Ms, max: f.maxMs },
        eventLoopDelayMs: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
        cpuUsPerCall: Math.round(((used.user + used.system) / s.count) * 10) / 10,
        checkpoints: store.checkpointer?.stats,
      }),
    );
    await store.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
