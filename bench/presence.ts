/**
 * Presence bench: npx tsx bench/presence.ts [--seconds 4]
 *
 * For each registry engine (in-process; Redis when redis-server is on the PATH), on a node of its
 * own (createApp, temp sqlite file, silent logs), driven by the real SDK over real sockets:
 *   1. events ingested per second, in batches of 1000 LOGIN/LOGOUT events, over the socket and
 *      over HTTP (4 game-server connections, 2 batches in flight each). The load runs in a
 *      child process so the node's process does only the node's work; its CPU time per event
 *      is measured too (→ events/s one core sustains), and Redis's from INFO;
 *   2. push staleness: a subscriber of area/{code} timestamps every change it sees pushed, while
 *      a game server changes the area about 50 times a second (p50/p99/max, and pushes per
 *      second), then after quiet periods (the leading edge: how soon a lone change goes out).
 * Prints a Markdown table beside the origin's figures and writes bench/results/presence.json.
 */
import { fork } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { connect, type HoardClient, type PresenceEvent } from "@hoard/client-sdk";
import { createApp, type HoardApp, loadConfig } from "@hoard/server";
import { Redis } from "ioredis";
import { redisAvailable, startRedis } from "../test/support/redis";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "4" } } });
const SECONDS = Number(values.seconds);
const SECRET = "bench-secret-that-is-at-least-32-characters-long";
const BATCH = 1000;
const CLIENTS = 4;
const IN_FLIGHT = 2;
const AREAS = Array.from({ length: 19 }, (_, i) => `area${i}`);
const MODES = Array.from({ length: 10 }, (_, i) => `mode${i}`);
const USERS = 100_000;

interface IngestFigures {
  eventsPerSecond: number;
  /** CPU time of the node's process per event (µs), and the events/s that makes for one core. */
  nodeCpuMicrosPerEvent: number;
  perCoreEventsPerSecond: number;
  /** Redis's CPU time per event (µs), for the Redis engine. */
  redisCpuMicrosPerEvent?: number;
}

interface EngineFigures {
  engine: "memory" | "redis";
  socket: IngestFigures;
  http: IngestFigures;
  staleness: { p50: number; p99: number; max: number; p99FromAck: number; changes: number; missed: number; pushesPerSecond: number };
  leadingEdge: { p50: number; max: number; samples: number };
}

async function startNode(dir: string, engine: "memory" | "redis", redisUrl?: string): Promise<{ app: HoardApp; url: string }> {
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    HOARD_DB: join(dir, `${engine}.db`),
    HOARD_SQLITE_SYNCHRONOUS: "NORMAL",
    HOARD_SECRET: SECRET,
    HOARD_LOG_LEVEL: "silent",
    HOARD_NODE_ID: `bench-${engine}`,
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  });
  const app = createApp(config);
  return { app, url: await app.listen() };
}

async function client(app: HoardApp, url: string, role: "player" | "server", sub: string): Promise<HoardClient> {
  return connect(url, { token: await app.tokens.mint({ sub, role, expiresIn: "1h" }), timeoutMs: 30_000 });
}

/**
 * A batch of events with ids unique to the run: 70 % LOGIN of users spread over 19 areas and
 * 10 modes, 30 % LOGOUT of the user logged in three events before (same area and mode).
 */
function batchOf(prefix: string, counter: { n: number }): PresenceEvent[] {
  const events: PresenceEvent[] = [];
  for (let i = 0; i < BATCH; i++) {
    const n = counter.n++;
    const login = n % 10 < 7;
    const source = login ? n : n - 3;
    events.push({
      eventId: `${prefix}-${n}`,
      userId: `${prefix}-u${(source * 7919) % USERS}`,
      areaCode: AREAS[source % AREAS.length] as string,
      mode: MODES[(source >> 3) % MODES.length] as string,
      event: login ? "LOGIN" : "LOGOUT",
    });
  }
  return events;
}

interface LoadOrder {
  url: string;
  token: string;
  transport: "socket" | "http";
  label: string;
}

