import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capturedLog } from "../support/log";
import { connectRawWs } from "../support/raw-ws";
import { connectRaw, startServer, type TestServer } from "../support/server";

/**
 * A flooding player: its events are admitted per connection before they are parsed, unknown
 * events count like any other, and the refusals are logged as one line of counts per
 * connection, not one line each. (How little a flood slows others is a figure: bench/flood.ts.)
 */

/** A node with the players `flooder` and `other`. */
async function startWithPlayers(options: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(options);
  const gm = await connectRaw(server.url, await server.token("server", "game"));
  for (const id of ["flooder", "other"]) expect(await gm.call("players:create", { id, opId: `create-${id}` })).toMatchObject({ ok: true });
  gm.close();
  return server;
}

const code = (reply: unknown[]) => (reply[0] as { ok: boolean; error?: { code: string } }).error?.code ?? "ok";

describe("a flood from one player (HOARD_RATE_PER_SECOND=1, HOARD_RATE_BURST=5)", () => {
  let server: TestServer;
  const captured = capturedLog();

  beforeAll(async () => {
    server = await startWithPlayers({ env: { HOARD_RATE_PER_SECOND: "1", HOARD_RATE_BURST: "5" }, log: captured.log });
  });
  afterAll(async () => {
    await server.close();
  });

  /** Sends `count` frames in one write and returns the ack codes, counted. */
  async function flood(frames: (id: number) => string, count: number) {
    const client = await connectRawWs(server.url, await server.token("player", "flooder"));
    client.sendAll(Array.from({ length: count }, (_, i) => frames(i + 1)));
    const codes: Record<string, number> = {};
    for (let id = 1; id <= count; id++) {
      const got = code(await client.ack(id));
      codes[got] = (codes[got] ?? 0) + 1;
    }
    return { client, codes };
  }

  const refusedLines = () => captured.lines.filter((line) => line.msg === "requests refused");

  it("unknown events take from the bucket like known ones: 5 answered EVENT_UNKNOWN, the rest RATE_LIMITED", async () => {
    const { client, codes } = await flood((id) => `42${id}["no:such:event",{}]`, 50);
    // One token a second: a slow machine may earn one or two more while the frames arrive.
    expect(codes.EVENT_UNKNOWN).toBeGreaterThanOrEqual(5);
    expect(codes.EVENT_UNKNOWN).toBeLessThanOrEqual(8);
    expect(codes.RATE_LIMITED).toBe(50 - (codes.EVENT_UNKNOWN ?? 0));
    client.close();
  });

  it("a refused event is not parsed: a malformed one is answered RATE_LIMITED and the connection stays", async () => {
    // Malformed JSON would make Socket.IO drop the connection; refused first, it is never parsed.
    // (One write: read at once, the frames after the 5th all find the bucket empty.)
    const { client, codes } = await flood(
      (id) => (id <= 10 ? `42${id}["players:get",{"playerId":"flooder"}]` : `42${id}["players:get",{oops`),
      20,
    );
    expect(codes.RATE_LIMITED).toBeGreaterThanOrEqual(10);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    client.close();
  });

  it("refusals are logged as one line of counts per connection (at its close, or every 10 s), never one line each", async () => {
    const { client, codes } = await flood((id) => `42${id}["players:get",{"playerId":"flooder"}]`, 200);
    client.close();
    const ofIt = () => refusedLines().filter((line) => line.connection === client.sid);
    await expect.poll(() => ofIt().length).toBe(1);
    const [line] = ofIt();
    expect(line).toMatchObject({
      level: 30,
      sub: "flooder",
      role: "player",
      transport: "socket",
      refused: { RATE_LIMITED: codes.RATE_LIMITED },
    });
    expect(codes.RATE_LIMITED).toBeGreaterThan(150);
    // No line per refused request.
    expect(captured.lines.filter((l) => l.code === "RATE_LIMITED")).toEqual([]);
    expect(captured.lines.filter((l) => l.level >= 40)).toEqual([]);
  });

  it("another player is served during the flood", async () => {
    const flooder = await connectRawWs(server.url, await server.token("player", "flooder"));
    for (let id = 1; id <= 500; id++) flooder.ws.send(`42${id}["no:such:event",{}]`);
    const other = await connectRaw(server.url, await server.token("player", "other"));
    expect(await other.call("players:get", { playerId: "other" })).toMatchObject({ ok: true });
    expect(code(await flooder.ack(500))).toBe("RATE_LIMITED");
    other.close();
    flooder.close();
  });
});

describe("fairness: a burst within the flooder's rate (HOARD_RATE_BURST=5000)", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startWithPlayers({ env: { HOARD_RATE_BURST: "5000", HOARD_MAX_IN_FLIGHT: "5000" } });
  });
  afterAll(async () => {
    await server.close();
  });

  it("another player's call, sent just after 2,000 admitted requests arrive in one write, is answered before three quarters of them", async () => {
    const FLOOD = 2000;
    const flooder = await connectRawWs(server.url, await server.token("player", "flooder"));
    const other = await connectRaw(server.url, await server.token("player", "other"));
    let floodAnswered = 0;
    const floodAcks = Array.from({ length: FLOOD }, (_, i) => flooder.ack(i + 1).then(() => floodAnswered++));
    // One read of the node's delivers hundreds of these frames at once: were every admitted one
    // started as it is read, they would all run before the node reads the other player's socket.
    flooder.sendAll(Array.from({ length: FLOOD }, (_, i) => `42${i + 1}["players:get",{"playerId":"flooder"}]`));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await other.call("players:get", { playerId: "other" })).toMatchObject({ ok: true });
    const answeredBefore = floodAnswered;
    await Promise.all(floodAcks);
    // Fair: a few turns of FAIR_BATCH (96 here); all at once: more than 1,100.
    expect(answeredBefore).toBeLessThan(FLOOD / 4);
    other.close();
    flooder.close();
  });
});
