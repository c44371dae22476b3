/**
 * Slow-reader bench: a player stops reading its WebSocket and keeps asking for large replies
 * (`items:list {limit: 200}`, ~245 KB each, 450 a second: within its rate limit), as in the
 * report that found the node's memory growing without bound. Two nodes in the same run: one
 * with the default HOARD_MAX_BUFFERED_BYTES (16 MiB), one with the largest value allowed
 * (1 GiB, which is no bound over this run). Reports the node's RSS over the run and when the
 * hoarder was cut, and another player's latency meanwhile.
 *
 *   npx tsx bench/slow-reader.ts [--seconds 6]
 *
 * Prints a Markdown table; writes bench/results/slow-reader.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { Child } from "./harness/ipc";
import { newHistogram, recordMs, summarise } from "./harness/stats";
import { connectSocket } from "./load/transports";

const { values: args } = parseArgs({ options: { seconds: { type: "string", default: "6" } } });
const SECONDS = Number(args.seconds);
const ITEMS = 200;
const PER_SECOND = 450;

interface Ready {
  type: "ready";
  url: string;
  tokens: { victim: string; flooder: string; game: string };
}
const isReady = (event: unknown): event is Ready => (event as { type?: unknown }).type === "ready";

/** A Socket.IO connection spoken by hand over `ws`, so its reading can be paused while it sends. */
async function hoarder(url: string, token: string): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`);
  const started = performance.now();
  const closed = new Promise<number>((resolve) => ws.once("close", () => resolve(performance.now() - started)));
  await new Promise<void>((resolve, reject) => {
    ws.on("message", (data) => {
      const text = data.toString();
      if (text.startsWith("0")) ws.send(`40${JSON.stringify({ token })}`);
      else if (text.startsWith("40")) resolve();
    });
    ws.once("error", reject);
  });
  return { ws, closed };
}

async function run(label: string, maxBufferedBytes: number) {
  const node = Child.start({
    name: "node",
    script: "bench/servers/flood-node.ts",
    env: { HOARD_MAX_BUFFERED_BYTES: String(maxBufferedBytes) },
  });
  try {
    const ready = await node.waitFor(isReady, 60_000);
    const game = await connectSocket(ready.url, ready.tokens.game);
    await game.emitWithAck("players:create", { id: "victim", opId: "bench-create-victim" });
    for (let i = 0; i < ITEMS; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          game.emitWithAck("items:create", { definition: { name: `big-${i + j}`, kind: "misc", description: "d".repeat(1024) } }),
        ),
      );
    }
    const replyBytes = JSON.stringify(await game.emitWithAck("items:list", { limit: ITEMS })).length;
    game.close();
    const victim = await connectSocket(ready.url, ready.tokens.victim);
    const rssAtStart = (await node.request<{ rss: number }>({ type: "memory" })).rss;

    const { ws, closed } = await hoarder(ready.url, ready.tokens.flooder);
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    let cutAtMs: number | undefined;
    void closed.then((ms) => {
      cutAtMs = ms;
    });
    let maxRss = rssAtStart;
    const histogram = newHistogram();
    const end = performance.now() + SECONDS * 1000;
    let sent = 0;
    let id = 0;
    const tick = 1000 / PER_SECOND;
    const startedAt = performance.now();
    while (performance.now() < end) {
      // The hoarder's requests, on schedule (the rate limit lets 500 a second through).
      const due = Math.floor((performance.now() - startedAt) / tick);
      while (sent < due && ws.readyState === WebSocket.OPEN) {
        ws.send(`42${++id}["items:list",{"limit":${ITEMS}}]`);
        sent++;
      }
      const t0 = performance.now();
      await victim.timeout(30_000).emitWithAck("players:get", { playerId: "victim" });
      recordMs(histogram, performance.now() - t0);
      if (histogram.totalCount % 20 === 0) maxRss = Math.max(maxRss, (await node.request<{ rss: number }>({ type: "memory" })).rss);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    maxRss = Math.max(maxRss, (await node.request<{ rss: number }>({ type: "memory" })).rss);
    ws.terminate();
    victim.close();
    const mib = (bytes: number) => bytes / 1024 / 1024;
    return {
      label,
      maxBufferedBytes,
      replyBytes,
      sent,
      cutAtMs,
      rssAtStartMiB: mib(rssAtStart),
      maxRssMiB: mib(maxRss),
      victim: summarise(histogram),
    };
  } finally {
    await node.stop();
  }
}

const rows = [
  await run("HOARD_MAX_BUFFERED_BYTES=16777216 (default)", 16 * 1024 * 1024),
  await run("HOARD_MAX_BUFFERED_BYTES=1073741824 (no bound here)", 1024 * 1024 * 1024),
];
const f = (value: number) => value.toFixed(1);
console.log(
  [
    `Slow-reader bench — ${cpus().length} × ${cpus()[0]?.model ?? "?"}, load average ${loadavg()[0]?.toFixed(2)}; a hoarder asks ${PER_SECOND}/s for ~${Math.round((rows[0]?.replyBytes ?? 0) / 1024)} KB replies for ${SECONDS} s and reads nothing`,
    "",
    "| node | hoarder's requests sent | hoarder cut after (ms) | node RSS at start (MiB) | node RSS max (MiB) | other player's p50 / p99 / max (ms) |",
    "|---|---|---|---|---|---|",
    ...rows.map(
      (row) =>
        `| ${row.label} | ${row.sent} | ${row.cutAtMs === undefined ? "not cut" : f(row.cutAtMs)} | ${f(row.rssAtStartMiB)} | ${f(row.maxRssMiB)} | ${f(row.victim.p50Ms)} / ${f(row.victim.p99Ms)} / ${f(row.victim.maxMs)} |`,
    ),
  ].join("\n"),
);
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/slow-reader.json", JSON.stringify({ at: new Date().toISOString(), rows }, null, 2));
