/**
 * Stock bulk load in the iv8 shape, scaled to fit a run:
 * 2 suppliers × (2,500 / scale) components × 10 units × days × 10 partitions.
 *
 * An entry is what iv8 counted: one key's day with its 10 partitions (2 × 2,500 × 10 × 1,000
 * = 50M entries loaded in 89 minutes, 106.8 µs each). The same NDJSON file is loaded twice:
 * through the embedded store's import path (what `hoard stock import` runs), then streamed to
 * a real node over HTTP. A sample of keys is read back through the SDK and checked, and a
 * burst of racing sales over the socket is timed.
 *
 *   npx tsx bench/stock.ts [--scale 50] [--days 1000]
 */
import { once } from "node:events";
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { connect, type HoardClient } from "@hoard/client-sdk";
import { dayNumber, dayOfNumber } from "@hoard/protocol";
import { createApp, loadConfig, SqliteStore } from "@hoard/server";
import { importStock } from "@hoard/server/internal/stock/import";
import { splitLines } from "@hoard/server/internal/stock/import-lines";
import Database from "better-sqlite3";

const IV8_US_PER_ENTRY = 106.8;
const TARGET_PER_SECOND = 190_000;

const { values } = parseArgs({ options: { scale: { type: "string", default: "50" }, days: { type: "string", default: "1000" } } });
const scale = Number(values.scale);
const shape = { suppliers: 2, components: Math.max(1, Math.round(2500 / scale)), units: 10, days: Number(values.days), partitions: 10 };
const keyCount = shape.suppliers * shape.components * shape.units;
const entries = keyCount * shape.days;
const firstDay = dayNumber("2025-01-01") as number;
const dayStrings = Array.from({ length: shape.days }, (_, d) => dayOfNumber(firstDay + d));
const keyOf = (k: number) =>
  `supplier${k % shape.suppliers}/component${Math.floor(k / shape.suppliers) % shape.components}/unit${Math.floor(k / (shape.suppliers * shape.components))}`;
/** The generated count of key k, day d, partition p: the read-back check recomputes it. */
const countOf = (k: number, d: number, p: number) => (k * 7 + d * 3 + p) % 50;

const dir = mkdtempSync(join(tmpdir(), "hoard-bench-stock-"));
const file = join(dir, "stock.ndjson");
const log = (message: string) => process.stderr.write(`${message}\n`);

