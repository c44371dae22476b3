import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "@hoard/client-sdk";
import { TokenService } from "@hoard/server/internal/auth/tokens";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, builtMain, jsonLine, type Spawned, spawnProcess } from "../support/process";
import { freePort } from "../support/redis";
import { TEST_SECRET } from "../support/server";

/**
 * The server as an operator runs it: built by `npm run build:server` (esbuild, as `npm run
 * build` does) and started with plain `node server/dist/main.js`, no tsx and no TypeScript at
 * run time; and `npm start`, signalled as a supervisor would. Its start-up failures: one line
 * each, exit 1, within the bounds measured from spawn to exit (2 s, or 10 s for an
 * unreachable MongoDB or Redis).
 */

const dir = mkdtempSync(join(tmpdir(), "hoard-production-"));
const base = { HOARD_SECRET: TEST_SECRET, HOARD_DB: ":memory:", HOST: "127.0.0.1", PORT: "0", HOARD_LOG_LEVEL: "info" };
const started: Spawned[] = [];

function startBuilt(env: Record<string, string | undefined> = {}): Spawned {
  const spawned = spawnProcess(process.execPath, [builtMain], { ...base, ...env });
  started.push(spawned);
  return spawned;
}

/**
 * The bound for a start-up failure, allowing for load: on a machine with more runnable
 * processes than cores (these tests share theirs with other work) a process gets that much less
 * of a core, so the part of the bound spent computing stretches by the same factor. On a machine
 * that is not overloaded the bound is the number, and load never stretches it more than
 * twice. `waitMs` is wall-clock waiting that load does not stretch (the 5 s a node waits for
 * Redis or MongoDB).
 */
function bound(ms: number, waitMs = 0): number {
  const overload = Math.min(2, Math.max(1, (loadavg()[0] ?? 0) / availableParallelism()));
  return waitMs + (ms - waitMs) * overload;
}

const listening = (spawned: Spawned) => spawned.logLine((line) => line.msg === "listening");

beforeAll(() => {
  buildServer();
}, 120_000);

afterAll(async () => {
  await Promise.all(started.map((spawned) => spawned.stop("SIGKILL")));
  rmSync(dir, { recursive: true, force: true });
});

