/**
 * SDK reconnect and resync after a node restart: one Hoard node process on a sqlite file,
 * `--clients` SDK clients each watching a player, and a game server client. Each round stops
 * the node (SIGTERM, then SIGKILL, in turn), credits every player while it is down (those calls
 * wait in the SDK), and starts it again on the same port and file. Measured from the moment
 * the new node listens (it answers /health from then on):
 *
 * - connected: every client's status is `connected` (topics subscribed again);
 * - resynced: every watch shows the credit sent while the node was down (the writer
 *   reconnected and delivered it, and each watch caught up to it).
 *
 *   npx tsx bench/reconnect.ts [--clients 20] [--rounds 6]
 *
 * Target (DESIGN.md §8): ≤ 3 s after the node answers /health. Prints a Markdown table.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { connect, type HoardClient, type PlayerWatch } from "@hoard/client-sdk";
import { TokenService } from "@hoard/server/internal/auth/tokens";
import { type ClusterNode, startNode } from "../test/support/cluster";
import { TEST_SECRET } from "../test/support/server";

const { values } = parseArgs({ options: { clients: { type: "string", default: "20" }, rounds: { type: "string", default: "6" } } });
const clientCount = Number(values.clients);
const rounds = Number(values.rounds);
const tokens = new TokenService(TEST_SECRET);

const until = async (done: () => boolean) => {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 2));
};

const dir = await mkdtemp(join(tmpdir(), "hoard-reconnect-"));
const dbFile = join(dir, "hoard.db");
let node: ClusterNode = await startNode({ name: "node-a", env: { HOARD_DB: dbFile } });
const url = node.url;
const port = new URL(url).port;
const open = (sub: string) => connect(url, { token: () => tokens.mint({ sub, role: "server", expiresIn: "1h" }) });
const writer = await open("writer");
const viewers: HoardClient[] = [];
const watches: PlayerWatch[] = [];
for (let i = 0; i < clientCount; i++) {
  const id = `player-${i}`;
  await writer.players.create({ id });
  const viewer = await open(`viewer-${i}`);
  viewers.push(viewer);
  watches.push(await viewer.watch(id));
}
const everyone = [writer, ...viewers];

const results: Array<{ signal: string; connectedMs: number; resyncedMs: number }> = [];
for (let round = 0; round < rounds; round++) {
  const signal = round % 2 === 0 ? "SIGTERM" : "SIGKILL";
  await node.kill(signal);
  await until(() => everyone.every((client) => client.status === "reconnecting"));
  // Sent while the node is away: the SDK holds them until it is back.
  const credits = watches.map((watch) => writer.inventory.credit(watch.playerId, "gold", 1));
  node = await startNode({ name: "node-a", env: { HOARD_DB: dbFile, PORT: port } });
  const upAt = performance.now();
  let connectedMs = 0;
  const connected = until(() => everyone.every((client) => client.status === "connected")).then(() => {
    connectedMs = performance.now() - upAt;
  });
  const versions = (await Promise.all(credits)).map((reply) => reply.version);
  await until(() => watches.every((watch, i) => watch.version >= (versions[i] ?? 0)));
  const resyncedMs = performance.now() - upAt;
  await connected;
  results.push({ signal, connectedMs, resyncedMs });
  console.error(`round ${round + 1}/${rounds} ${signal}: connected ${connectedMs.toFixed(0)} ms, resynced ${resyncedMs.toFixed(0)} ms`);
}
for (const client of everyone) client.close();
await node.kill("SIGTERM");
await rm(dir, { recursive: true, force: true });

const stats = (list: number[]) => {
  const sorted = [...list].sort((a, b) => a - b);
  return `${sorted[Math.floor((sorted.length - 1) / 2)]?.toFixed(0)} / ${sorted.at(-1)?.toFixed(0)}`;
};
console.log(`\n${clientCount + 1} SDK clients, ${clientCount} watches, ${rounds} restarts (default backoff: 250 ms doubling to 2 s)\n`);
console.log(
  "| stop | restarts | all connected after the node listens, median / max (ms) | every watch resynced, median / max (ms) | target |",
);
console.log("|---|---|---|---|---|");
for (const signal of ["SIGTERM", "SIGKILL"]) {
  const mine = results.filter((result) => result.signal === signal);
  if (mine.length === 0) continue;
  const worst = Math.max(...mine.map((result) => result.resyncedMs));
  console.log(
    `| ${signal} | ${mine.length} | ${stats(mine.map((r) => r.connectedMs))} | ${stats(mine.map((r) => r.resyncedMs))} | ≤ 3000 ${worst <= 3000 ? "✓" : "✗"} |`,
  );
}
process.exit(0);
