import { afterAll, beforeAll, expect, it } from "vitest";
import { describeCluster } from "../support/describe-cluster";
import { newArea } from "../support/presence";
import { type RedisServer, startRedis } from "../support/redis";
import { connectRaw, startServer, type TestServer } from "../support/server";

/**
 * Redis frozen (SIGSTOP: its connections stay open and nothing answers), not gone: the case
 * where a command would wait for its reply for as long as the TCP connection lives. Every
 * request that reads Redis must still end, or a node whose bound on requests under way
 * (HOARD_MAX_NODE_IN_FLIGHT, here 8) fills with them would stop serving everything else.
 */
describeCluster("a frozen Redis (SIGSTOP) cannot hold a node's requests", () => {
  let redis: RedisServer;
  let server: TestServer;

  beforeAll(async () => {
    redis = await startRedis();
    server = await startServer({ env: { REDIS_URL: redis.url, HOARD_MAX_NODE_IN_FLIGHT: "8" } });
  });
  afterAll(async () => {
    redis?.thaw();
    await server?.close();
    await redis?.stop();
  });

  it("reads of Redis fail within its command timeout, and commits are served meanwhile", async () => {
    const gm = await connectRaw(server.url, await server.token("server", "game"));
    expect(await gm.call("players:create", { id: "steady", opId: "create-steady" })).toMatchObject({ ok: true });
    const area = newArea();
    expect(await gm.call("presence:stats", { areaCode: area })).toMatchObject({ ok: true });

    redis.freeze();
    // More reads of Redis than the node's bound (12 > 8): were they to wait for Redis, nothing
    // else would run. Another game server's commit goes in between them as they time out; the
    // reads end in two waves of the command timeout (2 s), within the client's 5 s.
    const stats = Array.from({ length: 12 }, () => gm.call("presence:stats", { areaCode: area }));
    const other = await connectRaw(server.url, await server.token("server", "other-game"));
    const commit = await other.call("inventory:apply", {
      playerId: "steady",
      opId: "credit-while-frozen",
      ops: [{ type: "credit", currency: "gold", amount: 1 }],
    });
    expect(commit).toMatchObject({ ok: true });
    other.close();
    const replies = (await Promise.all(stats)) as Array<{ ok: boolean; error?: { code: string } }>;
    expect(new Set(replies.map((reply) => reply.error?.code ?? "ok"))).toEqual(new Set(["PRESENCE_UNAVAILABLE"]));

    redis.thaw();
    await expect
      .poll(async () => ((await gm.call("presence:stats", { areaCode: area })) as { ok: boolean }).ok, { timeout: 10_000 })
      .toBe(true);
    gm.close();
  });
});
