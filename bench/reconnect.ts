/**
 * SDK reconnect and resync after a node restart: one Hoard node process on a sqlite file,
 * `--clients` SDK clients each watching a player, and a game server client. Each round stops
 * the node (SIGTERM, then SIGKILL, in turn), credits every player while it is down (those calls
 * wait in the SDK), and starts it again on the same port and file. Measured:
 *
 * - start: from spawning the new process to its listening (start-up, the store's open and its
 *   recovery of the WAL the stopped node left, the listen);
 * - connected: every client's status is `connected` (topics subscribed again), from the listen;
 * - resynced: every watch shows the credit sent while the node was down (the writer
 *   reconnected and delivered it, and each watch caught up to it), from the listen.
 *
 * With `--load N`, another game-server client keeps N credits in flight over `--load-players`
 * players for the whole run, so every stop lands under load (a SIGKILL leaves commits in the
 * WAL, unchecked); at the end each of those players' gold must equal the credits acked to it:
 * every acked write kept, and a write resent across a restart applied once. `--db FILE` runs
 * on an existing store (the 1M-mutation file of `bench/recovery.ts --keep`) and leaves it.
 *
 *   npx tsx bench/reconnect.ts [--clients 20] [--rounds 6] [--load 64 --load-players 200] [--db FILE]
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

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "20" },
    rounds: { type: "string", default: "6" },
    load: { type: "string", default: "0" },
    "load-players": { type: "string", default: "200" },
    db: { type: "string" },
  },
});
const clientCount = Number(values.clients);
const rounds = Number(values.rounds);
const inFlight = Number(values.load);
const loadPlayers = Number(values["load-players"]);
const tokens = new TokenService(TEST_SECRET);

const until = async (done: () => boolean) => {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 2));
};

const dir = await mkdtemp(join(tmpdir(), "hoard-reconnect-"));
const dbFile = values.db ?? join(dir, "hoard.db");
// Players of this run only, so a reused file's players (and this script's earlier runs) do not count.
const runId = Date.now().toString(36);
let node: ClusterNode = await startNode({ name: "node-a", env: { HOARD_DB: dbFile } });
const url = node.url;
const port = new URL(url).port;
const open = (sub: string) => connect(url, { token: () => tokens.mint({ sub, role: "server", expiresIn: "1h" }) });
const writer = await open("writer");
const viewers: HoardClient[] = [];
const watches: PlayerWatch[] = [];
for (let i = 0; i < clientCount; i++) {
  const id = `player-${runId}-${i}`;
  await writer.players.create({ id });
  const viewer = await open(`viewer-${i}`);
  viewers.push(viewer);
  watches.push(await viewer.watch(id));
}
const loader = await open("loader");
const loadIds = Array.from({ length: inFlight > 0 ? loadPlayers : 0 }, (_, k) => `load-${runId}-${k}`);
for (const id of loadIds) await loader.players.create({ id });
const everyone = [writer, loader, ...viewers];

// The load: `inFlight` loops, each one credit at a time; a credit waits in the SDK while the
// node is away and is resent (same op id) when it is back.
const acked = new Map(loadIds.map((id) => [id, 0]));
let loading = true;
let sent = 0;
const loops = Array.from({ length: inFlight }, async (_, k) => {
  for (let n = k; loading; n += inFlight) {
    const id = loadIds[n % loadIds.length] as string;
    sent++;
    await loader.inventory.credit(id, "gold", 1);
    acked.set(id, (acked.get(id) ?? 0) + 1);
  }
});

const results: Array<{ signal: string; startMs: number; connectedMs: number; resyncedMs: number }> = [];
for (let round = 0; round < rounds; round++) {
  const signal = round % 2 === 0 ? "SIGTERM" : "SIGKILL";
  await node.kill(signal);
  await until(() => everyone.every((client) => client.status === "reconnecting"));
  // Sent while the node is away: the SDK holds them until it is back.
  const credits = watches.map((watch) => writer.inventory.credit(watch.playerId, "gold", 1));
  const spawnAt = performance.now();
  node = await startNode({ name: "node-a", env: { HOARD_DB: dbFile, PORT: port } });
  const upAt = performance.now();
  const startMs = upAt - spawnAt;
  let connectedMs = 0;
  const connected = until(() => everyone.every((client) => client.status === "connected")).then(() => {
    connectedMs = performance.now() - upAt;
  });
  const versions = (await Promise.all(credits)).map((reply) => reply.version);
  await until(() => watches.every((watch, i) => watch.version >= (versions[i] ?? 0)));
  const resyncedMs = performance.now() - upAt;
  await connected;
  results.push({ signal, startMs, connectedMs, resyncedMs });
  console.error(
    `round ${round + 1}/${rounds} ${signal}: started ${startMs.toFixed(0)} ms, connected ${connectedMs.toFixed(0)} ms, resynced ${resyncedMs.toFixed(0)} ms`,
  );
  // Let the load run on the new node before the next stop.
  await new Promise((resolve) => setTimeout(resolve, 1000));
}
loading = false;
await Promise.all(loops);
// Every acked credit is in the player's gold, and none twice: a credit resent across a restart
// was either committed before the stop (its repeat answered from the op record) or not at all.
let lost = 0;
let doubled = 0;
for (const id of loadIds) {
  const { player } = await loader.players.get(id);
  const gold = player.wallet.gold ?? 0;
  const expected = acked.get(id) ?? 0;
  if (gold < expected) lost += expected - gold;
  if (gold > expected) doubled += gold - expected;
}
for (const client of everyone) client.close();
await node.kill("SIGTERM");
await rm(dir, { recursive: true, force: true });

const stats = (list: number[]) => {
  const sorted = [...list].sort((a, b) => a - b);
  return `${sorted[Math.floor((sorted.length - 1) / 2)]?.toFixed(0)} / ${sorted.at(-1)?.toFixed(0)}`;
};
console.log(`\n${clientCount + 2} SDK clients, ${clientCount} watches, ${rounds} restarts (default backoff: 250 ms doubling to 2 s)`);
if (values.db) console.log(`store: ${values.db}`);
if (inFlight > 0) {
  const total = [...acked.values()].reduce((sum, n) => sum + n, 0);
  console.log(
    `load: ${inFlight} credits in flight over ${loadIds.length} players; ${total} acked of ${sent} sent; lost ${lost}, applied twice ${doubled}`,
  );
}
console.log(
  "\n| stop | restarts | process start to listening, median / max (ms) | all connected after the node listens, median / max (ms) | every watch resynced, median / max (ms) | target |",
);
console.log("|---|---|---|---|---|---|");
for (const signal of ["SIGTERM", "SIGKILL"]) {
  const mine = results.filter((result) => result.signal === signal);
  if (mine.length === 0) continue;
  const worst = Math.max(...mine.map((result) => result.resyncedMs));
  console.log(
    `| ${signal} | ${mine.length} | ${stats(mine.map((r) => r.startMs))} | ${stats(mine.map((r) => r.connectedMs))} | ${stats(mine.map((r) => r.resyncedMs))} | ≤ 3000 ${worst <= 3000 ? "✓" : "✗"} |`,
  );
}
process.exit(lost > 0 || doubled > 0 ? 1 : 0);
