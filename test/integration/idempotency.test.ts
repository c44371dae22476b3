import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { http, okData, snapshot, type World, world } from "../support/edge";
import { type AckReply, connectRaw, newOpId, type RawClient, startServer, type TestServer } from "../support/server";

/**
 * Idempotency at the edge: a mutation retried with the same opId is applied once, whichever
 * transport or connection the retries come on and however they interleave; an opId reused for
 * another request is refused; opIds belong to their actor; expectedVersion guards a write.
 */

describe("idempotency", () => {
  let server: TestServer;
  let w: World;
  let gm: RawClient;
  let gmToken: string;
  let playerCount = 0;

  /** A fresh player holding 10 of the item, so every test starts from a known version. */
  const freshPlayer = async (): Promise<{ id: string; version: number }> => {
    const id = `idem-${++playerCount}`;
    await w.player(id, { category: "bag", quantity: 10 });
    const player = (await snapshot(server, id)).player;
    return { id, version: player?.version ?? -1 };
  };
  const grant = (quantity = 1) => [{ type: "grant", category: "bag", itemId: w.itemId, quantity }];
  const stackOf = async (playerId: string) => (await snapshot(server, playerId)).player?.inventories.bag?.stacks[w.itemId];
  const entriesWith = async (playerId: string, opId: string) => (await snapshot(server, playerId)).history.filter((e) => e.opId === opId);

  /** Exactly one reply applied the op; every other one replayed it with the same version and changes. */
  const expectAppliedOnce = (replies: AckReply[], version: number) => {
    const data = replies.map(okData);
    expect(data.filter((reply) => reply.replayed === false)).toHaveLength(1);
    for (const reply of data) {
      const { replayed: _replayed, ...rest } = reply;
      const { replayed: _first, ...first } = data[0];
      expect(rest).toEqual(first);
      expect(reply.version).toBe(version);
    }
  };

  beforeAll(async () => {
    server = await startServer();
    w = await world(server);
    gmToken = await server.token("server", "game");
    gm = await connectRaw(server.url, gmToken);
  });
  afterAll(async () => {
    gm.close();
    w.close();
    await server.close();
  });

  describe("the same opId retried applies once", () => {
    it("socket, sequentially: the second reply is replayed with the same version and changes", async () => {
      const { id, version } = await freshPlayer();
      const request = { playerId: id, opId: newOpId(), ops: grant(3) };
      const first = okData(await gm.call("inventory:apply", request));
      const second = okData(await gm.call("inventory:apply", request));
      expect(first).toMatchObject({ replayed: false, version: version + 1 });
      expect(second).toEqual({ ...first, replayed: true });
      expect((await snapshot(server, id)).player?.version).toBe(version + 1);
      expect(await stackOf(id)).toBe(13);
      expect(await entriesWith(id, request.opId)).toHaveLength(1);
    });

    it("socket, concurrently on one connection and on several connections of the same actor", async () => {
      const { id, version } = await freshPlayer();
      const request = { playerId: id, opId: newOpId(), ops: grant(2) };
      const other = await connectRaw(server.url, gmToken);
      const replies = await Promise.all([
        ...Array.from({ length: 5 }, () => gm.call("inventory:apply", request)),
        ...Array.from({ length: 5 }, () => other.call("inventory:apply", request)),
      ]);
      other.close();
      expectAppliedOnce(replies, version + 1);
      expect((await snapshot(server, id)).player?.version).toBe(version + 1);
      expect(await stackOf(id)).toBe(12);
      expect(await entriesWith(id, request.opId)).toHaveLength(1);
    });

    it("REST, sequentially and concurrently", async () => {
      const { id, version } = await freshPlayer();
      const body = { opId: newOpId(), ops: grant(4) };
      const path = `/api/v1/players/${id}/ops`;
      const first = await http(server, "POST", path, { token: gmToken, json: body });
      const second = await http(server, "POST", path, { token: gmToken, json: body });
      expect(first).toMatchObject({ status: 200, body: { ok: true, data: { replayed: false, version: version + 1 } } });
      expect(second.status).toBe(200);
      expect(second.body).toEqual({ ok: true, data: { ...first.body.data, replayed: true } });

      const concurrent = { opId: newOpId(), ops: grant(5) };
      const replies = await Promise.all(Array.from({ length: 10 }, () => http(server, "POST", path, { token: gmToken, json: concurrent })));
      for (const reply of replies) expect(reply.status).toBe(200);
      expectAppliedOnce(
        replies.map((reply) => reply.body),
        version + 2,
      );
      expect((await snapshot(server, id)).player?.version).toBe(version + 2);
      expect(await stackOf(id)).toBe(19);
      expect(await entriesWith(id, body.opId)).toHaveLength(1);
      expect(await entriesWith(id, concurrent.opId)).toHaveLength(1);
    });

    it("socket and REST share one opId space per actor: a retry over the other transport is replayed", async () => {
      const { id, version } = await freshPlayer();
      const request = { playerId: id, opId: newOpId(), ops: grant() };
      const [viaSocket, viaRest] = await Promise.all([
        gm.call("inventory:apply", request),
        http(server, "POST", `/api/v1/players/${id}/ops`, { token: gmToken, json: { opId: request.opId, ops: request.ops } }),
      ]);
      expectAppliedOnce([viaSocket, viaRest.body], version + 1);
      expect(await entriesWith(id, request.opId)).toHaveLength(1);
    });

    it("players:create retried returns the same player and creates it once", async () => {
      const request = { id: "idem-created", name: "Once", opId: newOpId() };
      const first = okData(await gm.call("players:create", request));
      const again = await http(server, "POST", "/api/v1/players", { token: gmToken, json: request });
      expect(again).toMatchObject({ status: 201, body: { ok: true } });
      expect(again.body.data).toEqual(first);
      const stored = await snapshot(server, "idem-created");
      expect(stored.player?.version).toBe(1);
      expect(stored.history).toHaveLength(1);
      // Another opId for the same id is another request: the player exists.
      expect(await gm.call("players:create", { ...request, opId: newOpId() })).toMatchObject({
        ok: false,
        error: { code: "PLAYER_EXISTS" },
      });
      expect(await snapshot(server, "idem-created")).toEqual(stored);
    });
  });

  describe("an opId reused for another request", () => {
    it("socket: another payload under the same opId → OP_ID_REUSED, nothing changes", async () => {
      const { id } = await freshPlayer();
      const opId = newOpId();
      okData(await gm.call("inventory:apply", { playerId: id, opId, ops: grant(1) }));
      const before = await snapshot(server, id);
      const reused = [
        { playerId: id, opId, ops: grant(2) },
        { playerId: id, opId, ops: grant(1), expectedVersion: before.player?.version },
        { playerId: id, opId, ops: [{ type: "credit", currency: "gold", amount: 1 }] },
      ];
      for (const request of reused) {
        const reply = await gm.call("inventory:apply", request);
        expect(reply).toMatchObject({ ok: false, error: { code: "OP_ID_REUSED", details: { opId } } });
      }
      // The same opId for another kind of request is reused too.
      expect(await gm.call("players:create", { id: "idem-never", opId })).toMatchObject({ ok: false, error: { code: "OP_ID_REUSED" } });
      expect(await server.app.store.getPlayer("idem-never")).toBeUndefined();
      expect(await snapshot(server, id)).toEqual(before);
    });

    it("REST: another payload under the same opId → 409 OP_ID_REUSED, nothing changes", async () => {
      const { id } = await freshPlayer();
      const path = `/api/v1/players/${id}/ops`;
      const opId = newOpId();
      expect((await http(server, "POST", path, { token: gmToken, json: { opId, ops: grant(1) } })).status).toBe(200);
      const before = await snapshot(server, id);
      const reply = await http(server, "POST", path, { token: gmToken, json: { opId, ops: grant(7) } });
      expect(reply.status).toBe(409);
      expect(reply.body).toMatchObject({ ok: false, error: { code: "OP_ID_REUSED", details: { opId } } });
      expect(await snapshot(server, id)).toEqual(before);
    });

    it("the same opId on another player is another request → OP_ID_REUSED", async () => {
      const one = await freshPlayer();
      const two = await freshPlayer();
      const opId = newOpId();
      okData(await gm.call("inventory:apply", { playerId: one.id, opId, ops: grant() }));
      const before = await snapshot(server, two.id);
      expect(await gm.call("inventory:apply", { playerId: two.id, opId, ops: grant() })).toMatchObject({
        ok: false,
        error: { code: "OP_ID_REUSED" },
      });
      expect(await snapshot(server, two.id)).toEqual(before);
    });
  });

  describe("opIds are scoped per actor", () => {
    it("two game servers, a server and an admin, a server and the player: the same opId is each one's own", async () => {
      const { id, version } = await freshPlayer();
      const opId = newOpId();
      // An admin must say why; the others may, and the same request goes to all four.
      const consume = {
        playerId: id,
        opId,
        ops: [{ type: "consume", category: "bag", itemId: w.itemId, quantity: 1 }],
        reason: "opId scope test",
      };
      const actors = [
        await server.token("server", "game-a"),
        await server.token("server", "game-b"),
        await server.token("admin", "game-a"),
        await server.token("player", id),
      ];
      const replies: AckReply[] = [];
      for (const token of actors) {
        const client = await connectRaw(server.url, token);
        replies.push(await client.call("inventory:apply", consume));
        client.close();
      }
      expect(replies.map((reply) => okData(reply).replayed)).toEqual([false, false, false, false]);
      expect(replies.map((reply) => okData(reply).version)).toEqual([version + 1, version + 2, version + 3, version + 4]);
      const entries = await entriesWith(id, opId);
      expect(entries.map((entry) => `${entry.actor.role}:${entry.actor.sub}`)).toEqual([
        "server:game-a",
        "server:game-b",
        "admin:game-a",
        `player:${id}`,
      ]);
      expect(await stackOf(id)).toBe(6);
    });
  });

  describe("expectedVersion", () => {
    it("socket: a mismatch → PLAYER_VERSION_STALE with both versions, nothing changes; the opId stays usable", async () => {
      const { id, version } = await freshPlayer();
      const before = await snapshot(server, id);
      const opId = newOpId();
      for (const expectedVersion of [version - 1, version + 1, 0]) {
        const reply = await gm.call("inventory:apply", { playerId: id, opId, ops: grant(), expectedVersion });
        expect(reply).toEqual({
          ok: false,
          error: { code: "PLAYER_VERSION_STALE", message: expect.any(String), details: { expectedVersion, version } },
        });
      }
      expect(await snapshot(server, id)).toEqual(before);
      // A refused op records nothing under its opId, so the corrected retry applies.
      const applied = await gm.call("inventory:apply", { playerId: id, opId, ops: grant(), expectedVersion: version });
      expect(applied).toMatchObject({ ok: true, data: { version: version + 1, replayed: false } });
    });

    it("REST: a mismatch → 409 PLAYER_VERSION_STALE with both versions, nothing changes", async () => {
      const { id, version } = await freshPlayer();
      const before = await snapshot(server, id);
      const path = `/api/v1/players/${id}/ops`;
      const stale = await http(server, "POST", path, {
        token: gmToken,
        json: { opId: newOpId(), ops: grant(), expectedVersion: version - 1 },
      });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({
        ok: false,
        error: { code: "PLAYER_VERSION_STALE", details: { expectedVersion: version - 1, version } },
      });
      expect(await snapshot(server, id)).toEqual(before);
      const fresh = await http(server, "POST", path, { token: gmToken, json: { opId: newOpId(), ops: grant(), expectedVersion: version } });
      expect(fresh).toMatchObject({ status: 200, body: { ok: true, data: { version: version + 1 } } });
    });

    it("two writers racing on the same expectedVersion: exactly one wins", async () => {
      const { id, version } = await freshPlayer();
      const replies = await Promise.all(
        Array.from({ length: 6 }, () =>
          gm.call("inventory:apply", { playerId: id, opId: newOpId(), ops: grant(), expectedVersion: version }),
        ),
      );
      expect(replies.filter((reply) => reply.ok)).toHaveLength(1);
      for (const reply of replies.filter((r) => !r.ok)) {
        expect(reply).toMatchObject({
          ok: false,
          error: { code: "PLAYER_VERSION_STALE", details: { expectedVersion: version, version: version + 1 } },
        });
      }
      expect((await snapshot(server, id)).player?.version).toBe(version + 1);
      expect(await stackOf(id)).toBe(11);
    });
  });
});
