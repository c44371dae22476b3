import { hostname } from "node:os";
import type { HoardApp } from "./app";
import { loadConfig } from "./config";
import { createLogger, type Logger } from "./log";
import { failStartup } from "./startup";

/**
 * Reads the configuration, opens the store and starts one node; everything else happens in
 * app.ts. This is the process a supervisor runs and signals (`node server/dist/main.js`, or
 * `npm start`, which execs it): SIGTERM or SIGINT drains and exits 0. A start-up failure is one
 * line saying what to fix, then exit 1. Logs are JSON lines on stdout from the first one.
 */
async function main(): Promise<void> {
  // Start-up failures are logged whatever HOARD_LOG_LEVEL says (even `silent`), under the node
  // id: until the configuration is read, the one it would default to.
  let log: Logger = createLogger({ nodeId: process.env.HOARD_NODE_ID || `${hostname()}-${process.pid}`, level: "fatal" });
  let app: HoardApp;
  let url: string;
  try {
    const config = loadConfig(process.env);
    log = createLogger({ nodeId: config.nodeId, level: "fatal" });
    // Loaded once the configuration is known good: a bad variable is reported before the
    // node spends its time loading express, socket.io and the drivers.
    const [{ createApp }, { openStore }] = await Promise.all([import("./app"), import("./store/open")]);
    const store = await openStore(config);
    app = createApp(config, { store });
    stopOnSignals(app);
    url = await app.listen();
  } catch (error) {
    failStartup(error, log);
  }
  if (app.devMode) await announceDevMode(app, url);
}

function stopOnSignals(app: HoardApp): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, "shutting down");
      // Draining waits at most HOARD_SHUTDOWN_TIMEOUT_MS; a close that hangs past it (and a
      // margin for closing the store) must not keep a supervisor waiting for ever.
      setTimeout(() => {
        app.log.error({ signal }, "shutdown did not finish in time: exiting");
        process.exit(1);
      }, app.config.shutdownTimeoutMs + 5000).unref();
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          app.log.error({ err: error }, "shutdown failed");
          process.exit(1);
        },
      );
    });
  }
}

/**
 * Dev mode says so loudly and hands over a console link with an admin token: as a readable
 * block for a person at a terminal (stderr is a TTY), as one JSON log line otherwise.
 */
async function announceDevMode(app: HoardApp, url: string): Promise<void> {
  const token = await app.tokens.mint({ sub: "console", role: "admin", expiresIn: "12h" });
  const secretKept = app.devSecretFile ?? "memory only";
  const consoleUrl = `${url}/console/#token=${token}`;
  if (!process.stderr.isTTY) {
    app.log.warn(
      { devSecretFile: app.devSecretFile ?? null, console: consoleUrl },
      "dev mode: HOARD_SECRET is not set, a generated secret signs tokens; set HOARD_SECRET (32+ characters) before exposing this node",
    );
    return;
  }
  process.stderr.write(
    [
      "",
      `  DEV MODE: HOARD_SECRET is not set. A generated secret (kept in ${secretKept}) signs tokens.`,
      "  Set HOARD_SECRET (32+ characters) before exposing this node.",
      "",
      `  Console (admin, 12 h): ${consoleUrl}`,
      `  Health:                ${url}/health`,
      `  API docs:              ${url}/api/docs`,
      "  Mint tokens:           npm run hoard -- token --role player --sub alice",
      "",
      "",
    ].join("\n"),
  );
}

await main();
