import { type ConnectionStatus, connect, HoardClient, HoardError } from "@hoard/client-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, itemDefinition, startServer, type TestServer } from "../support/server";
import { startTcpProxy } from "../support/tcp-proxy";

/**
 * The SDK's connection on one real node: a node that is not there, and a token that expires
 * mid-session (the node hangs up at its exp, saying why), with a token function that has a
 * fresh one and with one that has none.
 */
describe("SDK connection", () => {
  let server: TestServer;
  let itemId: string;
  const clients: HoardClient[] = [];
  const track = (client: HoardClient) => {
    clients.push(client);
    return client;
  };
  /** Resolves at the next time the client's status becomes `status`. */
  const next = (client: HoardClient, status: ConnectionStatus) =>
    new Promise<void>((resolve) => {
      const stop = client.on("status", (now) => {
        if (now !== status) return;
        stop();
        resolve();
      });
    });

  beforeAll(async () => {
    server = await startServer();
    const gm = await server.client("server", "game");
    itemId = (await gm.items.create(itemDefinition())).item.id;
    await gm.players.create({ id: "alice" });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await server.close();
  });

  it("connect() to a node that is down rejects with CLIENT_UNREACHABLE, never a raw transport error", async () => {
    const gone = await startServer();
    const url = gone.url;
    await gone.close();
    const error = await failure(connect(url, { token: await server.token("server"), timeoutMs: 2000 }));
    expect(error).toBeInstanceOf(HoardError);
    expect(error.code).toBe("CLIENT_UNREACHABLE");
  });

  it("a client made while the node is down keeps trying; its reads fail fast with CLIENT_OFFLINE meanwhile", async () => {
    const gone = await startServer();
    const url = gone.url;
    await gone.close();
    const client = track(new HoardClient(url, { token: await server.token("server"), reconnect: { maxDelayMs: 200 } }));
    const errors: string[] = [];
    client.on("connectError", (error) => errors.push(error.code));
    await expect.poll(() => errors.length).toBeGreaterThan(2);
    expect(new Set(errors)).toEqual(new Set(["CLIENT_UNREACHABLE"]));
    expect(client.status).toBe("connecting");
    expect((await failure(client.players.get("alice"))).code).toBe("CLIENT_OFFLINE");
    client.close();
    expect(client.status).toBe("closed");
    expect((await failure(client.ready)).code).toBe("CLIENT_CLOSED");
  });

  it("a network cut with mutations in flight: the client reconnects and every mutation applies once, none fails", async () => {
    const proxy = await startTcpProxy(server.url);
    try {
      const gm = track(await connect(proxy.url, { token: () => server.token("server", "cutter") }));
      await gm.players.create({ id: "cut" });
      const watch = await gm.watch("cut");
      const versions: number[] = [];
      watch.on("change", (entry) => versions.push(entry.version));
      const sent = Array.from({ length: 40 }, (_, i) => gm.inventory.credit("cut", "gold", 1, { opId: `network-cut-${i}` }));
      // Cut every connection while those are under way (some sent, some acked, some neither).
      proxy.dropAll();
      const acks = await Promise.all(sent);
      expect(gm.lastDisconnect?.reason).toMatch(/transport (close|error)/);
      expect(new Set(acks.map((ack) => ack.version)).size).toBe(40);
      const { player } = await gm.players.get("cut");
      expect(player.wallet.gold).toBe(40);
      expect(player.version).toBe(41);
      await expect.poll(() => watch.version).toBe(41);
      expect(versions).toEqual(Array.from({ length: 40 }, (_, i) => i + 2));
    } finally {
      await proxy.close();
    }
  });

  it("expired mid-session: the node says why and hangs up, the token function is called again, the client goes on", async () => {
    let calls = 0;
    const client = track(
      await connect(server.url, {
        token: () => {
          calls++;
          return server.app.tokens.mint({ sub: "watcher", role: "admin", expiresIn: "2s" });
        },
      }),
    );
    const watch = await client.watch("alice");
    const back = next(client, "connected");
    // exp has whole seconds: the node hangs up at most 2 s after the mint.
    await back;
    expect(client.lastDisconnect).toMatchObject({ reason: "io server disconnect", error: { code: "AUTH_TOKEN_EXPIRED" } });
    expect(calls).toBeGreaterThanOrEqual(2);

    const gm = await server.client("server", "game");
    const { version } = await gm.inventory.grant("alice", { category: "bag", itemId, quantity: 1 });
    await expect.poll(() => watch.version).toBe(version);
  });

  it("a token function that keeps giving expired tokens closes the client with AUTH_TOKEN_EXPIRED, not a timeout", async () => {
    let calls = 0;
    const client = track(
      await connect(server.url, {
        token: () => {
          calls++;
          return server.app.tokens.mint({ sub: "alice", role: "player", expiresIn: calls === 1 ? "2s" : "-10s" });
        },
      }),
    );
    const closed = next(client, "closed");
    await closed;
    // The first refusal fetched a token once more before it counted.
    expect(calls).toBe(3);
    expect(client.lastDisconnect?.error?.code).toBe("AUTH_TOKEN_EXPIRED");
    expect((await failure(client.players.get("alice"))).code).toBe("AUTH_TOKEN_EXPIRED");
    expect((await failure(client.inventory.consume("alice", { category: "bag", itemId, quantity: 1 }))).code).toBe("AUTH_TOKEN_EXPIRED");
  });

  it("a fixed token that expires mid-session closes the client with AUTH_TOKEN_EXPIRED at once", async () => {
    const client = track(
      await connect(server.url, { token: await server.app.tokens.mint({ sub: "bob", role: "player", expiresIn: "2s" }) }),
    );
    await next(client, "closed");
    expect(client.lastDisconnect?.error?.code).toBe("AUTH_TOKEN_EXPIRED");
  });
});
