/**
 * Flood bench: one player floods a node with 50,000 events while another player (the victim)
 * keeps making ordinary calls; the victim's latency during the flood is set beside its
 * latency without the flood, in the same run, on the same node. Target: p99 during the
 * flood ≤ 50 ms.
 *
 *   npx tsx bench/flood.ts [--events 50000] [--rate 200] [--quiet-ms 3000] [--profile]
 *
 * Processes: the node (bench/servers/flood-node.ts: default limits, logs at info to a file),
 * the flooder (bench/load/flooder.ts) and this one, the victim, which schedules a
 * `players:get` every 1000/rate ms and counts each call's latency from the time it was
 * scheduled (a stalled node cannot hide its stall by slowing the victim). Floods: a known
 * event (`players:get`, refused RATE_LIMITED past the player's bucket) and an unknown one.
 * Prints a Markdown table; writes bench/results/flood.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import type { Socket } from "socket.io-client";
import { Child } from "./harness/ipc";
import { newHistogram, recordMs, summarise } from "./harness/stats";
import { connectSocket } from "./load/transports";

const { values: args } = parseArgs({
  options: {
    events: { type: "string", default: "50000" },
    rate: { type: "string", default: "200" },
    "quiet-ms": { type: "string", default: "3000" },
    profile: { type: "boolean", default: false },
  },
});
const EVENTS = Number(args.events);
const INTERVAL_MS = 1000 / Number(args.rate);
const QUIET_MS = Number(args["quiet-ms"]);

interface Ready {
  type: "ready";
  url: string;
  tokens: { victim: string; flooder: string; game: string };
}
interface FloodResult {
  durationMs: number;
  outcomes: Record<string, number>;
  answered: number;
  timedOut: boolean;
}
interface NodeCpu {
  ms: number;
  delay: { p99Ms: number; maxMs: number };
}
interface LogCount {
  lines: number;
  bytes: number;
}

const isReady = (event: unknown): event is Ready => (event as { type?: unknown }).type === "ready";

/** Open loop: a call every INTERVAL_MS until `until` settles; latency from each call's scheduled time. */
async function victimWhile(socket: Socket, until: Promise<unknown>) {
  const histogram = newHistogram();
  const failures: Record<string, number> = {};
  let running = true;
  void until.finally(() => {
    running = false;
  });
  const start = performance.now();
  const calls: Promise<void>[] = [];
  for (let i = 0; running; i++) {
    const scheduled = start + i * INTERVAL_MS;
    const wait = scheduled - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    calls.push(
      (
        socket.timeout(30_000).emitWithAck("players:get", { playerId: "victim" }) as Promise<{ ok: boolean; error?: { code: string } }>
      ).then(
        (reply) => {
          recordMs(histogram, performance.now() - scheduled);
          if (!reply.ok) failures[reply.error?.code ?? "?"] = (failures[reply.error?.code ?? "?"] ?? 0) + 1;
        },
        () => {
          failures.TIMEOUT = (failures.TIMEOUT ?? 0) + 1;
        },
      ),
    );
  }
  await Promise.all(calls);
  return { ...summarise(histogram), failures };
}

