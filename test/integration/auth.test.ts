import { TokenService } from "@hoard/server/internal/auth/tokens";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectWith, disconnected, http, okData, refusedHandshake, snapshot, type World, within, world } from "../support/edge";
import { connectRaw, newOpId, type RawClient, startServer, TEST_SECRET, type TestServer } from "../support/server";

/**
 * Authentication and authorization at the edge: a request without a valid token never
 * reaches an action; a player reaches only its own state and only with consume and move;
 * refused requests change nothing. The socket and REST give the same codes.
 */

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const signed = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuedAt().sign(new TextEncoder().encode(TEST_SECRET));

describe("authentication and authorization", () => {
  let server: TestServer;
  let w: World;
  let alice: RawClient;
  let bob: RawClient;
  let admin: RawClient;

  beforeAll(async () => {
    server = await startServer();
    w = await world(server);
    await w.player("alice", { category: "bag", quantity: 10 });
    await w.player("bob", { category: "bag", quantity: 10 });
    alice = await connectRaw(server.url, await server.token("player", "alice"));
    bob = await connectRaw(server.url, await server.token("player", "bob"));
    admin = await connectRaw(server.url, await server.token("admin", "console"));
  });
  afterAll(async () => {
    for (const client of [alice, bob, admin]) client.close();
    w.close();
    await server.close();
  });

  describe("a bad token is refused with 401 / connect_error", () => {
    const badTokens: Array<{ name: string; token: () => Promise<string | undefined>; code: string }> = [
      { name: "no token", token: async () => undefined, code: "AUTH_UNAUTHENTICATED" },
      { name: "an empty token", token: async () => "", code: "AUTH_UNAUTHENTICATED" },
      { name: "a garbage token", token: async () => "not.a.jwt", code: "AUTH_UNAUTHENTICATED" },
      {
        name: "a token signed with another secret",
        token: () => new TokenService("another-secret-that-is-also-32-characters-long").mint({ sub: "alice", role: "admin" }),
        code: "AUTH_UNAUTHENTICATED",
      },
      {
        name: "an unsigned token (alg none)",
        token: async () => `${base64url({ alg: "none", typ: "JWT" })}.${base64url({ sub: "alice", role: "admin" })}.`,
        code: "AUTH_UNAUTHENTICATED",
      },
      {
        name: "a token whose signature was kept but payload changed to admin",
        token: async () => {
          const [header, , signature] = (await server.token("player", "alice")).split(".");
          return `${header}.${base64url({ sub: "alice", role: "admin" })}.${signature}`;
        },
        code: "AUTH_UNAUTHENTICATED",
      },
      { name: "a token with no role", token: () => signed({ sub: "alice" }), code: "AUTH_UNAUTHENTICATED" },
      { name: "a token with an unknown role", token: () => signed({ sub: "alice", role: "root" }), code: "AUTH_UNAUTHENTICATED" },
      { name: "a token with no sub", token: () => signed({ role: "admin" }), code: "AUTH_UNAUTHENTICATED" },
      {
        name: "an expired token",
        token: () => server.app.tokens.mint({ sub: "alice", role: "player", expiresIn: "-10s" }),
        code: "AUTH_TOKEN_EXPIRED",
      },
    ];

    it.each(badTokens)("socket: $name → connect_error $code", async ({ token, code }) => {
      const value = await token();
      const error = await refusedHandshake(server.url, { auth: value === undefined ? {} : { token: value } });
      expect(error.data).toEqual({ code, message: expect.any(String) });
    });

    it.each(badTokens)("REST: $name → 401 $code", async ({ token, code }) => {
      const value = await token();
      const before = await snapshot(server, "alice");
      const headers: Record<string, string> = value === undefined ? {} : { authorization: `Bearer ${value}` };
      const read = await http(server, "GET", "/api/v1/players/alice", { headers });
      expect(read.status).toBe(401);
      expect(read.body).toEqual({ ok: false, error: { code, message: expect.any(String) } });
      const ops = [{ type: "consume", category: "bag", itemId: w.itemId, quantity: 1 }];
      const write = await http(server, "POST", "/api/v1/players/alice/ops", { headers, json: { opId: newOpId(), ops } });
      expect(write.status).toBe(401);
      expect(write.body).toMatchObject({ ok: false, error: { code } });
      expect(await snapshot(server, "alice")).toEqual(before);
    });

    it("REST: an Authorization header that is not Bearer → 401, and says nothing of what exists", async () => {
      const token = await server.token("admin");
      for (const authorization of [`Basic ${Buffer.from("admin:admin").toString("base64")}`, token, "Bearer"]) {
        const reply = await http(server, "GET", "/api/v1/players/nobody", { headers: { authorization } });
        expect(reply.status, authorization).toBe(401);
        expect(reply.body).toMatchObject({ ok: false, error: { code: "AUTH_UNAUTHENTICATED" } });
      }
    });

    it("socket: a token in the Authorization header of the handshake is accepted, a bad one refused", async () => {
      const good = await connectWith(server.url, { extraHeaders: { authorization: `Bearer ${await server.token("player", "alice")}` } });
      expect(await good.timeout(5000).emitWithAck("players:get", { playerId: "alice" })).toMatchObject({ ok: true });
      good.close();
      const error = await refusedHandshake(server.url, { extraHeaders: { authorization: "Bearer not.a.jwt" } });
      expect(error.data).toMatchObject({ code: "AUTH_UNAUTHENTICATED" });
    });
  });

  describe("a player reaches only its own state", () => {
    const consume = (itemId: string) => [{ type: "consume", category: "bag", itemId, quantity: 1 }];

    it.each([
      { event: "players:get", payload: () => ({ playerId: "alice" }) },
      { event: "inventory:apply", payload: (itemId: string) => ({ playerId: "alice", opId: newOpId(), ops: consume(itemId) }) },
      { event: "inventory:history", payload: () => ({ playerId: "alice" }) },
      { event: "inventory:list", payload: () => ({ playerId: "alice" }) },
      { event: "inventory:resync", payload: () => ({ playerId: "alice", sinceVersion: 0 }) },
      { event: "sub:subscribe", payload: () => ({ topic: "inventory/alice" }) },
      { event: "players:get", payload: () => ({ playerId: "nobody" }) },
    ] as const)("socket: bob → $event of another player → AUTH_FORBIDDEN, nothing changes", async ({ event, payload }) => {
      const before = await snapshot(server, "alice");
      expect(await bob.call(event, payload(w.itemId))).toMatchObject({ ok: false, error: { code: "AUTH_FORBIDDEN" } });
      expect(await snapshot(server, "alice")).toEqual(before);
    });

    it.each([
      { method: "GET", path: "/api/v1/players/alice" },
      { method: "POST", path: "/api/v1/players/alice/ops", body: (itemId: string) => ({ opId: newOpId(), ops: consume(itemId) }) },
      { method: "GET", path: "/api/v1/players/alice/history" },
      { method: "GET", path: "/api/v1/players/alice/inventories" },
      { method: "GET", path: "/api/v1/players/nobody" },
    ])("REST: bob → $method $path → 403 AUTH_FORBIDDEN, nothing changes", async ({ method, path, body }) => {
      const before = await snapshot(server, "alice");
      const token = await server.token("player", "bob");
      const reply = await http(server, method, path, { token, ...(body ? { json: body(w.itemId) } : {}) });
      expect(reply.status).toBe(403);
      expect(reply.body).toMatchObject({ ok: false, error: { code: "AUTH_FORBIDDEN" } });
      expect(await snapshot(server, "alice")).toEqual(before);
    });

    it("a refused subscription receives no pushes of that player", async () => {
      const pushes: Array<{ topic: string }> = [];
      bob.socket.on("push", (message) => pushes.push(message));
      expect(await bob.call("sub:subscribe", { topic: "inventory/alice" })).toMatchObject({ ok: false, error: { code: "AUTH_FORBIDDEN" } });
      expect(await bob.call("sub:subscribe", { topic: "inventory/bob" })).toMatchObject({ ok: true });
      const grant = (playerId: string) => ({
        playerId,
        opId: newOpId(),
        ops: [{ type: "grant", category: "bag", itemId: w.itemId, quantity: 1 }],
      });
      okData(await w.gm.call("inventory:apply", grant("alice")));
      okData(await w.gm.call("inventory:apply", grant("bob")));
      // Pushes to one socket keep commit order: once bob's is here, alice's would have come first.
      await expect.poll(() => pushes.map((push) => push.topic)).toContain("inventory/bob");
      expect(pushes.map((push) => push.topic)).toEqual(["inventory/bob"]);
      okData(await bob.call("sub:unsubscribe", { topic: "inventory/bob" }));
      bob.socket.off("push");
    });

    it("a player may read, list, resync and watch its own state", async () => {
      expect(await alice.call("players:get", { playerId: "alice" })).toMatchObject({ ok: true, data: { player: { id: "alice" } } });
      expect(await alice.call("inventory:list", { playerId: "alice" })).toMatchObject({ ok: true });
      expect(await alice.call("inventory:history", { playerId: "alice" })).toMatchObject({ ok: true });
      expect(await alice.call("inventory:resync", { playerId: "alice", sinceVersion: 0 })).toMatchObject({
        ok: true,
        data: { mode: "delta" },
      });
      expect(await alice.call("sub:subscribe", { topic: "inventory/alice" })).toMatchObject({ ok: true });
      expect(await alice.call("sub:unsubscribe", { topic: "inventory/alice" })).toMatchObject({ ok: true });
    });
  });

  describe("a player may consume and move its own items, nothing else", () => {
    it("consume and move are applied", async () => {
      const before = await snapshot(server, "alice");
      const version = before.player?.version ?? -1;
      const consumed = await alice.call("inventory:apply", {
        playerId: "alice",
        opId: newOpId(),
        ops: [{ type: "consume", category: "bag", itemId: w.itemId, quantity: 1 }],
      });
      expect(consumed).toMatchObject({ ok: true, data: { version: version + 1 } });
      const moved = await http(server, "POST", "/api/v1/players/alice/ops", {
        token: await server.token("player", "alice"),
        json: { opId: newOpId(), ops: [{ type: "move", from: "bag", to: "belt", itemId: w.itemId, quantity: 2 }] },
      });
      expect(moved).toMatchObject({ status: 200, body: { ok: true, data: { version: version + 2 } } });
      const after = await snapshot(server, "alice");
      expect(after.player?.inventories.belt?.stacks[w.itemId]).toBe(2);
      expect(after.history).toHaveLength(before.history.length + 2);
    });

    const trustedOps = (itemId: string) => ({
      grant: { type: "grant", category: "bag", itemId, quantity: 1 },
      credit: { type: "credit", currency: "gold", amount: 100 },
      debit: { type: "debit", currency: "gold", amount: 1 },
      setMetric: { type: "setMetric", category: "bag", name: "level", value: 99 },
      incrementMetric: { type: "incrementMetric", category: "bag", name: "level", by: 1 },
      setCapacity: { type: "setCapacity", category: "bag", capacity: 1000 },
    });
    const opTypes = ["grant", "credit", "debit", "setMetric", "incrementMetric", "setCapacity"] as const;

    it.each(opTypes)("socket: %s by a player → AUTH_FORBIDDEN, nothing changes", async (type) => {
      const before = await snapshot(server, "alice");
      const reply = await alice.call("inventory:apply", { playerId: "alice", opId: newOpId(), ops: [trustedOps(w.itemId)[type]] });
      expect(reply).toMatchObject({ ok: false, error: { code: "AUTH_FORBIDDEN" } });
      expect(await snapshot(server, "alice")).toEqual(before);
    });

    it.each(opTypes)("REST: %s by a player → 403 AUTH_FORBIDDEN, nothing changes", async (type) => {
      const before = await snapshot(server, "alice");
      const reply = await http(server, "POST", "/api/v1/players/alice/ops", {
        token: await server.token("player", "alice"),
        json: { opId: newOpId(), ops: [trustedOps(w.itemId)[type]] },
      });
      expect(reply.status).toBe(403);
      expect(reply.body).toMatchObject({ ok: false, error: { code: "AUTH_FORBIDDEN" } });
      expect(await snapshot(server, "alice")).toEqual(before);
    });

    it("a batch mixing consume with a grant is refused whole", async () => {
      const before = await snapshot(server, "alice");
      const ops = [{ type: "consume", category: "bag", itemId: w.itemId, quantity: 1 }, trustedOps(w.itemId).grant];
      const reply = await alice.call("inventory:apply", { playerId: "alice", opId: newOpId(), ops });
      expect(reply).toMatchObject({ ok: false, error: { code: "AUTH_FORBIDDEN", message: expect.stringContaining("grant") } });
      expect(await snapshot(server, "alice")).toEqual(before);
    });

    it.each(["server", "admin"] as const)("a %s may apply every op type, over the socket and REST", async (role) => {
      const before = await snapshot(server, "alice");
      const version = before.player?.version ?? -1;
      const all = Object.values(trustedOps(w.itemId));
      // An operator's change says why (INVENTORY_REASON_REQUIRED otherwise); a game server's need not.
      const why = role === "admin" ? { reason: "support ticket 42" } : {};
      const client = await connectRaw(server.url, await server.token(role, `${role}-1`));
      expect(await client.call("inventory:apply", { playerId: "alice", opId: newOpId(), ops: all, ...why })).toMatchObject({
        ok: true,
        data: { version: version + 1 },
      });
      client.close();
      const rest = await http(server, "POST", "/api/v1/players/alice/ops", {
        token: await server.token(role, `${role}-2`),
        json: { opId: newOpId(), ops: all, ...why },
      });
      expect(rest).toMatchObject({ status: 200, body: { ok: true, data: { version: version + 2 } } });
      expect((await snapshot(server, "alice")).history).toHaveLength(before.history.length + 2);
    });
  });

  describe("role-only actions", () => {
    it("players:list needs the server or admin role", async () => {
      expect(await alice.call("players:list", {})).toMatchObject({ ok: false, error: { code: "AUTH_FORBIDDEN" } });
      const refused = await http(server, "GET", "/api/v1/players", { token: await server.token("player", "alice") });
      expect(refused).toMatchObject({ status: 403, body: { ok: false, error: { code: "AUTH_FORBIDDEN" } } });
      for (const role of ["server", "admin"] as const) {
        const listed = await http(server, "GET", "/api/v1/players", { token: await server.token(role) });
        expect(listed.status).toBe(200);
        expect(listed.body.data.players.map((player: { id: string }) => player.id)).toEqual(expect.arrayContaining(["alice", "bob"]));
      }
      expect(await admin.call("players:list", {})).toMatchObject({ ok: true });
    });

    it("items:create and kits:put need the server or admin role; reads do not", async () => {
      const items = (await server.app.store.listItems({ limit: 1000 })).length;
      expect(await alice.call("items:create", { definition: { name: "Forged" } })).toMatchObject({
        ok: false,
        error: { code: "AUTH_FORBIDDEN" },
      });
      const token = await server.token("player", "alice");
      expect(await http(server, "POST", "/api/v1/items", { token, json: { name: "Forged" } })).toMatchObject({ status: 403 });
      expect(await http(server, "PUT", "/api/v1/kits/hacker", { token, json: { currencies: { gold: 1e9 } } })).toMatchObject({
        status: 403,
      });
      expect((await server.app.store.listItems({ limit: 1000 })).length).toBe(items);
      expect(await server.app.store.getKit("hacker")).toBeUndefined();
      expect(await alice.call("items:get", { id: w.itemId })).toMatchObject({ ok: true, data: { id: w.itemId } });
      expect(await alice.call("items:list", {})).toMatchObject({ ok: true });
      expect(await alice.call("kits:list", {})).toMatchObject({ ok: true });
    });

    it("a player may create only itself", async () => {
      const carol = await connectRaw(server.url, await server.token("player", "carol"));
      expect(await carol.call("players:create", { id: "mallory", opId: newOpId() })).toMatchObject({
        ok: false,
        error: { code: "AUTH_FORBIDDEN" },
      });
      const rest = await http(server, "POST", "/api/v1/players", {
        token: await server.token("player", "carol"),
        json: { id: "mallory", opId: newOpId() },
      });
      expect(rest).toMatchObject({ status: 403, body: { ok: false, error: { code: "AUTH_FORBIDDEN" } } });
      expect(await server.app.store.getPlayer("mallory")).toBeUndefined();

      expect(await carol.call("players:create", { opId: newOpId() })).toMatchObject({ ok: true, data: { player: { id: "carol" } } });
      const dave = await http(server, "POST", "/api/v1/players", {
        token: await server.token("player", "dave"),
        json: { id: "dave", opId: newOpId() },
      });
      expect(dave).toMatchObject({ status: 201, body: { ok: true, data: { player: { id: "dave", version: 1 } } } });
      carol.close();

      // A token's sub is not checked at sign-in; as a player id it must be a valid one.
      const odd = await connectRaw(server.url, await server.token("player", "not a/valid id"));
      const players = await server.app.store.listPlayers({ limit: 1000 });
      expect(await odd.call("players:create", { opId: newOpId() })).toMatchObject({ ok: false, error: { code: "AUTH_FORBIDDEN" } });
      expect(await server.app.store.listPlayers({ limit: 1000 })).toEqual(players);
      odd.close();

      const byServer = await w.gm.call("players:create", { id: "mallory", opId: newOpId() });
      expect(byServer).toMatchObject({ ok: true, data: { player: { id: "mallory" } } });
    });
  });

  describe("token expiry", () => {
    it("a socket whose token expires while connected is disconnected by the server", async () => {
      const token = await server.app.tokens.mint({ sub: "alice", role: "player", expiresIn: "2s" });
      const socket = await connectWith(server.url, { auth: { token } });
      expect(await socket.timeout(5000).emitWithAck("players:get", { playerId: "alice" })).toMatchObject({ ok: true });
      // exp has whole seconds: the server hangs up at most 2 s after the mint.
      expect(await within(5000, disconnected(socket), "the disconnect")).toBe("io server disconnect");
      socket.close();
      // And the same token no longer opens a connection.
      const error = await refusedHandshake(server.url, { auth: { token } });
      expect(error.data).toMatchObject({ code: "AUTH_TOKEN_EXPIRED" });
    });

    it("a token expiring beyond setTimeout's 24.8-day limit (30 days, 10 years) holds its socket", async () => {
      const mint = (expiresIn: string) => server.app.tokens.mint({ sub: "game", role: "server", expiresIn });
      const longLived = await Promise.all(
        ["30d", "3650d"].map(async (span) => connectWith(server.url, { auth: { token: await mint(span) } })),
      );
      // The clock of the test: a 1 s token is hung up on; an overflowed timer would have fired long before.
      const short = await connectWith(server.url, { auth: { token: await mint("1s") } });
      expect(await within(5000, disconnected(short), "the 1 s token's disconnect")).toBe("io server disconnect");
      for (const socket of longLived) {
        expect(socket.connected).toBe(true);
        expect(await socket.timeout(5000).emitWithAck("kits:list", {})).toMatchObject({ ok: true });
        socket.close();
      }
      short.close();
    });
  });
});
