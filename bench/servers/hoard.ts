import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "@hoard/server/internal/app";
import { loadConfig } from "@hoard/server/internal/config";
import { serveProbe } from "./probe";

/**
 * A Hoard node as shipped (createApp, the sqlite store on a temp file), wrapped with the
 * bench probe. HOARD_SQLITE_SYNCHRONOUS comes from the orchestrator; the secret is fixed so
 * the orchestrator can be handed tokens. Rate limits do not apply: the load uses `server`
 * tokens, which are not limited; the limits are raised anyway so a player-token run measures
 * Hoard, not the limiter's refusals.
 */
const BENCH_SECRET = "bench-secret-that-is-at-least-32-characters";

const dir = mkdtempSync(join(tmpdir(), "hoard-bench-"));
const config = loadConfig({
  PORT: "0",
  HOST: "127.0.0.1",
  HOARD_DB: join(dir, "hoard.db"),
  HOARD_SECRET: BENCH_SECRET,
  HOARD_LOG_LEVEL: "silent",
  HOARD_SQLITE_SYNCHRONOUS: process.env.HOARD_SQLITE_SYNCHRONOUS ?? "FULL",
  HOARD_RATE_PER_SECOND: "1000000",
  HOARD_RATE_BURST: "1000000",
  HOARD_NODE_ID: "bench",
});
const app = createApp(config);
const url = await app.listen();

serveProbe({
  url,
  info: {
    synchronous: config.sqliteSynchronous,
    // Tokens expire, as real ones do; Hoard keeps a timer per connection for that.
    serverToken: await app.tokens.mint({ sub: "bench-game-server", role: "server", expiresIn: "6h" }),
    playerToken: await app.tokens.mint({ sub: "bench-idle-player", role: "player", expiresIn: "6h" }),
  },
  connections: () => app.io.engine.clientsCount,
  close: async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  },
});
