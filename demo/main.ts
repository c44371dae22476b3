/**
 * `npm run demo`: one node plus simulated game traffic, so the console has something to
 * show on a fresh machine. The store is in memory unless HOARD_DB says otherwise, so every
 * run starts clean. Stop with Ctrl-C.
 */
import { connect, type HoardClient } from "@hoard/client-sdk";
import { ConfigError, createApp, loadConfig, signingSecret } from "@hoard/server";
import { TrafficStats } from "./simulator";
import { traffic } from "./traffic/index";

let config: ReturnType<typeof loadConfig>;
try {
  // The store is in memory, but tokens are signed as `npm start` and `hoard token` sign them
  // (HOARD_SECRET, or the dev secret kept beside the default database), so CLI tokens work here.
  const secret = signingSecret(loadConfig(process.env)).secret;
  config = loadConfig({ HOARD_DB: ":memory:", HOARD_LOG_LEVEL: "warn", HOARD_SECRET: secret, ...process.env });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const app = createApp(config);
let url: string;
try {
  url = await app.listen();
} catch (error) {
  if ((error as { code?: unknown }).code !== "EADDRINUSE") throw error;
  console.error(`Port ${config.port} is in use (is \`npm start\` running?). Pick another: PORT=${config.port + 1} npm run demo`);
  process.exit(1);
}

const clients: HoardClient[] = [];
const connectAs = async (role: "player" | "server" | "admin", sub: string) => {
  const client = await connect(url, { token: await app.tokens.mint({ sub, role, expiresIn: "12h" }) });
  clients.push(client);
  return client;
};
const stop = new AbortController();
const stats = new TrafficStats();
const servers = [await connectAs("server", "game-eu"), await connectAs("server", "game-us")];

const consoleToken = await app.tokens.mint({ sub: "console", role: "admin", expiresIn: "12h" });
console.log(
  [
    "",
    `  Hoard demo: a node on ${url} with simulated game traffic (${config.db === ":memory:" ? "in-memory store, gone when it stops" : config.db}).`,
    "",
    `  Console (admin, 12 h): ${url}/console/#token=${consoleToken}`,
    "",
    `  Traffic: ${traffic.map((t) => t.name).join(", ")}. Stop with Ctrl-C.`,
    "",
  ].join("\n"),
);

const runs = traffic.map((t) =>
  t.run({ servers, connectAs, signal: stop.signal, stats }).catch((error: unknown) => {
    if (!stop.signal.aborted) console.error(`demo traffic "${t.name}" stopped:`, error);
  }),
);
const report = setInterval(() => console.log(`  demo: ${stats.summary()}`), 15_000);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    stop.abort();
    clearInterval(report);
    await Promise.allSettled(runs);
    for (const client of clients) client.close();
    await app.close();
    console.log(`  demo stopped: ${stats.summary()}`);
    process.exit(0);
  });
}