describe("the built server, started with plain node", () => {
  it("answers /health and serves an SDK round trip, logs only JSON, and drains on SIGTERM with exit 0", async () => {
    const node = startBuilt({ HOARD_DB: join(dir, "round-trip.db") });
    const url = String((await listening(node)).url);
    const health = await (await fetch(`${url}/health`)).json();
    expect(health).toMatchObject({ status: "ok", store: "sqlite", version: expect.any(String) });
    expect((await fetch(`${url}/ready`)).status).toBe(200);

    const tokens = new TokenService(TEST_SECRET);
    const hoard = await connect(url, { token: await tokens.mint({ sub: "game", role: "server", expiresIn: "1h" }), timeoutMs: 10_000 });
    try {
      const { item } = await hoard.items.create({ name: "Potion", kind: "consumable", value: 5 });
      await hoard.players.create({ id: "alice" });
      await hoard.inventory.grant("alice", { category: "bag", itemId: item.id, quantity: 3 });
      const { player } = await hoard.players.get("alice");
      expect(player.inventories.bag?.stacks).toEqual({ [item.id]: 3 });
    } finally {
      hoard.close();
    }

    // No metric for a dependency this node is not configured with.
    const admin = await tokens.mint({ sub: "ops", role: "admin", expiresIn: "1h" });
    const metrics = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${admin}` } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).not.toContain("hoard_redis_up");

    expect(await node.stop("SIGTERM")).toMatchObject({ code: 0, signal: null });
    expect(node.stderr.filter(Boolean)).toEqual([]);
    for (const line of node.stdout.filter(Boolean)) expect(jsonLine(line), line).toBeDefined();
    expect(node.stdout.map(jsonLine).map((line) => line?.msg)).toContain("closed");
  });

  it("drains on SIGINT and exits 0", async () => {
    const node = startBuilt();
    await listening(node);
    expect(await node.stop("SIGINT")).toMatchObject({ code: 0, signal: null });
  });

  it("in dev mode (no HOARD_SECRET) and without a terminal, announces the console link as a JSON log line", async () => {
    const node = startBuilt({ HOARD_SECRET: undefined, HOARD_DB: join(dir, "dev", "hoard.db") });
    const announced = await node.logLine((line) => line.msg.startsWith("dev mode"));
    expect(announced).toMatchObject({ level: 40, console: expect.stringMatching(/\/console\/#token=ey/) });
    expect(await node.stop("SIGTERM")).toMatchObject({ code: 0 });
    expect(node.stderr.filter(Boolean)).toEqual([]);
    for (const line of node.stdout.filter(Boolean)) expect(jsonLine(line), line).toBeDefined();
  });
});

describe("npm start", () => {
  it("runs the built server as npm's own child, so SIGTERM to the npm process drains it, frees the port and exits 0", async () => {
    const port = await freePort();
    // prestart builds what start needs (the console and the server), as on a fresh machine.
    const npm = spawnProcess("npm", ["start"], { ...base, PORT: String(port), HOARD_DB: join(dir, "npm-start.db") });
    started.push(npm);
    await npm.logLine((line) => line.msg === "listening", 120_000);
    expect(await npm.stop("SIGTERM")).toMatchObject({ code: 0, signal: null });
    expect(npm.stdout.map(jsonLine).map((line) => line?.msg)).toContain("closed");
    expect(await canListen(port)).toBe(true);
  }, 150_000);
});

describe("start-up failures: one line naming what to fix, exit 1", () => {
  /** Starts the built server, which must fail: returns its one fatal line and how long it took from spawn to exit. */
  async function failure(env: Record<string, string | undefined>) {
    const node = startBuilt(env);
    const { code, elapsedMs } = await node.exited;
    const lines = node.stdout.filter(Boolean);
    // JSON log lines only (no terminal here), the last of them the failure.
    for (const line of lines) expect(jsonLine(line), line).toBeDefined();
    expect(node.stderr.filter(Boolean)).toEqual([]);
    const fatal = lines.map(jsonLine).filter((line) => line?.level === 60);
    expect(fatal).toHaveLength(1);
    expect(lines.at(-1)).toBe(JSON.stringify(fatal[0]));
    return { code, elapsedMs, message: fatal[0]?.msg ?? "", line: lines.at(-1) ?? "" };
  }

  let taken: Server;
  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

  it("port in use", async () => {
    const port = (taken.address() as { port: number }).port;
    const { code, elapsedMs, message } = await failure({ PORT: String(port) });
    expect(code).toBe(1);
    expect(message).toBe(`PORT=${port}: the port is already in use on 127.0.0.1: stop what listens there or set PORT to a free port`);
    expect(elapsedMs).toBeLessThan(bound(2000));
  });

  it("a HOST that does not resolve, and one that is not an address of this machine", async () => {
    const unresolved = await failure({ HOST: "no-such-host.invalid" });
    expect(unresolved.code).toBe(1);
    expect(unresolved.message).toMatch(/^HOST="no-such-host\.invalid": the name does not resolve \(E[A-Z_]+\): set HOST to an address/);
    expect(unresolved.elapsedMs).toBeLessThan(bound(2000));

    // TEST-NET-1: never an address of this machine. A start-up failure is printed even at log level silent.
    const foreign = await failure({ HOST: "192.0.2.1", HOARD_LOG_LEVEL: "silent" });
    expect(foreign.code).toBe(1);
    expect(foreign.message).toMatch(/^HOST="192\.0\.2\.1": not an address of this machine: set HOST to an address/);
    expect(foreign.elapsedMs).toBeLessThan(bound(2000));
  });

  it("a data directory that cannot be created or written", async () => {
    // Tests may run as root, who may write anywhere: a directory path that is a file fails for everyone.
    const file = join(dir, "a-file");
    writeFileSync(file, "not a directory");
    const { code, elapsedMs, message } = await failure({ HOARD_DB: join(file, "hoard.db") });
    expect(code).toBe(1);
    expect(message).toMatch(/^HOARD_DB=".*a-file\/hoard\.db": cannot open the database file \(.+\): make its directory writable/);
    expect(elapsedMs).toBeLessThan(bound(2000));
  });

  it("a bad variable, with its value and what is wrong (a secret never shown)", async () => {
    const { code, elapsedMs, message } = await failure({ PORT: "eighty", HOARD_SECRET: "too-short-secret" });
    expect(code).toBe(1);
    expect(message).toMatch(/^Invalid configuration \(README\.md, Configuration\): /);
    expect(message).toContain('PORT="eighty"');
    expect(message).toContain("HOARD_SECRET=<16 characters, hidden>: must be at least 32 characters");
    expect(message).not.toContain("too-short-secret");
    expect(elapsedMs).toBeLessThan(bound(2000));
  });

  it("an unreachable MongoDB", async () => {
    const port = await freePort();
    const { code, elapsedMs, message } = await failure({ MONGODB_URL: `mongodb://127.0.0.1:${port}/?replicaSet=rs0` });
    expect(code).toBe(1);
    expect(message).toBe(
      `MONGODB_URL: cannot connect to MongoDB (connect ECONNREFUSED 127.0.0.1:${port}): start it, or fix or unset MONGODB_URL`,
    );
    expect(elapsedMs).toBeLessThan(bound(10_000, 5000));
  }, 30_000);

  it("an unreachable Redis: the node refuses to start rather than serve as an island", async () => {
    const port = await freePort();
    const { code, elapsedMs, message } = await failure({ REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(code).toBe(1);
    expect(message).toMatch(
      new RegExp(`^REDIS_URL="redis://127\\.0\\.0\\.1:${port}": Redis did not answer within 5 s \\(.*ECONNREFUSED.*\\): start Redis`),
    );
    expect(elapsedMs).toBeLessThan(bound(10_000, 5000));
  }, 30_000);
});

/** True when nothing holds the port any more. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}
