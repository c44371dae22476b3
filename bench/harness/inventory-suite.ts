import { mkdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { connect } from "@hoard/client-sdk";
import type { ItemDefinition } from "@hoard/protocol";
import { itemId } from "@hoard/server/internal/items/service";
import { Child } from "./ipc";
import { machineBusyMs } from "./machine";
import type { BenchOptions, TargetName } from "./options";
import { type CpuProfile, type ProfileSummary, summariseProfile } from "./profile";
import type { GeneratorEvent, IdleOpened, LoadJob, LoadMode, LoadResult, ServerMemory, ServerWindow, Workload } from "./protocol";
import { ServerUnderTest, TARGETS } from "./servers";
import { decodeHistogram, type LatencySummary, median, summarise } from "./stats";
import { benchPlayerId } from "./workload";

/** One load run against one target, reduced to the figures the report needs. */
export interface RunFigures {
  target: TargetName;
  mode: LoadMode["kind"];
  round: number;
  /** Open loop: the fraction of the target's peak and the rate offered. */
  level?: number;
  offeredRate?: number;
  /** Acks received per second of the window. */
  answeredPerSec: number;
  sent: number;
  acked: number;
  lost: number;
  errors: Record<string, number>;
  cpuUsPerCall: number;
  /** The part of cpuUsPerCall spent in the kernel (system calls: sockets, sqlite's file I/O). */
  sysUsPerCall: number;
  /** Server CPU over the window, % of one core. */
  serverCpuPct: number;
  serverElu: number;
  /** Generator CPU over the window, % of one core: near 100 means the generator, not the server, set the pace. */
  clientCpuPct: number;
  /** CPU taken by everything else on the machine over the window, % of one core (Linux only). */
  otherCpuPct?: number;
  latency: LatencySummary;
  service?: LatencySummary;
  sendLag?: LatencySummary;
  /** HDR histograms (µs, compressed base64) for later analysis. */
  histograms: { latency: string; service?: string; sendLag?: string };
}

interface MemoryRun {
  target: TargetName;
  connections: number;
  failed: number;
  base: ServerMemory;
  loaded: ServerMemory;
  rssPerConnKiB: number;
  heapPerConnKiB: number;
  connectMs: number;
}

export interface InventorySuiteResult {
  targets: TargetName[];
  workload: Workload;
  capacity: RunFigures[];
  /** Median acked calls/s over the capacity rounds. */
  peaks: Partial<Record<TargetName, number>>;
  latency: RunFigures[];
  memory: MemoryRun[];
  profile?: { target: TargetName; file: string; summary: ProfileSummary };
}

const ITEM_COUNT = 8;

/**
 * The built-in suite: Hoard's acked inventory mutations beside a bare socket.io echo and a
 * bare ws echo, on the same machine, in one run, interleaved (every round visits every
 * target, in a rotated order, so drift in the machine's load spreads over all of them).
 */
export async function runInventorySuite(options: BenchOptions, log: (line: string) => void): Promise<InventorySuiteResult> {
  const definitions: ItemDefinition[] = Array.from({ length: ITEM_COUNT }, (_, k) => ({
    name: `bench item ${k}`,
    kind: "material",
    value: 1,
  }));
  const workload: Workload = {
    playerPrefix: "bench-p",
    players: options.players,
    itemIds: definitions.map(itemId),
    op: options.op,
  };
  const result: InventorySuiteResult = { targets: options.targets, workload, capacity: [], peaks: {}, latency: [], memory: [] };
  const wants = (phase: BenchOptions["phases"][number]) => options.phases.includes(phase);

  if (wants("capacity") || wants("latency") || options.profile) {
    const servers = new Map<TargetName, ServerUnderTest>();
    try {
      for (const name of options.targets) {
        log(`starting ${TARGETS[name].label}`);
        const server = await ServerUnderTest.start(name);
        servers.set(name, server);
        if (TARGETS[name].hoard) await seedHoard(server, definitions, workload);
      }
      const job = (name: TargetName, mode: LoadMode): LoadJob => ({
        target: (servers.get(name) as ServerUnderTest).spec("server"),
        workload,
        connections: options.connections,
        mode,
        warmupMs: options.warmupMs,
        durationMs: options.durationMs,
        graceMs: options.graceMs,
      });

      // (--profile alone, with no capacity phase, starts the servers for its own window only.)
      for (let round = 0; round < (wants("capacity") ? options.rounds : 0); round++) {
        for (const name of rotate(options.targets, round)) {
          const run = await measure(servers.get(name) as ServerUnderTest, job(name, { kind: "closed", window: options.window }));
          const figures = { ...run, round };
          result.capacity.push(figures);
          log(`capacity  ${pad(TARGETS[name].label)} round ${round + 1}: ${describe(figures)}`);
        }
      }
      for (const name of wants("capacity") ? options.targets : []) {
        result.peaks[name] = median(result.capacity.filter((run) => run.target === name).map((run) => run.answeredPerSec));
      }

      if (wants("latency")) {
        for (const [index, level] of options.levels.entries()) {
          for (const name of rotate(options.targets, index)) {
            const rate = Math.max(1, Math.round((result.peaks[name] ?? 0) * level));
            const run = await measure(servers.get(name) as ServerUnderTest, job(name, { kind: "open", rate }));
            const figures = { ...run, round: 0, level, offeredRate: rate };
            result.latency.push(figures);
            log(`latency   ${pad(TARGETS[name].label)} at ${Math.round(level * 100)} % (${rate}/s): ${describe(figures)}`);
          }
        }
      }

      const profiled = servers.get("hoard-full") ?? servers.get("hoard-normal");
      if (options.profile && profiled) {
        const dir = join(options.outDir, "profiles");
        mkdirSync(dir, { recursive: true });
        const file = join(dir, `${profiled.name}-${new Date().toISOString().replace(/[:.]/g, "-")}.cpuprofile`);
        log(`profiling ${TARGETS[profiled.name].label} over one capacity window → ${file}`);
        await measure(profiled, job(profiled.name, { kind: "closed", window: options.window }), file);
        const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
        result.profile = {
          target: profiled.name,
          file: relative(process.cwd(), file),
          summary: summariseProfile(profile, { root: process.cwd(), top: 25 }),
        };
      }
    } finally {
      await Promise.all([...servers.values()].map((server) => server.stop()));
    }
  }

  if (wants("memory")) {
    // The sqlite setting does not touch an idle connection: one Hoard run stands for both.
    const hoard = options.targets.find((name) => name === "hoard-full") ?? options.targets.find((name) => TARGETS[name].hoard);
    for (const name of options.targets.filter((target) => !TARGETS[target].hoard || target === hoard)) {
      const run = await measureIdleMemory(name, options.idle);
      result.memory.push(run);
      log(
        `memory    ${pad(TARGETS[name].label)}: ${run.connections} idle connections, ` +
          `${run.rssPerConnKiB.toFixed(1)} KiB RSS and ${run.heapPerConnKiB.toFixed(1)} KiB heap each`,
      );
    }
  }
  return result;
}

/** Players and items the mutations need, created over the socket with the SDK, as a game server would. */
async function seedHoard(server: ServerUnderTest, definitions: ItemDefinition[], workload: Workload): Promise<void> {
  const hoard = await connect(server.url, { token: server.info.serverToken ?? "" });
  try {
    for (const definition of definitions) await hoard.items.create(definition);
    const ids = Array.from({ length: workload.players }, (_, k) => benchPlayerId(workload, k));
    for (let from = 0; from < ids.length; from += 200) {
      await Promise.all(ids.slice(from, from + 200).map((id) => hoard.players.create({ id })));
    }
  } finally {
    hoard.close();
  }
}

/**
 * Runs one job from a fresh generator process and measures the server over the generator's
 * window. With `profileFile`, the server is CPU-profiled over that window.
 */
async function measure(server: ServerUnderTest, job: LoadJob, profileFile?: string): Promise<Omit<RunFigures, "round">> {
  const generator = Child.start({ name: "generator", script: "bench/load/generator.ts" });
  let window: Promise<ServerWindow> | undefined;
  let started: Promise<unknown> = Promise.resolve();
  const machine: { start?: number | undefined; end?: number | undefined } = {};
  generator.events.on("event", (raw) => {
    const event = raw as GeneratorEvent;
    if (event.type === "window-start") {
      machine.start = machineBusyMs();
      started = Promise.all([server.mark(), profileFile ? server.profileStart(200) : undefined]);
    } else if (event.type === "window-end") {
      machine.end = machineBusyMs();
      window = started.then(async () => {
        const measured = await server.measure();
        if (profileFile) await server.profileStop(profileFile);
        return measured;
      });
    }
  });
  try {
    const load = await generator.request<LoadResult>({ type: "load", job });
    if (!window) throw new Error("the generator never closed its window");
    const machineMs = machine.start === undefined || machine.end === undefined ? undefined : machine.end - machine.start;
    return figuresOf({ target: server.name, job, load, server: await window, machineMs });
  } finally {
    await generator.stop();
  }
}

/** The figures of one run; `machineMs` is the machine's busy CPU over the window, when known. */
function figuresOf(run: {
  target: TargetName;
  job: LoadJob;
  load: LoadResult;
  server: ServerWindow;
  machineMs?: number | undefined;
}): Omit<RunFigures, "round"> {
  const { target, job, load, server } = run;
  const windowS = load.windowMs / 1000;
  const serverCpuUs = server.cpuUserUs + server.cpuSystemUs;
  const clientCpuUs = load.client.cpuUserUs + load.client.cpuSystemUs;
  const otherMs = run.machineMs === undefined ? undefined : Math.max(0, run.machineMs - (serverCpuUs + clientCpuUs) / 1000);
  return {
    target,
    mode: job.mode.kind,
    answeredPerSec: load.ackedInWindow / windowS,
    sent: load.sent,
    acked: load.acked,
    lost: load.lost,
    errors: load.errors,
    cpuUsPerCall: load.ackedInWindow > 0 ? serverCpuUs / load.ackedInWindow : Number.NaN,
    sysUsPerCall: load.ackedInWindow > 0 ? server.cpuSystemUs / load.ackedInWindow : Number.NaN,
    serverCpuPct: (serverCpuUs / 1000 / server.elapsedMs) * 100,
    serverElu: server.elu,
    clientCpuPct: (clientCpuUs / 1000 / load.client.elapsedMs) * 100,
    ...(otherMs === undefined ? {} : { otherCpuPct: (otherMs / server.elapsedMs) * 100 }),
    latency: summarise(decodeHistogram(load.latency)),
    ...(load.service === undefined ? {} : { service: summarise(decodeHistogram(load.service)) }),
    ...(load.sendLag === undefined ? {} : { sendLag: summarise(decodeHistogram(load.sendLag)) }),
    histograms: {
      latency: load.latency,
      ...(load.service === undefined ? {} : { service: load.service }),
      ...(load.sendLag === undefined ? {} : { sendLag: load.sendLag }),
    },
  };
}

/**
 * Memory per idle connection on a fresh server: warm it with a few connections (so lazily
 * loaded code and pools are in the base), read memory after GC, hold `count` idle connections,
 * read it again. Hoard's connections carry a `player` token, as a game client's would.
 */
async function measureIdleMemory(name: TargetName, count: number): Promise<MemoryRun> {
  const server = await ServerUnderTest.start(name);
  const generator = Child.start({ name: "generator", script: "bench/load/generator.ts" });
  try {
    const spec = server.spec("player");
    await generator.request<IdleOpened>({ type: "idle-open", target: spec, connections: Math.min(200, count) });
    await generator.request({ type: "idle-close" });
    await until(async () => (await server.memory()).connections === 0);
    const base = await server.memory();
    const opened = await generator.request<IdleOpened>({ type: "idle-open", target: spec, connections: count });
    await until(async () => (await server.memory()).connections >= opened.connected);
    const loaded = await server.memory();
    await generator.request({ type: "idle-close" });
    const per = (bytes: number) => (opened.connected > 0 ? bytes / opened.connected / 1024 : Number.NaN);
    return {
      target: name,
      connections: opened.connected,
      failed: opened.failed,
      base,
      loaded,
      rssPerConnKiB: per(loaded.rss - base.rss),
      heapPerConnKiB: per(loaded.heapUsed - base.heapUsed),
      connectMs: opened.elapsedMs,
    };
  } finally {
    await generator.stop();
    await server.stop();
  }
}

async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("the server did not settle within a minute");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Round r starts at the r-th target, so each target takes every position once over the rounds. */
export function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

function describe(run: Omit<RunFigures, "round">): string {
  const errors = Object.entries(run.errors)
    .map(([code, n]) => `${code}×${n}`)
    .join(" ");
  return (
    `${Math.round(run.answeredPerSec)}/s, ${run.cpuUsPerCall.toFixed(1)} µs CPU/call, server ${run.serverCpuPct.toFixed(0)} % ` +
    `client ${run.clientCpuPct.toFixed(0)} %${run.otherCpuPct === undefined ? "" : ` others ${run.otherCpuPct.toFixed(0)} %`}, p50 ${run.latency.p50Ms.toFixed(2)} p99 ${run.latency.p99Ms.toFixed(2)} ` +
    `p999 ${run.latency.p999Ms.toFixed(2)} ms${run.lost > 0 ? `, ${run.lost} lost` : ""}${errors ? `, errors ${errors}` : ""}`
  );
}

function pad(text: string): string {
  return text.padEnd(19);
}
