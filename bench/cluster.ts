/**
 * Cross-node push latency: 3 Hoard nodes + Redis, beside bare Socket.IO servers bridged by
 * the same Redis adapter, on this machine, in one run.
 *
 *   npx tsx bench/cluster.ts [--rates 100,400] [--seconds 5] [--players 20] [--synchronous FULL]
 *
 * Hoard: a game server connected to node A credits players at a steady rate (open loop: sends
 * never wait for acks); watchers connected to nodes B and C are subscribed to every player.
 * Latency = the push arriving on B or C − the mutation sent to A (so it includes the durable
 * commit). Baseline: three bare servers (bench/fixtures/bare-adapter-node.ts); a client on
 * server 1 emits at the same rate to rooms that clients on servers 2 and 3 joined. Same
 * shape (one writer node, two receiving nodes) for both; every process on this machine.
 *
 * Each rate runs in short rounds, Hoard and bare in turn, so that load from elsewhere on the
 * machine falls on both alike. Prints a Markdown table and writes bench/results/cluster.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { connect, type HoardClient } from "@hoard/client-sdk";
import { io, type Socket } from "socket.io-client";
import { type ClusterNode, startCluster, startNode } from "../test/support/cluster";

const { values } = parseArgs({
  options: {
    rates: { type: "string", default: "100,400" },
    seconds: { type: "string", default: "5" },
    players: { type: "string", default: "20" },
    synchronous: { type: "string", default: "FULL" },
  },
});
const rates = (values.rates ?? "").split(",").map(Number);
const seconds = Number(values.seconds);
const playerCount = Number(values.players);
const WARMUP_SECONDS = 0.5;
const ROUNDS = 3;
const TARGET_P99_MS = 15;

interface Run {
  system: "hoard" | "bare";
  rate: number;
  sent: number;
  /** Pushes expected on the receiving nodes (2 per send) and how many came. */
  expected: number;
  received: number;
  p50: number;
  p99: number;
  max: number;
  /** Hoard only: the writer's ack (commit on node A) latency. */
  ackP50?: number;
  ackP99?: number;
  /** Hoard only: push on B or C − the writer's ack (how much later a remote subscriber hears of it). */
  hopP50?: number;
  hopP99?: number;
}

/** What one round measured, in ms. */
interface Sample {
  sent: number;
  latencies: number[];
  acks: number[];
  hops: number[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Calls `send(i)` `rate × seconds` times at a steady pace; never waits for replies. */
async function paced(rate: number, duration: number, send: (i: number) => void): Promise<number> {
  const total = Math.round(rate * duration);
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 1) await sleep(wait);
    send(i);
  }
  return total;
}

/** Waits until `done()` or `ms` pass. */
async function settle(done: () => boolean, ms = 3000): Promise<void> {
  const until = performance.now() + ms;
  while (!done() && performance.now() < until) await sleep(20);
}

function summarise(system: Run["system"], rate: number, samples: Sample[]): Run {
  const sorted = (pick: (sample: Sample) => number[]) => samples.flatMap(pick).sort((a, b) => a - b);
  const latencies = sorted((sample) => sample.latencies);
  const acks = sorted((sample) => sample.acks);
  const hops = sorted((sample) => sample.hops);
  const sent = samples.reduce((total, sample) => total + sample.sent, 0);
  return {
    system,
    rate,
    sent,
    expected: sent * 2,
    received: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
    ...(system === "hoard"
      ? { ackP50: percentile(acks, 50), ackP99: percentile(acks, 99), hopP50: percentile(hops, 50), hopP99: percentile(hops, 99) }
      : {}),
  };
}

let roundsRun = 0;

