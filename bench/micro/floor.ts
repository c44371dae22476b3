import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { newOpId } from "@hoard/client-sdk";
import { type Actor, clientEvents, type ItemDefinition, type ParsedInput, type Player } from "@hoard/protocol";
import type { ActionContext, Actions } from "@hoard/server/internal/actions";
import { inventoryActions } from "@hoard/server/internal/inventory/actions";
import { applyOps, DEFAULT_STATE_LIMITS } from "@hoard/server/internal/inventory/rules";
import type { InventoryService } from "@hoard/server/internal/inventory/service";
import { ItemService, itemId } from "@hoard/server/internal/items/service";
import { requestHash } from "@hoard/server/internal/lib/canonical";
import { createLogger } from "@hoard/server/internal/log";
import { SqliteStore } from "@hoard/server/internal/store/sqlite/sqlite-store";
import { Dispatcher } from "@hoard/server/internal/transport/dispatch";
import { Metrics } from "@hoard/server/internal/transport/metrics";
import { RateLimits } from "@hoard/server/internal/transport/rate-classes";
import { TokenBuckets } from "@hoard/server/internal/transport/rate-limit";
import { RefusalLog } from "@hoard/server/internal/transport/refusal-log";
import { Server } from "socket.io";
import { serveParent } from "../harness/ipc";
import type { FloorResult, FloorStep } from "../harness/protocol";
import { payloadOf } from "../harness/workload";
import { inventoryOn } from "../support/services";

/**
 * The floor: Hoard's mutation path taken apart and timed in one process, with no socket. The
 * sum of the bare socket.io round trip and these steps is what a mutation cannot cost less
 * than without changing what it does (parse, check, hash, read, apply, write the player, the
 * op-log record that carries the op result, publish).
 */
const ITERATIONS = 20_000;
const BATCH = 256;
const WARMUP = 2 * BATCH;
const PLAYERS = 1000;

serveParent({ request: () => runFloor(), stop: async () => {} });