const loadAtStart = loadavg()[0] as number;
try {
  log(
    `shape: ${shape.suppliers} suppliers × ${shape.components} components × ${shape.units} units × ${shape.days} days × ${shape.partitions} partitions`,
  );
  log(
    `       = ${entries.toLocaleString("en")} entries (1/${scale} of iv8's 50M), ${(entries * shape.partitions).toLocaleString("en")} partition counts`,
  );

  let started = performance.now();
  await writeFile();
  const fileBytes = statSync(file).size;
  log(`generated ${(fileBytes / 1e6).toFixed(0)} MB of NDJSON in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // 1. The embedded store's import path: file → lines → rows → transactions (no node, no pushes).
  const storePath = join(dir, "store.db");
  const store = new SqliteStore({ path: storePath });
  const cpu = process.cpuUsage();
  started = performance.now();
  const direct = await importStock({
    store: store.stock,
    actor: { role: "admin", sub: "bench" },
    lines: splitLines(createReadStream(file, { highWaterMark: 256 * 1024 })),
    format: "ndjson",
    importId: "bench-store-import",
  });
  const directSeconds = (performance.now() - started) / 1000;
  const cpuUsed = process.cpuUsage(cpu);
  const directCpuSeconds = (cpuUsed.user + cpuUsed.system) / 1e6;
  await store.close();
  if (direct.rows !== entries || direct.badLines !== 0) throw new Error(`store import: ${JSON.stringify(direct)}`);
  const bytes = storageOf(storePath);
  log(`store import: ${directSeconds.toFixed(1)} s`);

  // 2. The same file streamed to a real node: POST /api/v1/stock/import.
  const app = createApp(
    loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      HOARD_DB: join(dir, "node.db"),
      HOARD_SECRET: "bench-secret-that-is-at-least-32-characters",
      HOARD_LOG_LEVEL: "silent",
    }),
  );
  const url = await app.listen();
  const token = await app.tokens.mint({ sub: "bench", role: "server", expiresIn: "1h" });
  started = performance.now();
  const reply = await fetch(`${url}/api/v1/stock/import?importId=bench-http-import`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson" },
    body: Readable.toWeb(createReadStream(file, { highWaterMark: 256 * 1024 })) as ReadableStream,
    duplex: "half",
  } as RequestInit);
  const http = (await reply.json()) as { ok: boolean; data: { rows: number; badLines: number } };
  const httpSeconds = (performance.now() - started) / 1000;
  if (!http.ok || http.data.rows !== entries) throw new Error(`HTTP import: ${JSON.stringify(http)}`);
  log(`HTTP import: ${httpSeconds.toFixed(1)} s`);

  // 3. Read a sample back through the SDK and check every count; then time racing sales.
  const clients: HoardClient[] = await Promise.all(Array.from({ length: 8 }, () => connect(url, { token })));
  const [reader] = clients as [HoardClient];
  const sample = Array.from({ length: Math.min(20, keyCount) }, (_, i) => Math.floor((i * keyCount) / Math.min(20, keyCount)));
  started = performance.now();
  for (const k of sample) {
    const { days } = await reader.stock.read(keyOf(k), { from: dayStrings[0] as string, to: dayStrings.at(-1) as string });
    days.forEach((entry, d) => {
      for (let p = 0; p < shape.partitions; p++) {
        if (entry.partitions[`p${p}`] !== countOf(k, d, p))
          throw new Error(`read back ${keyOf(k)} ${entry.day} p${p}: ${entry.partitions[`p${p}`]}`);
      }
    });
    if (days.length !== shape.days) throw new Error(`read back ${keyOf(k)}: ${days.length} days`);
  }
  const readMs = (performance.now() - started) / sample.length;

  const salesPerClient = 250;
  const latencies: number[] = [];
  started = performance.now();
  await Promise.all(
    clients.map((client, c) =>
      (async () => {
        for (let i = 0; i < salesPerClient; i++) {
          const k = (c * salesPerClient + i) % keyCount;
          const from = (i * 13) % Math.max(1, shape.days - 7);
          const t = performance.now();
          await client.stock
            .sell(keyOf(k), { from: dayStrings[from] as string, to: dayStrings[Math.min(from + 6, shape.days - 1)] as string, amount: 1 })
            .catch((error: { code?: string }) => {
              if (error.code !== "STOCK_INSUFFICIENT") throw error;
            });
          latencies.push(performance.now() - t);
        }
      })(),
    ),
  );
  const salesSeconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const percentile = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] as number;
  for (const client of clients) client.close();
  await app.close();

  const results = {
    machine: { cpus: availableParallelism(), loadAverage: loadAtStart, node: process.version },
    shape: { ...shape, scale, entries, partitionCounts: entries * shape.partitions, fileBytes },
    storeImport: {
      seconds: directSeconds,
      entriesPerSecond: entries / directSeconds,
      usPerEntry: (directSeconds * 1e6) / entries,
      cpuSeconds: directCpuSeconds,
      entriesPerCpuSecond: entries / directCpuSeconds,
      batches: direct.batches,
    },
    httpImport: { seconds: httpSeconds, entriesPerSecond: entries / httpSeconds, usPerEntry: (httpSeconds * 1e6) / entries },
    storage: bytes,
    readBack: { keys: sample.length, daysEach: shape.days, msPerRead: readMs },
    sales: {
      clients: clients.length,
      sales: latencies.length,
      perSecond: latencies.length / salesSeconds,
      p50Ms: percentile(0.5),
      p99Ms: percentile(0.99),
    },
    iv8: { usPerEntry: IV8_US_PER_ENTRY, entriesPerSecond: 1e6 / IV8_US_PER_ENTRY },
    target: { entriesPerSecond: TARGET_PER_SECOND },
  };
  mkdirSync(new URL("results", import.meta.url), { recursive: true });
  writeFileSync(new URL("results/stock.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  printTable(results);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** The NDJSON file, written with backpressure, a thousand lines per write. */
async function writeFile(): Promise<void> {
  const out = createWriteStream(file);
  const names = Array.from({ length: shape.partitions }, (_, p) => `"p${p}":`);
  let chunk = "";
  let lines = 0;
  for (let k = 0; k < keyCount; k++) {
    const prefix = `{"key":"${keyOf(k)}","day":"`;
    for (let d = 0; d < shape.days; d++) {
      let line = `${prefix}${dayStrings[d]}","partitions":{`;
      for (let p = 0; p < shape.partitions; p++) line += `${p === 0 ? "" : ","}${names[p]}${countOf(k, d, p)}`;
      chunk += `${line}}}\n`;
      if (++lines % 1000 === 0) {
        if (!out.write(chunk)) await once(out, "drain");
        chunk = "";
      }
    }
  }
  out.end(chunk);
  await once(out, "finish");
}

/** Bytes on disk per entry: the whole file, and the stock rows alone (dbstat). */
function storageOf(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    const pageSize = db.pragma("page_size", { simple: true }) as number;
    const fileBytes = (db.pragma("page_count", { simple: true }) as number) * pageSize;
    let tableBytes: number | undefined;
    try {
      tableBytes = (db.prepare("SELECT SUM(pgsize) AS bytes FROM dbstat WHERE name = 'stock_days'").get() as { bytes: number }).bytes;
    } catch {
      tableBytes = undefined; // dbstat not compiled in: the whole file is the figure.
    }
    return {
      fileBytes,
      bytesPerEntry: fileBytes / entries,
      tableBytesPerEntry: tableBytes === undefined ? undefined : tableBytes / entries,
      bytesPerPartitionCount: fileBytes / (entries * shape.partitions),
    };
  } finally {
    db.close();
  }
}