/** The load generator (a child process): CLIENTS × IN_FLIGHT loops sending batches for SECONDS. */
async function runLoad(order: LoadOrder): Promise<{ events: number; seconds: number }> {
  const games =
    order.transport === "socket"
      ? await Promise.all(Array.from({ length: CLIENTS }, () => connect(order.url, { token: order.token, timeoutMs: 30_000 })))
      : [];
  const send = async (loop: number, events: PresenceEvent[]) => {
    if (order.transport === "socket") {
      await (games[loop % CLIENTS] as HoardClient).presence.ingest(events);
      return;
    }
    const response = await fetch(`${order.url}/api/v1/presence/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${order.token}`, "content-type": "application/json" },
      body: JSON.stringify({ events }),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  };
  let acked = 0;
  const started = performance.now();
  const until = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS * IN_FLIGHT }, async (_, loop) => {
      const counter = { n: 0 };
      while (performance.now() < until) {
        await send(loop, batchOf(`${order.label}-${loop}`, counter));
        acked += BATCH;
      }
    }),
  );
  for (const game of games) game.close();
  return { events: acked, seconds: (performance.now() - started) / 1000 };
}

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** Runs the load in a child process and measures this (the node's) process's CPU meanwhile. */
async function ingestRate(order: LoadOrder, redisUrl?: string): Promise<IngestFigures> {
  const redis = redisUrl ? new Redis(redisUrl) : undefined;
  const redisCpu = async () => {
    const info = (await redis?.info("cpu")) ?? "";
    const field = (name: string) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
    return field("used_cpu_user") + field("used_cpu_sys");
  };
  const child = fork(fileURLToPath(import.meta.url), ["--seconds", String(SECONDS)], {
    execArgv: ["--import", tsxLoader],
    env: { ...process.env, HOARD_BENCH_LOAD: JSON.stringify(order) },
  });
  const redisBefore = await redisCpu();
  const cpuBefore = process.cpuUsage();
  const result = await new Promise<{ events: number; seconds: number }>((resolve, reject) => {
    child.once("message", (message) => resolve(message as { events: number; seconds: number }));
    child.once("exit", (code) => reject(new Error(`the load process exited with ${code}`)));
  });
  const cpu = process.cpuUsage(cpuBefore);
  const redisSeconds = (await redisCpu()) - redisBefore;
  redis?.disconnect();
  child.kill();
  const nodeMicros = (cpu.user + cpu.system) / result.events;
  return {
    eventsPerSecond: Math.round(result.events / result.seconds),
    nodeCpuMicrosPerEvent: Math.round(nodeMicros * 100) / 100,
    perCoreEventsPerSecond: Math.round(1e6 / nodeMicros),
    ...(redis ? { redisCpuMicrosPerEvent: Math.round(((redisSeconds * 1e6) / result.events) * 100) / 100 } : {}),
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Each change logs one new user into the area, so a push whose total is T carries changes
 * 1..T. Change k is committed somewhere between its send and its ack: its staleness is the
 * arrival of the first push with total ≥ k minus the send (an upper bound) and minus the ack
 * (a lower bound). One clock: both ends are in this process.
 */
async function staleness(app: HoardApp, url: string): Promise<Pick<EngineFigures, "staleness" | "leadingEdge">> {
  const game = await client(app, url, "server", "staleness-game");
  const viewer = await client(app, url, "player", "staleness-viewer");
  const measure = async (areaCode: string, gapMs: () => number, changes: number) => {
    const sentAt: number[] = [];
    const ackedAt: number[] = [];
    const arrivedAt: number[] = [];
    const pushTimes: number[] = [];
    let seenTotal = 0;
    const watch = await viewer.watchArea(areaCode);
    watch.on("change", (stats) => {
      const now = performance.now();
      pushTimes.push(now);
      for (let k = seenTotal + 1; k <= stats.total; k++) arrivedAt[k] = now;
      seenTotal = Math.max(seenTotal, stats.total);
    });
    for (let k = 1; k <= changes; k++) {
      sentAt[k] = performance.now();
      await game.presence.ingest([{ userId: `${areaCode}-u${k}`, areaCode, mode: MODES[k % MODES.length] as string, event: "LOGIN" }]);
      ackedAt[k] = performance.now();
      await sleep(gapMs());
    }
    const deadline = performance.now() + 2000;
    while (seenTotal < changes && performance.now() < deadline) await sleep(10);
    await watch.close();
    const fromSend: number[] = [];
    const fromAck: number[] = [];
    for (let k = 1; k <= changes; k++) {
      const arrived = arrivedAt[k];
      if (arrived === undefined) continue;
      fromSend.push(arrived - (sentAt[k] as number));
      fromAck.push(Math.max(0, arrived - (ackedAt[k] as number)));
    }
    const span = ((pushTimes.at(-1) ?? 0) - (pushTimes[0] ?? 0)) / 1000;
    return {
      fromSend: fromSend.sort((a, b) => a - b),
      fromAck: fromAck.sort((a, b) => a - b),
      missed: changes - fromSend.length,
      pushes: pushTimes.length,
      span,
    };
  };

  const busy = await measure(`busy-${Date.now()}`, () => -Math.log(1 - Math.random()) * 20, Math.round(SECONDS * 50));
  const quiet = await measure(`quiet-${Date.now()}`, () => 300, 10);
  game.close();
  viewer.close();
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    staleness: {
      p50: round(percentile(busy.fromSend, 50)),
      p99: round(percentile(busy.fromSend, 99)),
      max: round(busy.fromSend.at(-1) ?? Number.NaN),
      p99FromAck: round(percentile(busy.fromAck, 99)),
      changes: busy.fromSend.length,
      missed: busy.missed,
      pushesPerSecond: round(busy.span > 0 ? (busy.pushes - 1) / busy.span : Number.NaN),
    },
    leadingEdge: {
      p50: round(percentile(quiet.fromSend, 50)),
      max: round(quiet.fromSend.at(-1) ?? Number.NaN),
      samples: quiet.fromSend.length,
    },
  };
}

async function benchEngine(dir: string, engine: "memory" | "redis", redisUrl?: string): Promise<EngineFigures> {
  const { app, url } = await startNode(dir, engine, redisUrl);
  try {
    const token = await app.tokens.mint({ sub: "game", role: "server", expiresIn: "1h" });
    const socket = await ingestRate({ url, token, transport: "socket", label: "socket" }, redisUrl);
    const http = await ingestRate({ url, token, transport: "http", label: "http" }, redisUrl);
    return { engine, socket, http, ...(await staleness(app, url)) };
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "hoard-bench-presence-"));
  const figures: EngineFigures[] = [];
  let redisNote = "";
  try {
    figures.push(await benchEngine(dir, "memory"));
    if (redisAvailable()) {
      const redis = await startRedis();
      try {
        figures.push(await benchEngine(dir, "redis", redis.url));
      } finally {
        await redis.stop();
      }
    } else {
      redisNote = "redis-server is not on the PATH: the Redis engine was NOT measured.";
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const cell = (pick: (f: EngineFigures) => number | string) => figures.map((f) => String(pick(f)));
  const fmt = (n: number) => n.toLocaleString("en-US");
  const redisCpu = (figures: IngestFigures) => (figures.redisCpuMicrosPerEvent === undefined ? "—" : figures.redisCpuMicrosPerEvent);
  const rows: string[][] = [
    ["events ingested/s, socket, batches of 1000", ...cell((f) => fmt(f.socket.eventsPerSecond)), "≥ 100,000 per node", "not measured"],
    [
      "  node CPU µs/event → events/s per core",
      ...cell((f) => `${f.socket.nodeCpuMicrosPerEvent} → ${fmt(f.socket.perCoreEventsPerSecond)}`),
      "",
      "",
    ],
    ["  Redis CPU µs/event", ...cell((f) => redisCpu(f.socket)), "", ""],
    ["events ingested/s, HTTP, batches of 1000", ...cell((f) => fmt(f.http.eventsPerSecond)), "≥ 100,000 per node", "not measured"],
    [
      "  node CPU µs/event → events/s per core",
      ...cell((f) => `${f.http.nodeCpuMicrosPerEvent} → ${fmt(f.http.perCoreEventsPerSecond)}`),
      "",
      "",
    ],
    ["  Redis CPU µs/event", ...cell((f) => redisCpu(f.http)), "", ""],
    ["push staleness from send, p50 (ms), ~50 changes/s", ...cell((f) => f.staleness.p50), "≤ 250", "up to 30,000 (cache)"],
    ["push staleness from send, p99 / max (ms)", ...cell((f) => `${f.staleness.p99} / ${f.staleness.max}`), "≤ 250", "30,000"],
    ["push staleness from ack, p99 (ms)", ...cell((f) => f.staleness.p99FromAck), "≤ 250", ""],
    ["changes never pushed", ...cell((f) => f.staleness.missed), "0", ""],
    ["pushes/s to one busy area", ...cell((f) => f.staleness.pushesPerSecond), "≈ 4", "—"],
    ["lone change after quiet, p50 / max (ms)", ...cell((f) => `${f.leadingEdge.p50} / ${f.leadingEdge.max}`), "≤ 250", "up to 30,000"],
  ];
  const header = ["figure", ...figures.map((f) => f.engine), "target", "origin (FastAPI + Redis cache)"];
  const lines = [
    `Presence bench — ${cpus().length} × ${cpus()[0]?.model ?? "cpu"} (load average ${loadavg()[0]?.toFixed(1)}), node ${process.version}, ${SECONDS} s per run`,
    "",
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ];
  if (redisNote) lines.push("", redisNote);
  console.log(lines.join("\n"));
  mkdirSync(new URL("./results", import.meta.url), { recursive: true });
  writeFileSync(
    new URL("./results/presence.json", import.meta.url),
    JSON.stringify({ at: new Date().toISOString(), seconds: SECONDS, cpus: cpus().length, node: process.version, figures }, null, 2),
  );
}

const loadOrder = process.env.HOARD_BENCH_LOAD;
if (loadOrder) {
  process.send?.(await runLoad(JSON.parse(loadOrder) as LoadOrder));
} else {
  await main();
}
process.exit(0);
