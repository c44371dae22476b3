import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRawWs } from "../support/raw-ws";
import { connectRaw, startServer, type TestServer } from "../support/server";

/**
 * The node's bound on requests under way, every connection's together (HOARD_MAX_NODE_IN_FLIGHT,
 * here 4, far below what these connections send at once): past it, packets wait unparsed and
 * the held connections take turns (the rule itself: server/src/transport/connection-gate.test.ts).
 * Through a real node: nothing is lost or applied twice, and the count cannot leak.
 */
const credit = (id: number, playerId: string, opId: string) =>
  `42${id}${JSON.stringify(["inventory:apply", { playerId, opId, ops: [{ type: "credit", currency: "gold", amount: 1 }] }])}`;

describe("a node at its bound of requests under way (HOARD_MAX_NODE_IN_FLIGHT=4)", () => {
  let server: TestServer;
  let gameServerToken: string;

  beforeAll(async () => {
    server = await startServer({ env: { HOARD_MAX_NODE_IN_FLIGHT: "4" } });
    gameServerToken = await server.token("server", "game");
    const gm = await connectRaw(server.url, gameServerToken);
    for (const id of ["p0", "p1", "p2", "survivor"]) {
      expect(await gm.call("players:create", { id, opId: `create-${id}` })).toMatchObject({ ok: true });
    }
    gm.close();
  });
  afterAll(async () => {
    await server.close();
  });

  it("300 commits from each of three connections, sent at once: every one acked, each applied once", async () => {
    const PER = 300;
    const clients = await Promise.all([0, 1, 2].map(() => connectRawWs(server.url, gameServerToken)));
    clients.forEach((client, c) => {
      client.sendAll(Array.from({ length: PER }, (_, i) => credit(i + 1, `p${c}`, `burst-${c}-${i}`)));
    });
    const replies = await Promise.all(
      clients.flatMap((client) => Array.from({ length: PER }, (_, i) => client.ack(i + 1).then((args) => args[0]))),
    );
    expect(replies.filter((reply) => (reply as { ok: boolean }).ok)).toHaveLength(3 * PER);
    const gm = await connectRaw(server.url, gameServerToken);
    for (const c of [0, 1, 2]) {
      expect(await gm.call("players:get", { playerId: `p${c}` })).toMatchObject({ ok: true, data: { player: { wallet: { gold: PER } } } });
    }
    gm.close();
    for (const client of clients) client.close();
  });

  it("connections that close mid-burst or send what Socket.IO cannot decode give their share back: the node still serves", async () => {
    // Each round leaves up to 4 requests under way on a connection that then goes away; were
    // those counted for good, the first round would already fill the node's bound.
    for (let round = 0; round < 8; round++) {
      const dying = await connectRawWs(server.url, gameServerToken);
      const frames = Array.from({ length: 10 }, (_, i) => credit(i + 1, "survivor", `dying-${round}-${i}`));
      // Half the rounds end in a packet Socket.IO cannot decode (it closes the connection), half in a hang-up.
      if (round % 2 === 0) frames.push(`4211["inventory:apply",{oops`);
      dying.sendAll(frames);
      if (round % 2 === 1) dying.close();
      await dying.closed;
    }
    const gm = await connectRaw(server.url, gameServerToken);
    const reply = await gm.call("inventory:apply", JSON.parse(credit(1, "survivor", "after-the-rounds").slice(3))[1]);
    expect(reply).toMatchObject({ ok: true });
    expect(await gm.call("players:get", { playerId: "p0" })).toMatchObject({ ok: true });
    gm.close();
  });
});
