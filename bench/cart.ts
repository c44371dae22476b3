/**
 * Cart bench: 100 adds + checkout over the socket, one SDK client, with sequential awaits and
 * with the adds pipelined (sent at once, acks awaited together), against the origin's figures (add 100 ≈ 93 ms, checkout ≈ 1 ms, in-process).
 *
 *   npx tsx bench/cart.ts [--rounds 30] [--warmup 5]
 *
 * Starts its own nodes (temp sqlite files, logs silent): one with HOARD_SQLITE_SYNCHRONOUS=FULL
 * (the default: every commit fsyncs) and one with NORMAL (survives a process crash, not a
 * power loss). Side by side, in the same run: the same sequence in-process (the cart service
 * on the same store, no socket) as the origin measured, and a bare socket.io echo server
 * answering the same 101 round trips, the floor any socket transport stands on.
 * Every round uses a fresh player (the per-player rate limit stays on, as in production).
 * Prints a Markdown table; writes bench/results/cart.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { connect, type HoardClient } from "@hoard/client-sdk";
import { createApp, loadConfig } from "@hoard/server";
import { CartService } from "@hoard/server/internal/cart/service";
import { Server } from "socket.io";
import { io } from "socket.io-client";

const ADDS = 100;
const PRICE = 10;
const SECRET = "bench-secret-that-is-at-least-32-characters-long";
const { values: args } = parseArgs({ options: { rounds: { type: "string", default: "30" }, warmup: { type: "string", default: "5" } } });
const rounds = Number(args.rounds);
const warmup = Number(args.warmup);

interface Round {
  totalMs: number;
  addsMs: number;
  checkoutMs: number;
}

interface Summary {
  totalMs: Stats;
  perAddMs: Stats;
  checkoutMs: Stats;
}

interface Stats {
  median: number;
  p90: number;
  min: number;
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { median: at(0.5), p90: at(0.9), min: sorted[0] ?? Number.NaN };
}

function summarise(measured: Round[]): Summary {
  return {
    totalMs: stats(measured.map((round) => round.totalMs)),
    perAddMs: stats(measured.map((round) => round.addsMs / ADDS)),
    checkoutMs: stats(measured.map((round) => round.checkoutMs)),
  };
}

/** Runs warm-up rounds, then measured ones; `round(i)` does one 100 adds + checkout. */
async function measure(round: (index: number) => Promise<Round>): Promise<Summary> {
  for (let i = 0; i < warmup; i++) await round(i);
  const measured: Round[] = [];
  for (let i = warmup; i < warmup + rounds; i++) measured.push(await round(i));
  return summarise(measured);
}