async function runFloor(): Promise<FloorResult> {
  const dir = mkdtempSync(join(tmpdir(), "hoard-floor-"));
  try {
    const steps: FloorStep[] = [];
    const definitions: ItemDefinition[] = Array.from({ length: 8 }, (_, k) => ({ name: `bench item ${k}`, kind: "material", value: 1 }));
    const workload = { playerPrefix: "floor-p", players: PLAYERS, itemIds: definitions.map(itemId), op: "grant" as const };
    const actor: Actor = { role: "server", sub: "bench-game-server" };
    const schema = clientEvents["inventory:apply"].input;
    const payloads = Array.from({ length: ITERATIONS }, (_, i) => payloadOf(workload, i, newOpId()));
    const inputs = payloads.map((payload) => schema.parse(payload) as ParsedInput<"inventory:apply">);

    steps.push(timeSync("zod: parse the inventory:apply payload", ITERATIONS, (i) => schema.parse(payloads[i])));
    steps.push(
      timeSync("requestHash: canonical JSON + SHA-256", ITERATIONS, (i) => requestHash("inventory:apply", inputs[i] as { opId: string })),
    );

    const player = samplePlayer(workload.itemIds);
    steps.push(
      timeSync("rules: applyOps on a player of 8 stacks", ITERATIONS, (i) =>
        applyOps(player, (inputs[i] as ParsedInput<"inventory:apply">).ops, "2026-01-01T00:00:00.000Z", DEFAULT_STATE_LIMITS),
      ),
    );

    const metrics = new Metrics("floor");
    steps.push(
      timeSync("metrics: requests.inc + duration.observe (prom-client labels)", ITERATIONS, () => {
        metrics.requests.inc({ event: "inventory:apply", transport: "socket", outcome: "ok" });
        metrics.duration.observe({ event: "inventory:apply" }, 0.001);
      }),
    );

    // Not attached to an HTTP server: only the broadcast path runs, so there is nothing to close.
    const io = new Server();
    steps.push(
      // On one node app.ts skips this when no socket of its own watches the topic; with Redis it runs.
      timeSync("publish: io.to(topic).emit with no subscriber", ITERATIONS, (i) =>
        io.to(`inventory/floor-p${i % PLAYERS}`).emit("push", { type: "inventory", topic: `inventory/floor-p${i % PLAYERS}`, seq: i }),
      ),
    );

    // Every commit needs an op id of its own, warm-up calls included: the SDK's, or random
    // ones (what a client that does not use the SDK may send).
    const fresh = (opId: () => string) =>
      Array.from({ length: ITERATIONS + WARMUP }, (_, i) => ({
        ...(inputs[i % ITERATIONS] as ParsedInput<"inventory:apply">),
        opId: opId(),
      }));
    const ctx: ActionContext = { principal: { role: "server", sub: actor.sub } };
    let stores = 0;
    // Each store step starts from a fresh store of the same size: per-mutation cost grows with
    // the store, so steps timed one after another on one file would not be comparable.
    const withStore = async (
      synchronous: "NORMAL" | "FULL",
      step: (deps: { store: SqliteStore; inventory: InventoryService }) => Promise<FloorStep>,
    ) => {
      const store = new SqliteStore({ path: join(dir, `floor-${stores++}.db`), synchronous });
      try {
        const { items, inventory } = inventoryOn(store);
        for (const definition of definitions) await items.create(definition);
        for (let k = 0; k < PLAYERS; k++) await inventory.createPlayer(actor, { id: `floor-p${k}`, opId: newOpId() });
        steps.push(await step({ store, inventory }));
      } finally {
        await store.close();
      }
    };

    for (const synchronous of ["NORMAL", "FULL"] as const) {
      await withStore(synchronous, ({ store }) =>
        timeBatches(`store: items.getItems (a read of one definition), sync ${synchronous}`, ITERATIONS, BATCH, (i) =>
          store.getItems([workload.itemIds[i % workload.itemIds.length] as string]),
        ),
      );
      // What the grant's item check costs: definitions never change, so a known id is not read again.
      await withStore(synchronous, ({ store }) => {
        const items = new ItemService(store);
        return timeBatches(`items.requireDefined (the grant's item check, ids known), sync ${synchronous}`, ITERATIONS, BATCH, (i) =>
          items.requireDefined([workload.itemIds[i % workload.itemIds.length] as string]),
        );
      });
      await withStore(synchronous, ({ inventory }) => {
        const calls = fresh(newOpId);
        return timeBatches(`service: InventoryService.apply (check, hash, commit), sync ${synchronous}`, ITERATIONS, BATCH, (i) =>
          inventory.apply(actor, calls[i] as ParsedInput<"inventory:apply">),
        );
      });
      if (synchronous === "FULL") {
        await withStore(synchronous, ({ inventory }) => {
          const calls = fresh(() => randomBytes(16).toString("hex"));
          return timeBatches("service, as above, with random op ids instead of the SDK's", ITERATIONS, BATCH, (i) =>
            inventory.apply(actor, calls[i] as ParsedInput<"inventory:apply">),
          );
        });
      }
      await withStore(synchronous, ({ inventory }) => {
        const log = createLogger({ nodeId: "floor", level: "silent" });
        const dispatcher = new Dispatcher({
          // Only inventory:apply is dispatched here; the full table (every domain's actions) is app.ts's business.
          actions: inventoryActions(inventory) as unknown as Actions,
          log,
          refusals: new RefusalLog(log),
          metrics: new Metrics("floor"),
          limits: new RateLimits({
            rates: { standard: { perSecond: 1_000_000, burst: 1_000_000 }, strict: { perSecond: 1_000_000, burst: 1_000_000 } },
            limiter: (_, rate) => new TokenBuckets(rate.perSecond, rate.burst),
          }),
        });
        const calls = fresh(newOpId);
        return timeBatches(`dispatcher: parse → authorize → service → ack, sync ${synchronous}`, ITERATIONS, BATCH, async (i) => {
          const reply = await dispatcher.run("inventory:apply", calls[i], ctx, "socket");
          if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
        });
      });
    }
    return { iterations: ITERATIONS, batch: BATCH, steps };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function samplePlayer(itemIds: string[]): Player {
  const stacks: Record<string, number> = {};
  for (const id of itemIds) stacks[id] = 100;
  return {
    id: "floor-p0",
    version: 800,
    wallet: { gold: 100 },
    inventories: { bag: { stacks, metrics: {} } },
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
  };
}

/** Runs `fn` once per index after a short warm-up, and divides the CPU and wall time by the count. */
function timeSync(label: string, iterations: number, fn: (i: number) => unknown): FloorStep {
  for (let i = 0; i < Math.min(2000, iterations); i++) fn(i);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < iterations; i++) fn(i);
  return finish(label, iterations, cpu, started);
}

/**
 * Like timeSync for async steps, `batch` at a time, as the group commit would see them at
 * peak. The warm-up uses indices from `iterations` on, so no call is made twice.
 */
async function timeBatches(label: string, iterations: number, batch: number, fn: (i: number) => Promise<unknown>): Promise<FloorStep> {
  const run = async (from: number, to: number) => {
    for (let start = from; start < to; start += batch) {
      const calls: Array<Promise<unknown>> = [];
      for (let i = start; i < Math.min(to, start + batch); i++) calls.push(fn(i));
      await Promise.all(calls);
    }
  };
  await run(iterations, iterations + WARMUP);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run(0, iterations);
  return finish(label, iterations, cpu, started);
}

function finish(label: string, iterations: number, cpu: NodeJS.CpuUsage, started: number): FloorStep {
  const used = process.cpuUsage(cpu);
  return { label, cpuUs: (used.user + used.system) / iterations, wallUs: ((performance.now() - started) * 1000) / iterations };
}
