import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket as TcpSocket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore, type Store } from "@hoard/server";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { disconnected, http, okData, type World, within, world } from "../support/edge";
import { type AckReply, connectRaw, newOpId, type RawClient, startServer, type TestServer } from "../support/server";

/**
 * Graceful shutdown: app.close() lets the requests under way finish and answer, refuses new
 * ones, reports not-ready meanwhile, then hangs up and closes the store.
 *
 * To hold requests "under way" the node gets a real sqlite store whose commits wait at a gate
 * the test opens: the only stand-in here, and it only delays.
 */

interface GatedStore {
  store: Store;
  /** From now on, commits wait. */
  hold(): void;
  /** Resolves once `count` commits are waiting at the gate. */
  waiting(count: number): Promise<void>;
  release(): void;
}

function gatedStore(path: string): GatedStore {
  const inner = new SqliteStore({ path });
  let gate: Promise<void> | undefined;
  let open = () => {};
  let parked = 0;
  const watchers: Array<{ count: number; resolve: () => void }> = [];
  const store = new Proxy(inner, {
    get(target, property) {
      if (property === "commitPlayers") {
        return async (commit: Parameters<Store["commitPlayers"]>[0]) => {
          if (gate) {
            parked++;
            for (const watcher of watchers.filter((w) => parked >= w.count)) watcher.resolve();
            await gate;
          }
          return target.commitPlayers(commit);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as Store;
  return {
    store,
    hold() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    waiting: (count) =>
      new Promise((resolve) => {
        if (parked >= count) resolve();
        else watchers.push({ count, resolve });
      }),
    release() {
      gate = undefined;
      open();
    },
  };
}

/** One raw keep-alive TCP connection, so requests can be pipelined behind one that is held. */
interface RawHttp {
  socket: TcpSocket;
  send(request: string): void;
  /** Everything the server wrote, once it closes the connection. */
  ended: Promise<string>;
}

async function rawHttp(url: string): Promise<RawHttp> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  let received = "";
  socket.on("data", (chunk) => {
    received += chunk.toString("utf8");
  });
  const ended = new Promise<string>((resolve) => socket.once("close", () => resolve(received)));
  return { socket, send: (request) => socket.write(request), ended };
}

function request(method: string, path: string, options: { token?: string; json?: unknown; close?: boolean } = {}): string {
  const body = options.json === undefined ? "" : JSON.stringify(options.json);
  const headers = [
    `${method} ${path} HTTP/1.1`,
    "Host: localhost",
    `Connection: ${options.close ? "close" : "keep-alive"}`,
    ...(options.token ? [`Authorization: Bearer ${options.token}`] : []),
    ...(body ? ["Content-Type: application/json", `Content-Length: ${Buffer.byteLength(body)}`] : []),
  ];
  return `${headers.join("\r\n")}\r\n\r\n${body}`;
}

/** The status and JSON body of each response in a raw HTTP/1.1 stream (bodies have a Content-Length). */
function responses(stream: string): Array<{ status: number; body: any }> {
  const out: Array<{ status: number; body: any }> = [];
  let rest = stream;
  while (rest.startsWith("HTTP/1.1 ")) {
    const headEnd = rest.indexOf("\r\n\r\n");
    const head = rest.slice(0, headEnd);
    const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
    const bodyBytes = Buffer.from(rest.slice(headEnd + 4), "utf8").subarray(0, length);
    out.push({ status: Number(head.slice(9, 12)), body: length ? JSON.parse(bodyBytes.toString("utf8")) : undefined });
    rest = Buffer.from(rest.slice(headEnd + 4), "utf8")
      .subarray(length)
      .toString("utf8");
  }
  return out;
}

describe("graceful shutdown", () => {
  let dir: string;
  let server: TestServer;
  let gated: GatedStore;
  let w: World;
  let gmToken: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "hoard-shutdown-"));
    gated = gatedStore(join(dir, "hoard.db"));
    server = await startServer({ store: gated.store });
    w = await world(server);
    await w.player("alice");
    gmToken = await server.token("server", "game");
  });
  afterEach(async () => {
    gated.release();
    w.close();
    await server.close();
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const credit = (amount: number) => ({ playerId: "alice", opId: newOpId(), ops: [{ type: "credit", currency: "gold", amount }] });

  it("lets requests under way finish and answer, refuses new ones, is not ready meanwhile, then closes the store", async () => {
    const watcher = await connectRaw(server.url, await server.token("admin"));
    const path = join(dir, "hoard.db");
    gated.hold();

    // Under way: three over the socket and one over REST, all parked at the store.
    const inFlight: Array<Promise<AckReply>> = [1, 2, 3].map((amount) => w.gm.call("inventory:apply", credit(amount)));
    const raw = await rawHttp(server.url);
    const restOp = credit(4);
    raw.send(request("POST", "/api/v1/players/alice/ops", { token: gmToken, json: { opId: restOp.opId, ops: restOp.ops } }));
    await within(5000, gated.waiting(4), "four parked commits");

    const watcherGone = disconnected(watcher.socket);
    const closing = server.app.close();

    // New work is refused while the old finishes: over the socket, and over REST on the open connection.
    expect(await w.gm.call("inventory:apply", credit(100))).toMatchObject({ ok: false, error: { code: "SERVER_SHUTTING_DOWN" } });
    raw.send(request("GET", "/ready"));
    raw.send(
      request("POST", "/api/v1/players/alice/ops", { token: gmToken, json: { opId: newOpId(), ops: credit(200).ops }, close: true }),
    );
    // A new connection is not accepted at all.
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();

    gated.release();
    const replies = await Promise.all(inFlight);
    for (const reply of replies) expect(reply).toMatchObject({ ok: true, data: { replayed: false } });

    const [restReply, ready, refused] = responses(await raw.ended);
    expect(restReply).toMatchObject({ status: 200, body: { ok: true, data: { playerId: "alice", replayed: false } } });
    // Four commits after the create (version 1), each with its own version.
    const versions = [...replies.map((reply) => okData(reply).version), restReply?.body.data.version];
    expect(versions.sort()).toEqual([2, 3, 4, 5]);
    expect(ready).toEqual({ status: 503, body: { ready: false } });
    expect(refused).toMatchObject({ status: 503, body: { ok: false, error: { code: "SERVER_SHUTTING_DOWN" } } });

    await within(15_000, closing, "close()");
    expect(await within(5000, watcherGone, "the disconnect")).toBe("io server disconnect");
    expect(w.gm.socket.connected).toBe(false);

    // The store is closed: it refuses commits and reads.
    await expect(gated.store.commitPlayers({} as never)).rejects.toMatchObject({ code: "SERVER_SHUTTING_DOWN" });
    await expect(gated.store.getPlayer("alice")).rejects.toThrow();

    // What was under way was committed, and nothing else: reopen the file.
    const reopened = new SqliteStore({ path });
    const alice = await reopened.getPlayer("alice");
    expect(alice?.wallet.gold).toBe(1 + 2 + 3 + 4);
    expect(alice?.version).toBe(5);
    await reopened.close();
    watcher.close();
  });

  it("close() with nothing under way hangs up on connected sockets and resolves; calling it again is harmless", async () => {
    const client = await connectRaw(server.url, await server.token("player", "alice"));
    const gone = disconnected(client.socket);
    const first = server.app.close();
    const second = server.app.close();
    await within(5000, Promise.all([first, second]), "close()");
    expect(await within(5000, gone, "the disconnect")).toBe("io server disconnect");
    expect(server.app.httpServer.listening).toBe(false);
    await expect(http(server, "GET", "/ready")).rejects.toThrow();
    client.close();
  });
});

describe("a client whose ack is under way when the node closes", () => {
  it("gets its ack before the hang-up, for every request under way", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hoard-shutdown-"));
    const gated = gatedStore(join(dir, "hoard.db"));
    const server = await startServer({ store: gated.store });
    const w = await world(server);
    await w.player("bob");
    const clients: RawClient[] = [];
    for (let n = 0; n < 5; n++) clients.push(await connectRaw(server.url, await server.token("server", `game-${n}`)));
    gated.hold();
    const replies = clients.map((client, n) =>
      client.call("inventory:apply", { playerId: "bob", opId: newOpId(), ops: [{ type: "credit", currency: "gold", amount: n + 1 }] }),
    );
    await within(5000, gated.waiting(5), "five parked commits");
    const closing = server.app.close();
    gated.release();
    for (const reply of await Promise.all(replies)) expect(reply).toMatchObject({ ok: true });
    await closing;
    w.close();
    for (const client of clients) client.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