/** A node on a temp file, with a catalog of ADDS products at PRICE gold. */
async function startNode(synchronous: "FULL" | "NORMAL") {
  const dir = mkdtempSync(join(tmpdir(), "hoard-bench-cart-"));
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    HOARD_DB: join(dir, "hoard.db"),
    HOARD_SQLITE_SYNCHRONOUS: synchronous,
    HOARD_SECRET: SECRET,
    HOARD_LOG_LEVEL: "silent",
  });
  const app = createApp(config);
  const url = await app.listen();
  const gm = await connect(url, { token: await app.tokens.mint({ sub: "bench", role: "server", expiresIn: "1h" }) });
  const itemIds: string[] = [];
  for (let i = 0; i < ADDS; i++) {
    const { item } = await gm.items.create({ name: `Product ${i}`, kind: "bench", value: PRICE });
    await gm.shop.put({ itemId: item.id, price: PRICE });
    itemIds.push(item.id);
  }
  return {
    app,
    url,
    gm,
    itemIds,
    close: async () => {
      gm.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Node = Awaited<ReturnType<typeof startNode>>;

async function newBuyer(node: Node, playerId: string): Promise<void> {
  await node.gm.players.create({ id: playerId });
  await node.gm.inventory.credit(playerId, "gold", ADDS * PRICE);
}

/**
 * Over the socket: one SDK client with the player's own token. `sequential` awaits every add in
 * turn; `pipelined` sends the 100 adds at once (acks are asynchronous, so a client need not
 * wait for one add before sending the next): they reach the node in order and share group
 * commits. Then the checkout.
 */
async function socketRound(node: Node, playerId: string, adds: "sequential" | "pipelined"): Promise<Round> {
  await newBuyer(node, playerId);
  const client: HoardClient = await connect(node.url, {
    token: await node.app.tokens.mint({ sub: playerId, role: "player", expiresIn: "1h" }),
  });
  const add = (itemId: string) => client.cart.add(playerId, { itemId, offeredPrice: PRICE });
  try {
    const started = performance.now();
    if (adds === "pipelined") await Promise.all(node.itemIds.map(add));
    else for (const itemId of node.itemIds) await add(itemId);
    const added = performance.now();
    const { order } = await client.cart.checkout(playerId);
    const done = performance.now();
    if (order.totals.gold !== ADDS * PRICE) throw new Error(`checkout total ${order.totals.gold}, expected ${ADDS * PRICE}`);
    return { totalMs: done - started, addsMs: added - started, checkoutMs: done - added };
  } finally {
    client.close();
  }
}

/** In-process, as the origin measured: the cart service on the same store, no socket, no parsing. */
async function inProcessRound(node: Node, carts: CartService, playerId: string): Promise<Round> {
  await newBuyer(node, playerId);
  const actor = { role: "player" as const, sub: playerId };
  const started = performance.now();
  let n = 0;
  for (const itemId of node.itemIds) {
    await carts.add(actor, {
      playerId,
      opId: `${playerId}-add-${n++}`,
      itemId,
      offeredPrice: PRICE,
      itemCount: 1,
      currency: "gold",
      category: "bag",
    });
  }
  const added = performance.now();
  await carts.checkout(actor, { playerId, opId: `${playerId}-checkout` });
  const done = performance.now();
  return { totalMs: done - started, addsMs: added - started, checkoutMs: done - added };
}

/** The floor: a bare socket.io server acking 100 messages of a cart add's size (awaited in turn, or sent at once), then one more. */
async function echoBaseline(): Promise<{ sequential: Summary; pipelined: Summary }> {
  const httpServer = createServer();
  const ioServer = new Server(httpServer, { serveClient: false });
  ioServer.on("connection", (socket) => {
    socket.on("echo", (payload: unknown, ack: (reply: unknown) => void) => ack({ ok: true, data: payload }));
  });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const { port } = httpServer.address() as AddressInfo;
  const socket = io(`http://127.0.0.1:${port}`, { transports: ["websocket"] });
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  const payload = { playerId: "bench-player", opId: "0".repeat(32), itemId: "f".repeat(64), offeredPrice: PRICE };
  const echo = () => socket.timeout(5000).emitWithAck("echo", payload);
  const round = (adds: "sequential" | "pipelined") => async (): Promise<Round> => {
    const started = performance.now();
    if (adds === "pipelined") await Promise.all(Array.from({ length: ADDS }, echo));
    else for (let i = 0; i < ADDS; i++) await echo();
    const added = performance.now();
    await echo();
    const done = performance.now();
    return { totalMs: done - started, addsMs: added - started, checkoutMs: done - added };
  };
  const sequential = await measure(round("sequential"));
  const pipelined = await measure(round("pipelined"));
  socket.close();
  await ioServer.close();
  return { sequential, pipelined };
}

async function hoardRuns(synchronous: "FULL" | "NORMAL"): Promise<{ socket: Summary; pipelined: Summary; inProcess: Summary }> {
  const node = await startNode(synchronous);
  try {
    const socket = await measure((i) => socketRound(node, `socket-${i}`, "sequential"));
    const pipelined = await measure((i) => socketRound(node, `piped-${i}`, "pipelined"));
    const carts = new CartService({
      store: node.app.store,
      publisher: { publish: () => {} },
      limits: node.app.config.playerLimits,
      maxReservationMs: node.app.config.maxReservationMs,
    });
    const inProcess = await measure((i) => inProcessRound(node, carts, `local-${i}`));
    return { socket, pipelined, inProcess };
  } finally {
    await node.close();
  }
}

const fmt = (ms: number) => (ms < 1 ? ms.toFixed(3) : ms.toFixed(1));
const cell = (s: Stats) => `${fmt(s.median)} (p90 ${fmt(s.p90)}, min ${fmt(s.min)})`;

async function main(): Promise<void> {
  const started = Date.now();
  const normal = await hoardRuns("NORMAL");
  const full = await hoardRuns("FULL");
  const echo = await echoBaseline();

  const rows: Array<[string, Summary | undefined, string]> = [
    ["Hoard over the socket, synchronous=NORMAL", normal.socket, ""],
    ["Hoard over the socket, synchronous=FULL (default)", full.socket, ""],
    ["Hoard over the socket, adds pipelined (sent at once), NORMAL", normal.pipelined, ""],
    ["Hoard over the socket, adds pipelined (sent at once), FULL", full.pipelined, ""],
    ["Hoard in-process (service + store, no socket), NORMAL", normal.inProcess, ""],
    ["Hoard in-process (service + store, no socket), FULL", full.inProcess, ""],
    ["bare socket.io echo, same 101 round trips", echo.sequential, ""],
    ["bare socket.io echo, 100 pipelined + 1", echo.pipelined, ""],
    ["origin (sharded cart, in-process)", undefined, "93 | 0.93 | ≈ 1"],
  ];
  console.log(`\n### Cart: ${ADDS} adds + checkout (${rounds} rounds after ${warmup} warm-up; median (p90, min), ms)\n`);
  console.log("| run | total | per add | checkout |");
  console.log("|---|---|---|---|");
  for (const [name, summary, origin] of rows) {
    console.log(
      summary
        ? `| ${name} | ${cell(summary.totalMs)} | ${cell(summary.perAddMs)} | ${cell(summary.checkoutMs)} |`
        : `| ${name} | ${origin} |`,
    );
  }
  const ratio = (hoard: Summary, base: Summary) => (hoard.totalMs.median / base.totalMs.median).toFixed(2);
  console.log(
    `\nRatios of medians to the bare echo of the same shape: sequential NORMAL ${ratio(normal.socket, echo.sequential)}×, FULL ${ratio(full.socket, echo.sequential)}×; ` +
      `pipelined NORMAL ${ratio(normal.pipelined, echo.pipelined)}×, FULL ${ratio(full.pipelined, echo.pipelined)}×; ` +
      `pipelined FULL against the sequential echo ${ratio(full.pipelined, echo.sequential)}× (the target, 10 ms, is 2.0× the 4.9 ms that echo took on a quiet machine).`,
  );
  console.log(
    `Target: ≤ 10 ms for the whole sequence over the socket. Machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, node ${process.version}.`,
  );

  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  const report = {
    bench: "cart",
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    rounds,
    warmup,
    adds: ADDS,
    origin: { add100Ms: 93, checkoutMs: 1, note: "in-process" },
    targetTotalMs: 10,
    results: {
      socketNormal: normal.socket,
      socketFull: full.socket,
      pipelinedNormal: normal.pipelined,
      pipelinedFull: full.pipelined,
      inProcessNormal: normal.inProcess,
      inProcessFull: full.inProcess,
      echo: echo.sequential,
      echoPipelined: echo.pipelined,
    },
    wallMs: Date.now() - started,
  };
  writeFileSync(new URL("./results/cart.json", import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
}

await main();