async function hoardRound(
  nodes: ClusterNode[],
  tokens: { server: string; admin: string },
  rate: number,
  duration: number,
): Promise<Sample> {
  const [a, b, c] = nodes as [ClusterNode, ClusterNode, ClusterNode];
  const writer = await connect(a.url, { token: tokens.server, retries: 0, timeoutMs: 10_000 });
  const watchers = await Promise.all([b, c].map((node) => connect(node.url, { token: tokens.admin, timeoutMs: 10_000 })));
  const prefix = `bench-${rate}-${(roundsRun++).toString()}`;
  const players = Array.from({ length: playerCount }, (_, i) => `${prefix}-${i}`);
  for (const id of players) await writer.players.create({ id });

  let measuring = false;
  const arrivals = new Map<string, number[]>();
  for (const watcher of watchers) {
    for (const id of players) {
      await watcher.subscribe(`inventory/${id}`, (message) => {
        if (!measuring || message.type !== "inventory") return;
        const key = `${message.topic}#${message.seq}`;
        arrivals.set(key, [...(arrivals.get(key) ?? []), performance.now()]);
      });
    }
  }
  const sends: Array<{ at: number; key?: string; ackedAt?: number }> = [];
  const credit = (client: HoardClient, i: number, record: boolean) => {
    const at = performance.now();
    const playerId = players[i % players.length] as string;
    const entry: { at: number; key?: string; ackedAt?: number } = { at };
    if (record) sends.push(entry);
    client.inventory.credit(playerId, "gold", 1).then(
      ({ version }) => {
        entry.key = `inventory/${playerId}#${version}`;
        entry.ackedAt = performance.now();
      },
      () => {},
    );
  };

  await paced(rate, WARMUP_SECONDS, (i) => credit(writer, i, false));
  await settle(() => false, 300);
  measuring = true;
  const sent = await paced(rate, duration, (i) => credit(writer, i, true));
  await settle(() => sends.every((send) => send.key !== undefined && (arrivals.get(send.key)?.length ?? 0) >= 2));

  const latencies: number[] = [];
  const acks: number[] = [];
  const hops: number[] = [];
  for (const send of sends) {
    if (send.ackedAt !== undefined) acks.push(send.ackedAt - send.at);
    for (const arrival of send.key ? (arrivals.get(send.key) ?? []) : []) {
      latencies.push(arrival - send.at);
      if (send.ackedAt !== undefined) hops.push(arrival - send.ackedAt);
    }
  }
  writer.close();
  for (const watcher of watchers) watcher.close();
  return { sent, latencies, acks, hops };
}

async function bareRound(urls: string[], rate: number, duration: number): Promise<Sample> {
  const open = (url: string) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false });
      socket.once("connect", () => resolve(socket));
      socket.once("connect_error", reject);
    });
  const [writer, ...receivers] = await Promise.all(urls.map(open));
  if (!writer) throw new Error("no bare servers");
  const rooms = Array.from({ length: playerCount }, (_, i) => `room-${i}`);
  await Promise.all(receivers.map((socket) => socket.timeout(5000).emitWithAck("join", rooms)));

  let measuring = false;
  const sendAt: number[] = [];
  const latencies: number[] = [];
  for (const socket of receivers) {
    socket.on("push", (message: { id: number }) => {
      const at = sendAt[message.id];
      if (measuring && message.id >= 0 && at !== undefined) latencies.push(performance.now() - at);
    });
  }
  const publish = (i: number, record: boolean) => {
    if (record) sendAt[i] = performance.now();
    writer.emit("publish", { room: rooms[i % rooms.length], id: record ? i : -1 }, () => {});
  };
  await paced(rate, WARMUP_SECONDS, (i) => publish(i, false));
  await settle(() => false, 300);
  measuring = true;
  const sent = await paced(rate, duration, (i) => publish(i, true));
  await settle(() => latencies.length >= sent * 2);
  for (const socket of [writer, ...receivers]) socket.close();
  return { sent, latencies, acks: [], hops: [] };
}

const verdict = (p99: number | undefined) => (p99 !== undefined && p99 <= TARGET_P99_MS ? "met" : "NOT met");
const ms = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? "—" : value.toFixed(2));

