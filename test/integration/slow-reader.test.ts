import type { Socket as ServerSocket } from "socket.io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { okData } from "../support/edge";
import { capturedLog } from "../support/log";
import { connectRawWs } from "../support/raw-ws";
import { connectRaw, itemDefinition, type RawClient, startServer, type TestServer } from "../support/server";

/**
 * A client that stops reading while it keeps asking for large replies: the node holds at most
 * HOARD_MAX_BUFFERED_BYTES for it, then cuts the connection and frees what it held, while
 * other clients keep being served.
 */

const LIMIT = 1024 * 1024;
const ITEMS = 200;

describe(`a connection that does not read (HOARD_MAX_BUFFERED_BYTES=${LIMIT})`, () => {
  let server: TestServer;
  let gm: RawClient;
  let replyBytes = 0;
  const captured = capturedLog();

  beforeAll(async () => {
    server = await startServer({ env: { HOARD_MAX_BUFFERED_BYTES: String(LIMIT) }, log: captured.log });
    gm = await connectRaw(server.url, await server.token("server", "game"));
    // Items with long descriptions, so one items:list reply is ~250 KB.
    for (let i = 0; i < ITEMS; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          gm.call("items:create", { definition: { ...itemDefinition({ name: `big-${i + j}` }), description: "d".repeat(1024) } }),
        ),
      );
    }
    replyBytes = JSON.stringify(okData(await gm.call("items:list", { limit: ITEMS }))).length;
    expect(replyBytes).toBeGreaterThan(200_000);
  });
  afterAll(async () => {
    gm.close();
    await server.close();
  });

  /** The server side of the next connection, to watch it close. */
  const nextServerSocket = () =>
    new Promise<ServerSocket>((resolve) => server.app.io.once("connection", (socket) => resolve(socket as never)));

  it("over WebSocket: the node cuts it once it holds more than the bound, frees it, and serves others meanwhile", async () => {
    const serverSide = nextServerSocket();
    const reader = await connectRawWs(server.url, await server.token("player", "hoarder"));
    const socket = await serverSide;
    const gone = new Promise<string>((resolve) => socket.once("disconnect", (reason) => resolve(reason)));
    let cut = false;
    void gone.then(() => {
      cut = true;
    });
    reader.pauseReading();

    // Ask for up to 64 × the bound of replies (enough to be sure; bounded, so a broken node fails the test, not the machine).
    const most = Math.ceil((64 * LIMIT) / replyBytes);
    let sent = 0;
    while (!cut && sent < most) {
      for (let i = 0; i < 10; i++) reader.emitText("items:list", JSON.stringify({ limit: ITEMS }), ++sent);
      // Another client is served while the reader hoards.
      expect(await gm.call("kits:list", {})).toMatchObject({ ok: true });
    }
    expect(cut, `still connected after ${sent} requests of ${replyBytes} bytes`).toBe(true);
    expect(await gone).toBe("forced close");

    // What it held at the cut: the bound plus at most the reply that crossed it.
    const line = captured.lines.find((l) => l.msg === "connection closed: it leaves its replies unread");
    expect(line).toMatchObject({ level: 30, sub: "hoarder", role: "player" });
    expect(line?.queuedBytes).toBeLessThanOrEqual(LIMIT + replyBytes + 1024);
    // And nothing of it is left: the node no longer has the connection.
    expect(server.app.io.sockets.sockets.has(socket.id)).toBe(false);
    expect(await gm.call("items:list", { limit: 1 })).toMatchObject({ ok: true });
    reader.close();
  });

  it("over long-polling: a client that never polls is cut the same way", async () => {
    const base = `${server.url}/socket.io/?EIO=4&transport=polling`;
    const open = await (await fetch(base)).text();
    const { sid } = JSON.parse(open.slice(1)) as { sid: string };
    const url = `${base}&sid=${sid}`;
    const serverSide = nextServerSocket();
    const post = (body: string) => fetch(url, { method: "POST", body, headers: { "content-type": "text/plain" } });
    expect((await post(`40${JSON.stringify({ token: await server.token("player", "poller") })}`)).status).toBe(200);
    const socket = await serverSide;
    let cut = false;
    socket.once("disconnect", () => {
      cut = true;
    });
    // It never sends GET again: every reply waits in the node's queue.
    const most = Math.ceil((64 * LIMIT) / replyBytes);
    let sent = 0;
    while (!cut && sent < most) {
      const packets = Array.from({ length: 10 }, () => `42${++sent}["items:list",{"limit":${ITEMS}}]`);
      const reply = await post(packets.join("\x1e"));
      if (reply.status !== 200) break;
    }
    await expect.poll(() => cut).toBe(true);
    expect(sent).toBeLessThan(most);
    expect(server.app.io.sockets.sockets.has(socket.id)).toBe(false);
  });
});

describe("requests in flight per connection (HOARD_MAX_IN_FLIGHT=2)", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ env: { HOARD_MAX_IN_FLIGHT: "2" } });
  });
  afterAll(async () => {
    await server.close();
  });

  it("requests beyond the cap are refused with REQUEST_IN_FLIGHT_LIMIT; the connection stays and serves the next ones", async () => {
    const client = await connectRaw(server.url, await server.token("server", "game"));
    // Sent together, they arrive in one read: all start before the first is answered.
    const replies = await Promise.all(Array.from({ length: 30 }, () => client.call("kits:list", {})));
    const refused = replies.filter((reply) => !reply.ok);
    expect(refused.length).toBeGreaterThan(0);
    for (const reply of refused)
      expect(reply).toEqual({ ok: false, error: { code: "REQUEST_IN_FLIGHT_LIMIT", message: expect.any(String) } });
    expect(replies.filter((reply) => reply.ok).length).toBeGreaterThanOrEqual(2);
    expect(await client.call("kits:list", {})).toMatchObject({ ok: true });
    client.close();
  });
});
