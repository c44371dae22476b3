import { createApp } from "./app";
import { type Config, ConfigError, loadConfig } from "./config";
import { openStore } from "./store/open";
import type { Store } from "./store/port";

/** Reads the configuration, opens the store and starts one node. Everything else happens in app.ts. */
async function main(): Promise<void> {
  let config: Config;
  let store: Store;
  try {
    config = loadConfig(process.env);
    store = await openStore(config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const app = createApp(config, { store });
  const url = await app.listen();
  if (app.devMode) {
    const token = await app.tokens.mint({ sub: "console", role: "admin", expiresIn: "12h" });
    console.warn(
      [
        "",
        `  DEV MODE: HOARD_SECRET is not set. A generated secret (kept in ${app.devSecretFile ?? "memory only"}) signs tokens.`,
        "  Set HOARD_SECRET (32+ characters) before exposing this node.",
        "",
        `  Console (admin, 12 h): ${url}/console/#token=${token}`,
        `  Health:                ${url}/health`,
        `  API docs:              ${url}/api/docs`,
        "  Mint tokens:           npm run hoard -- token --role player --sub alice",
        "",
      ].join("\n"),
    );
  } else {
    console.log(`Hoard listening on ${url} (console ${url}/console, API docs ${url}/api/docs)`);
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, "shutting down");
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

await main();