function printTable(r: {
  machine: { cpus: number; loadAverage: number };
  storeImport: { entriesPerSecond: number; usPerEntry: number; entriesPerCpuSecond: number; seconds: number };
  httpImport: { entriesPerSecond: number; usPerEntry: number; seconds: number };
  storage: { bytesPerEntry: number; tableBytesPerEntry: number | undefined; bytesPerPartitionCount: number };
  readBack: { keys: number; daysEach: number; msPerRead: number };
  sales: { clients: number; sales: number; perSecond: number; p50Ms: number; p99Ms: number };
}) {
  const iv8PerSecond = 1e6 / IV8_US_PER_ENTRY;
  const n = (value: number, digits = 0) => value.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const rows = [
    ["figure", "Hoard", "iv8", "ratio"],
    ["---", "---:", "---:", "---:"],
    [
      "bulk load, embedded store import path (entries/s)",
      n(r.storeImport.entriesPerSecond),
      n(iv8PerSecond),
      `${n(r.storeImport.entriesPerSecond / iv8PerSecond, 1)}×`,
    ],
    ["… µs per entry", n(r.storeImport.usPerEntry, 2), n(IV8_US_PER_ENTRY, 1), `${n(IV8_US_PER_ENTRY / r.storeImport.usPerEntry, 1)}×`],
    ["… entries per CPU-second of the process", n(r.storeImport.entriesPerCpuSecond), "", ""],
    [
      "… against the target (≥ 190,000 entries/s)",
      n(r.storeImport.entriesPerSecond),
      n(TARGET_PER_SECOND),
      `${n(r.storeImport.entriesPerSecond / TARGET_PER_SECOND, 2)}×`,
    ],
    [
      "bulk load, streamed to a node over HTTP (entries/s)",
      n(r.httpImport.entriesPerSecond),
      n(iv8PerSecond),
      `${n(r.httpImport.entriesPerSecond / iv8PerSecond, 1)}×`,
    ],
    ["bytes on disk per entry (whole file)", n(r.storage.bytesPerEntry, 1), "", ""],
    ["… the stock rows alone", r.storage.tableBytesPerEntry === undefined ? "n/a" : n(r.storage.tableBytesPerEntry, 1), "", ""],
    ["… per partition count", n(r.storage.bytesPerPartitionCount, 2), "", ""],
    [
      `read back one key × ${r.readBack.daysEach} days over the SDK (ms, ${r.readBack.keys} keys checked)`,
      n(r.readBack.msPerRead, 1),
      "",
      "",
    ],
    [`sales over the socket, ${r.sales.clients} clients × 7-day ranges (ops/s)`, n(r.sales.perSecond), "", ""],
    ["… ack latency p50 / p99 (ms)", `${n(r.sales.p50Ms, 1)} / ${n(r.sales.p99Ms, 1)}`, "", ""],
  ];
  console.log(
    `\nStock bench — iv8 shape at 1/${scale}: ${shape.suppliers} suppliers × ${shape.components} components × ${shape.units} units × ${shape.days} days × ${shape.partitions} partitions = ${n(entries)} entries (an entry: one key's day with its ${shape.partitions} partitions)\n`,
  );
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
  console.log(
    `\n${r.machine.cpus} CPUs, load average ${n(r.machine.loadAverage, 1)} at the start: on a busy machine the wall-clock rates fall and entries per CPU-second is the steadier figure.`,
  );
  console.log(`\nJSON: bench/results/stock.json`);
}
