import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { connect, fileOutboxStorage, HoardClient, type HoardError, type OutboxEntry } from "@hoard/client-sdk";
import { TokenService } from "@hoard/server/internal/auth/tokens";
import { SqliteStore } from "@hoard/server/internal/store/sqlite/sqlite-store";
import { afterEach, expect, it } from "vitest";
import { type ClusterNode, startNode } from "../support/cluster";
import { TEST_SECRET } from "../support/server";

const tokens = new TokenService(TEST_SECRET);
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const outboxClient = fileURLToPath(new URL("../support/outbox-client.ts", import.meta.url));

/** Runs test/support/outbox-client.ts to its end; resolves to what it printed. */
function runOutboxClient(args: string[]): Promise<string> {
  const child = spawn(process.execPath, ["--import", tsxLoader, outboxClient, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve, reject) =>
    child.once("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`outbox client exited with ${code}:\n${out}`)))),
  );
}

let dir: string | undefined;
let node: ClusterNode | undefined;
const clients: HoardClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await node?.kill("SIGKILL");
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("queued with the node down by one process, delivered by a new client on the same file: each once, in order per player; a refusal is reported", async () => {
  dir = await mkdtemp(join(tmpdir(), "hoard-outbox-"));
  const dbFile = join(dir, "hoard.db");
  const outboxFile = join(dir, "outbox.json");
  node = await startNode({ name: "node-a", env: { HOARD_DB: dbFile } });
  const url = node.url;
  const port = new URL(url).port;
  const token = () => tokens.mint({ sub: "game", role: "server", expiresIn: "1h" });
  const setup = await connect(url, { token });
  clients.push(setup);
  await setup.players.create({ id: "ann" });
  await setup.players.create({ id: "ben" });
  // This one will reach the node once more from the outbox, as a mutation whose ack was lost
  // before a reload would: it must apply once (the node replays its result).
  await setup.inventory.apply("ann", [{ type: "credit", currency: "gold", amount: 1 }], { opId: "queued-ann-1" });
  setup.close();
  await node.kill("SIGTERM");

  // The node is down. A game process queues eight mutations, cancels one, and goes away.
  const credit = (playerId: string, n: number) => ({
    playerId,
    opId: `queued-${playerId}-${n}`,
    ops: [{ type: "credit", currency: "gold", amount: n }],
  });
  const mutations = [
    credit("ann", 1),
    credit("ben", 1),
    credit("ann", 2),
    { playerId: "ben", opId: "queued-ben-overdraw", ops: [{ type: "debit", currency: "gold", amount: 1000 }] },
    credit("ben", 2),
    credit("ann", 3),
    credit("ann", 4),
    credit("ben", 3),
  ];
  const printed = await runOutboxClient([url, await token(), outboxFile, JSON.stringify(mutations), JSON.stringify(["queued-ann-4"])]);
  expect(printed).toContain('{"queued":7}');

  // A new client on the same file (a reloaded game) finds them, still unsent, before the node is back.
  const client = new HoardClient(url, { token, outbox: { storage: fileOutboxStorage(outboxFile) } });
  clients.push(client);
  const outbox = client.outbox as NonNullable<HoardClient["outbox"]>;
  const pending = await outbox.list();
  expect(pending.map((entry) => entry.opId)).toEqual(
    ["ann-1", "ben-1", "ann-2", "ben-overdraw", "ben-2", "ann-3", "ben-3"].map((id) => `queued-${id}`),
  );
  expect(pending.every((entry) => !entry.sent)).toBe(true);
  const delivered: string[] = [];
  const replayed: string[] = [];
  const refused: Array<{ entry: OutboxEntry; error: HoardError }> = [];
  outbox.on("delivered", (entry, data) => {
    delivered.push(entry.opId);
    if ((data as { replayed?: boolean }).replayed) replayed.push(entry.opId);
  });
  outbox.on("refused", (entry, error) => refused.push({ entry, error }));
  const ann3 = outbox.wait("queued-ann-3");

  node = await startNode({ name: "node-a", env: { HOARD_DB: dbFile, PORT: port } });
  await expect.poll(() => delivered.length + refused.length, { timeout: 15_000 }).toBe(7);
  expect(await ann3).toMatchObject({ playerId: "ann", replayed: false });
  expect(replayed).toEqual(["queued-ann-1"]);
  expect(await outbox.list()).toEqual([]);
  expect(await fileOutboxStorage(outboxFile).load()).toEqual([]);
  expect(refused.map(({ entry, error }) => [entry.opId, error.code])).toEqual([["queued-ben-overdraw", "WALLET_INSUFFICIENT_FUNDS"]]);

  // Ground truth: the op log holds each delivered mutation once, in the order queued per player.
  client.close();
  await node.kill("SIGTERM");
  const store = new SqliteStore({ path: dbFile });
  try {
    const opsOf = async (playerId: string) =>
      (await store.readHistory(playerId, { sinceVersion: 1, limit: 100 })).map((entry) => entry.opId);
    expect(await opsOf("ann")).toEqual(["queued-ann-1", "queued-ann-2", "queued-ann-3"]);
    expect(await opsOf("ben")).toEqual(["queued-ben-1", "queued-ben-2", "queued-ben-3"]);
    expect((await store.getPlayer("ann"))?.wallet.gold).toBe(6);
    expect((await store.getPlayer("ben"))?.wallet.gold).toBe(6);
  } finally {
    await store.close();
  }
}, 60_000);