async function main(): Promise<void> {
  const loadAtStart = loadavg();
  console.log(`starting 3 Hoard nodes + redis-server (HOARD_SQLITE_SYNCHRONOUS=${values.synchronous}) and 3 bare servers…`);
  const cluster = await startCluster({
    nodes: 3,
    env: { HOARD_LOG_LEVEL: "silent", HOARD_SQLITE_SYNCHRONOUS: values.synchronous ?? "FULL" },
  });
  const bare: ClusterNode[] = [];
  try {
    const script = fileURLToPath(new URL("./fixtures/bare-adapter-node.ts", import.meta.url));
    for (const name of ["bare-1", "bare-2", "bare-3"]) bare.push(await startNode({ name, script, env: { REDIS_URL: cluster.redis.url } }));
    const tokens = { server: await cluster.token("server", "bench"), admin: await cluster.token("admin", "bench") };

    // Short rounds, Hoard and bare in turn: a burst of load from elsewhere on the machine
    // then falls on both alike.
    const runs: Run[] = [];
    for (const rate of rates) {
      const samples: Record<Run["system"], Sample[]> = { hoard: [], bare: [] };
      for (let round = 0; round < ROUNDS; round++) {
        samples.hoard.push(await hoardRound(cluster.nodes, tokens, rate, seconds / ROUNDS));
        samples.bare.push(
          await bareRound(
            bare.map((node) => node.url),
            rate,
            seconds / ROUNDS,
          ),
        );
      }
      runs.push(summarise("hoard", rate, samples.hoard), summarise("bare", rate, samples.bare));
    }

    const rows = runs.map((run) => {
      const name =
        run.system === "hoard"
          ? "Hoard: commit on node A → push on B and C"
          : "bare socket.io + Redis adapter: emit on 1 → push on 2 and 3";
      return `| ${name} | ${run.rate} | ${run.received}/${run.expected} | ${ms(run.p50)} | ${ms(run.p99)} | ${ms(run.max)} | ${ms(run.ackP50)} / ${ms(run.ackP99)} | ${ms(run.hopP50)} / ${ms(run.hopP99)} |`;
    });
    const ratios = rates.map((rate) => {
      const hoard = runs.find((run) => run.system === "hoard" && run.rate === rate);
      const base = runs.find((run) => run.system === "bare" && run.rate === rate);
      return {
        rate,
        p50: (hoard?.p50 ?? Number.NaN) / (base?.p50 ?? Number.NaN),
        p99: (hoard?.p99 ?? Number.NaN) / (base?.p99 ?? Number.NaN),
      };
    });
    console.log(
      [
        "",
        `### Cross-node push latency (${cpus().length} CPUs, node ${process.version}, ${seconds} s per run in ${ROUNDS} rounds, ${playerCount} topics, sqlite synchronous=${values.synchronous})`,
        "",
        `Load average at start: ${loadAtStart.map((load) => load.toFixed(1)).join(", ")}. Latency = send → push on another node; ack = the writer's ack from node A (after the durable commit); push − ack = how much later a subscriber on another node hears of the change than the writer (the cross-node hop, which the bare run has in full).`,
        "",
        "| run | sends/s | pushes received | p50 ms | p99 ms | max ms | ack p50 / p99 ms | push − ack p50 / p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ...rows,
        "",
        ...ratios.map((ratio) => `At ${ratio.rate}/s, Hoard ÷ bare: p50 × ${ratio.p50.toFixed(2)}, p99 × ${ratio.p99.toFixed(2)}.`),
        ...runs
          .filter((run) => run.system === "hoard")
          .map(
            (run) =>
              `Target p99 ≤ ${TARGET_P99_MS} ms at ${run.rate}/s: send → push ${verdict(run.p99)} (${ms(run.p99)} ms); the hop after the ack: ${ms(run.hopP99)} ms.`,
          ),
        "",
      ].join("\n"),
    );
    const out = fileURLToPath(new URL("./results/", import.meta.url));
    mkdirSync(out, { recursive: true });
    writeFileSync(
      `${out}cluster.json`,
      `${JSON.stringify({ at: new Date().toISOString(), cpus: cpus().length, loadAverage: loadAtStart, node: process.version, seconds, players: playerCount, synchronous: values.synchronous, targetP99Ms: TARGET_P99_MS, runs, ratios }, null, 2)}\n`,
    );
    console.log("JSON: bench/results/cluster.json");
  } finally {
    await Promise.allSettled(bare.map((node) => node.kill("SIGKILL")));
    await cluster.stop();
  }
}

await main();