const node = Child.start({
  name: "node",
  script: "bench/servers/flood-node.ts",
  // --profile: a CPU profile of the node's whole run, in bench/results/profiles/.
  nodeArgs: args.profile ? ["--cpu-prof", "--cpu-prof-dir=bench/results/profiles"] : process.env.FLOOD_TRACE_GC ? ["--trace-gc"] : [],
});
const flooder = Child.start({ name: "flooder", script: "bench/load/flooder.ts" });
try {
  // Both at once: an event that comes before its listener is lost.
  const [ready] = await Promise.all([
    node.waitFor(isReady, 60_000),
    flooder.waitFor((event): event is { type: "ready" } => (event as { type?: unknown }).type === "ready", 60_000),
  ]);
  const game = await connectSocket(ready.url, ready.tokens.game);
  for (const id of ["victim", "flooder"]) await game.emitWithAck("players:create", { id, opId: `bench-create-${id}` });
  game.close();
  const victim = await connectSocket(ready.url, ready.tokens.victim);
  // Warm up (JIT, the store's caches), then the quiet figure.
  await victimWhile(victim, new Promise((resolve) => setTimeout(resolve, 500)));
  const cpuBefore = await node.request<NodeCpu>({ type: "cpu" });
  const quietVictim = await victimWhile(victim, new Promise((resolve) => setTimeout(resolve, QUIET_MS)));
  const cpuAfter = await node.request<NodeCpu>({ type: "cpu" });
  const quiet = { victim: quietVictim, nodeCpuMs: cpuAfter.ms - cpuBefore.ms, loop: cpuAfter.delay };

  const floods = [
    { name: "known event (players:get)", event: "players:get", payload: { playerId: "flooder" } },
    { name: "unknown event", event: "no:such:event", payload: { playerId: "flooder" } },
  ];
  const rows: Array<{
    name: string;
    victim: Awaited<ReturnType<typeof victimWhile>>;
    flood?: FloodResult;
    log?: LogCount;
    nodeCpuMs: number;
    loop: NodeCpu["delay"];
  }> = [{ name: "no flood", victim: quiet.victim, nodeCpuMs: quiet.nodeCpuMs, loop: quiet.loop }];
  for (const flood of floods) {
    const logBefore = await node.request<LogCount>({ type: "log" });
    const cpuAtStart = await node.request<NodeCpu>({ type: "cpu" });
    const result = flooder.request<FloodResult>({ url: ready.url, token: ready.tokens.flooder, count: EVENTS, ...flood });
    const during = await victimWhile(victim, result);
    const logAfter = await node.request<LogCount>({ type: "log" });
    const cpuAtEnd = await node.request<NodeCpu>({ type: "cpu" });
    rows.push({
      name: `during a ${EVENTS.toLocaleString("en")}-event flood, ${flood.name}`,
      victim: during,
      flood: await result,
      log: { lines: logAfter.lines - logBefore.lines, bytes: logAfter.bytes - logBefore.bytes },
      nodeCpuMs: cpuAtEnd.ms - cpuAtStart.ms,
      loop: cpuAtEnd.delay,
    });
    // Let the flooder's bucket refill between floods, so each starts alike.
    await new Promise((resolve) => setTimeout(resolve, 2500));
  }
  victim.close();

  const ms = (value: number) => value.toFixed(1);
  const lines = [
    `Flood bench — ${cpus().length} × ${cpus()[0]?.model ?? "?"}, load average ${loadavg()[0]?.toFixed(2)} at the end, victim ${args.rate} calls/s`,
    "",
    "| victim's calls | calls | p50 (ms) | p99 (ms) | max (ms) | victim refused | flood: acks back after (ms) | flood outcomes | node log lines / bytes during the flood | node CPU (ms) | node event-loop delay p99 / max (ms) | p99 ≤ 50 ms |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows
      .map((row) =>
        [
          row.name,
          row.victim.count,
          ms(row.victim.p50Ms),
          ms(row.victim.p99Ms),
          ms(row.victim.maxMs),
          JSON.stringify(row.victim.failures),
          row.flood ? `${ms(row.flood.durationMs)}${row.flood.timedOut ? " (timed out)" : ""}` : "",
          row.flood
            ? Object.entries(row.flood.outcomes)
                .map(([k, v]) => `${k} ${v}`)
                .join(", ")
            : "",
          row.log ? `${row.log.lines} / ${row.log.bytes}` : "",
          row.nodeCpuMs.toFixed(0),
          `${ms(row.loop.p99Ms)} / ${ms(row.loop.maxMs)}`,
          row.victim.p99Ms <= 50 ? "✓" : "✗",
        ].join(" | "),
      )
      .map((line) => `| ${line} |`),
  ];
  console.log(lines.join("\n"));
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/flood.json", JSON.stringify({ at: new Date().toISOString(), events: EVENTS, rows }, null, 2));
} finally {
  await flooder.stop();
  await node.stop();
}
