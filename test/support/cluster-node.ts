/**
 * One Hoard node as its own process, for the cluster harness (test/support/cluster.ts) and
 * bench/cluster.ts: reads its configuration from the environment exactly as `npm start`
 * does (plus an injected clock when HOARD_TEST_CLOCK_FILE is set), listens, and prints one JSON line `{"url": ...}` on stdout. SIGTERM closes it
 * gracefully; SIGKILL is what the crash tests send.
 */
import { createApp, loadConfig } from "@hoard/server";
import { fileClock } from "./clock";

// HOARD_TEST_CLOCK_FILE (tests only): the node's clock is the number in that file (test/support/clock.ts).
const clockFile = process.env.HOARD_TEST_CLOCK_FILE;
// HOARD_TEST_CONSOLE_DIR: the console built for this test run (test/support/console-build.ts), for browser tests.
const consoleDir = process.env.HOARD_TEST_CONSOLE_DIR;
const app = createApp(loadConfig(process.env), {
  ...(clockFile ? { now: fileClock(clockFile) } : {}),
  ...(consoleDir ? { consoleDir } : {}),
});
const url = await app.listen();
process.stdout.write(`${JSON.stringify({ url, nodeId: app.config.nodeId, pid: process.pid })}\n`);

process.once("SIGTERM", () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
