import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createApp } from "@hoard/server/internal/app";
import { loadConfig } from "@hoard/server/internal/config";
import pino from "pino";
import { notifyParent, serveParent } from "../harness/ipc";

/**
 * A Hoard node as shipped for the flood bench: default rate limits, logs at info written
 * synchronously to a file (as pino writes to stdout), so a flood costs the node what its log
 * lines cost. Extra HOARD_* variables come from the orchestrator. Answers `log` (lines and
 * bytes written so far), `cpu` (CPU time used so far) and `memory` (RSS) requests.
 */
const BENCH_SECRET = "bench-secret-that-is-at-least-32-characters";
const dir = mkdtempSync(join(tmpdir(), "hoard-bench-flood-"));
const logFile = join(dir, "node.log");
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith("HOARD_")));
const config = loadConfig({
  ...env,
  PORT: "0",
  HOST: "127.0.0.1",
  HOARD_DB: join(dir, "hoard.db"),
  HOARD_SECRET: BENCH_SECRET,
  HOARD_NODE_ID: "flood-bench",
});
const log = pino({ level: "info", base: { nodeId: config.nodeId } }, pino.destination({ dest: logFile, sync: true }));
const app = createApp(config, { log });
const url = await app.listen();
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
const mint = (sub: string, role: "player" | "server") => app.tokens.mint({ sub, role, expiresIn: "6h" });

serveParent({
  request: async (body) => {
    const { type } = body as { type: string };
    if (type === "log") {
      const text = readFileSync(logFile, "utf8");
      return { lines: text.split("\n").filter((line) => line !== "").length, bytes: Buffer.byteLength(text) };
    }
    if (type === "cpu") {
      // CPU time so far, and the event loop's delays since the last such request (then reset).
      const { user, system } = process.cpuUsage();
      const delay = { p99Ms: loopDelay.percentile(99) / 1e6, maxMs: loopDelay.max / 1e6 };
      loopDelay.reset();
      return { ms: (user + system) / 1000, delay };
    }
    if (type === "memory") return { rss: process.memoryUsage().rss, connections: app.io.engine.clientsCount };
    throw new Error(`unknown request ${type}`);
  },
  stop: async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  },
});
notifyParent({
  type: "ready",
  url,
  tokens: { victim: await mint("victim", "player"), flooder: await mint("flooder", "player"), game: await mint("game", "server") },
});
