import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectWith, http, okData, refusedHandshake, snapshot, type World, world } from "../support/edge";
import { connectRaw, newOpId, type RawClient, startServer, type TestServer } from "../support/server";

/** The edge's limits: per-player rate limit, subscriptions per connection, and the Origin check. */

describe("rate limit (HOARD_RATE_PER_SECOND=1, HOARD_RATE_BURST=5)", () => {
  let server: TestServer;
  let w: World;

  beforeAll(async () => {
    // One token a second: six requests sent together fit in that window even on a loaded machine.
    server = await startServer({ env: { HOARD_RATE_PER_SECOND: "1", HOARD_RATE_BURST: "5" } });
    w = await world(server);
    for (const id of ["alice", "bob", "carol"]) await w.player(id, { category: "bag", quantity: 5 });
  });
  afterAll(async () => {
    w.close();
    await server.close();
  });

  it("a player's 6th quick request → RATE_LIMITED with retryAfterMs, and it changes nothing", async () => {
    const alice = await connectRaw(server.url, await server.token("player", "alice"));
    const before = await snapshot(server, "alice");
    const consume = { playerId: "alice", opId: newOpId(), ops: [{ type: "consume", category: "bag", itemId: w.itemId, quantity: 1 }] };
    // Sent together; one connection handles them in order, so the 6th finds the bucket empty.
    const replies = await Promise.all([
      ...Array.from({ length: 5 }, () => alice.call("players:get", { playerId: "alice" })),
      alice.call("inventory:apply", consume),
    ]);
    expect(replies.slice(0, 5).map((reply) => reply.ok)).toEqual([true, true, true, true, true]);
    expect(replies[5]).toEqual({
      ok: false,
      error: { code: "RATE_LIMITED", message: expect.any(String), details: { retryAfterMs: expect.any(Number) } },
    });
    const { retryAfterMs } = (replies[5] as { error: { details: { retryAfterMs: number } } }).error.details;
    // One token comes back every second.
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(1000);
    expect(await snapshot(server, "alice")).toEqual(before);

    // The bucket refills: the same request goes through once the wait is over.
    await expect.poll(async () => (await alice.call("inventory:apply", consume)).ok, { timeout: 3000, interval: 50 }).toBe(true);
    expect((await snapshot(server, "alice")).player?.version).toBe((before.player?.version ?? 0) + 1);
    alice.close();
  });

  it("REST counts against the same bucket → 429 RATE_LIMITED; other players are not affected", async () => {
    const token = await server.token("player", "bob");
    const replies = await Promise.all(Array.from({ length: 6 }, () => http(server, "GET", "/api/v1/players/bob", { token })));
    const statuses = replies.map((reply) => reply.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = replies.find((reply) => reply.status === 429);
    expect(limited?.body).toMatchObject({ ok: false, error: { code: "RATE_LIMITED", details: { retryAfterMs: expect.any(Number) } } });

    const carol = await connectRaw(server.url, await server.token("player", "carol"));
    expect(await carol.call("players:get", { playerId: "carol" })).toMatchObject({ ok: true });
    carol.close();
  });

  it.each(["server", "admin"] as const)("a %s is not limited", async (role) => {
    const client = await connectRaw(server.url, await server.token(role));
    const replies = await Promise.all(Array.from({ length: 30 }, () => client.call("players:get", { playerId: "alice" })));
    expect(replies.filter((reply) => !reply.ok)).toEqual([]);
    const token = await server.token(role);
    const rest = await Promise.all(Array.from({ length: 10 }, () => http(server, "GET", "/api/v1/players/alice", { token })));
    expect(rest.map((reply) => reply.status)).toEqual(Array(10).fill(200));
    client.close();
  });
});

describe("subscriptions per connection (HOARD_MAX_SUBSCRIPTIONS=2)", () => {
  let server: TestServer;
  let w: World;
  let admin: RawClient;

  beforeAll(async () => {
    server = await startServer({ env: { HOARD_MAX_SUBSCRIPTIONS: "2" } });
    w = await world(server);
    for (const id of ["p1", "p2", "p3"]) await w.player(id);
    admin = await connectRaw(server.url, await server.token("admin", "console"));
  });
  afterAll(async () => {
    admin.close();
    w.close();
    await server.close();
  });

  it("the 3rd topic → SUBSCRIPTION_LIMIT, and that topic is not pushed", async () => {
    const pushes: string[] = [];
    admin.socket.on("push", (message: { topic: string }) => pushes.push(message.topic));
    expect(await admin.call("sub:subscribe", { topic: "inventory/p1" })).toMatchObject({ ok: true });
    expect(await admin.call("sub:subscribe", { topic: "inventory/p2" })).toMatchObject({ ok: true });
    const third = await admin.call("sub:subscribe", { topic: "inventory/p3" });
    expect(third).toEqual({ ok: false, error: { code: "SUBSCRIPTION_LIMIT", message: expect.any(String) } });
    // Subscribing again to a topic already held is not a new subscription.
    expect(await admin.call("sub:subscribe", { topic: "inventory/p1" })).toMatchObject({ ok: true, data: { topic: "inventory/p1" } });

    const credit = (playerId: string) => ({ playerId, opId: newOpId(), ops: [{ type: "credit", currency: "gold", amount: 1 }] });
    okData(await w.gm.call("inventory:apply", credit("p3")));
    okData(await w.gm.call("inventory:apply", credit("p1")));
    // Pushes to one socket keep commit order: once p1's is here, p3's would have come first.
    await expect.poll(() => pushes).toContain("inventory/p1");
    expect(pushes).toEqual(["inventory/p1"]);
    admin.socket.off("push");
  });

  it("the limit is per connection, and unsubscribing frees a place", async () => {
    const other = await connectRaw(server.url, await server.token("admin", "console"));
    expect(await other.call("sub:subscribe", { topic: "inventory/p3" })).toMatchObject({ ok: true });
    other.close();

    expect(await admin.call("sub:unsubscribe", { topic: "inventory/p2" })).toMatchObject({ ok: true });
    expect(await admin.call("sub:subscribe", { topic: "inventory/p3" })).toMatchObject({
      ok: true,
      data: { topic: "inventory/p3", seq: 2 },
    });
    expect(await admin.call("sub:subscribe", { topic: "inventory/p2" })).toMatchObject({
      ok: false,
      error: { code: "SUBSCRIPTION_LIMIT" },
    });
  });

  it("a subscription to a player that does not exist is refused and takes no place", async () => {
    const fresh = await connectRaw(server.url, await server.token("admin", "console"));
    expect(await fresh.call("sub:subscribe", { topic: "inventory/nobody" })).toMatchObject({
      ok: false,
      error: { code: "PLAYER_NOT_FOUND" },
    });
    expect(await fresh.call("sub:subscribe", { topic: "inventory/p1" })).toMatchObject({ ok: true });
    expect(await fresh.call("sub:subscribe", { topic: "inventory/p2" })).toMatchObject({ ok: true });
    fresh.close();
  });

  it("subscriptions exist only over the socket: there is no REST route for them", async () => {
    const reply = await http(server, "POST", "/api/v1/subscriptions", {
      token: await server.token("admin"),
      json: { topic: "inventory/p1" },
    });
    expect(reply).toMatchObject({ status: 404, body: { ok: false, error: { code: "ROUTE_NOT_FOUND" } } });
  });
});

describe("Origin check (HOARD_ALLOWED_ORIGINS=http://good.example)", () => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startServer({ env: { HOARD_ALLOWED_ORIGINS: "http://good.example" } });
    token = await server.token("admin");
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(["websocket", "polling"] as const)(
    "a %s handshake from another origin is refused, even with a valid token",
    async (transport) => {
      for (const origin of ["http://evil.example", "http://good.example.evil.example", "null"]) {
        const error = await refusedHandshake(server.url, { transports: [transport], auth: { token }, extraHeaders: { origin } });
        // Refused before authentication, by engine.io (403 to a poll, 400 to an upgrade): no auth code.
        expect(error.data?.code, origin).toBeUndefined();
        const description = (error as { description?: unknown }).description;
        if (transport === "polling") expect(description, origin).toBe(403);
        else expect(String((description as Error | undefined)?.message), origin).toContain("400");
      }
    },
  );

  it("the long-polling handshake itself answers 403 to another origin and 200 to an allowed one", async () => {
    const path = "/socket.io/?EIO=4&transport=polling";
    const evil = await http(server, "GET", path, { headers: { origin: "http://evil.example" } });
    expect(evil).toMatchObject({ status: 403, body: { message: "Forbidden" } });
    const good = await http(server, "GET", path, { headers: { origin: "http://good.example" } });
    expect(good.status).toBe(200);
    expect(good.body).toMatch(/^0\{"sid":/);
  });

  it.each(["websocket", "polling"] as const)(
    "a %s handshake with no Origin, an allowed one or the node's own is accepted",
    async (transport) => {
      const own = new URL(server.url).origin;
      const origins: Array<Record<string, string>> = [{}, { origin: "http://good.example" }, { origin: own }];
      for (const headers of origins) {
        const socket = await connectWith(server.url, { transports: [transport], auth: { token }, extraHeaders: headers });
        expect(await socket.timeout(5000).emitWithAck("kits:list", {})).toMatchObject({ ok: true });
        socket.close();
      }
    },
  );
});
