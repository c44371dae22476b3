import { randomUUID } from "node:crypto";
import { type AreaStats, connect, type HoardClient } from "@hoard/client-sdk";
import type { PresenceEvent } from "@hoard/protocol";
import { openRedis, type RedisConnections } from "@hoard/server/internal/cluster/redis";
import { createLogger } from "@hoard/server/internal/log";
import { MemoryRegistry } from "@hoard/server/internal/presence/memory-registry";
import { RedisRegistry } from "@hoard/server/internal/presence/redis-registry";
import type { IngestEvent, PresenceRegistry } from "@hoard/server/internal/presence/registry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectedModes, newArea, originWorkload, presenceEvent } from "../support/presence";
import { type RedisServer, redisAvailable, startRedis } from "../support/redis";
import { startServer, type TestServer } from "../support/server";

/**
 * One presence suite, run against both registry engines: first the registry port itself (time
 * moved by hand), then a real node through real socket clients (the SDK) and REST.
 */
const hasRedis = redisAvailable();
if (!hasRedis) {
  console.warn("\n  !! presence: redis-server is not on the PATH: the Redis engine suite is SKIPPED. Install redis-server to run it.\n");
}

const TTL_MS = 60_000;
const WINDOW_MS = 10_000;
const T0 = 1_000_000;

for (const engine of ["memory", "redis"] as const) {
  const skipped = engine === "redis" && !hasRedis;
  describe.skipIf(skipped)(`presence on the ${engine} engine${skipped ? " (SKIPPED: no redis-server on the PATH)" : ""}`, () => {
    let redis: RedisServer | undefined;
    const opened: PresenceRegistry[] = [];
    const connections: RedisConnections[] = [];

    /** A registry on its own key prefix (Redis) so tests do not share state, with connections of its own as a node's. */
    const openRegistry = (options: { nodeId?: string; prefix?: string } = {}): PresenceRegistry => {
      const settings = { eventTtlMs: TTL_MS, eventIdWindowMs: WINDOW_MS };
      const nodeId = options.nodeId ?? "node-a";
      const log = createLogger({ nodeId: "test", level: "silent" });
      const node = engine === "memory" ? undefined : openRedis({ url: redis?.url ?? "", nodeId, log });
      if (node) connections.push(node);
      const registry = node
        ? new RedisRegistry({
            ...settings,
            redis: node,
            nodeId,
            nodeTtlMs: 5000,
            log,
            prefix: options.prefix ?? `test:{presence-${randomUUID()}}:`,
          })
        : new MemoryRegistry(settings);
      opened.push(registry);
      return registry;
    };
    const counts = async (registry: PresenceRegistry, areaCode: string) => {
      const { modes, total } = await registry.stats(areaCode);
      return { modes, total };
    };
    const login = (areaCode: string, mode: string, userId: string): IngestEvent => ({
      key: randomUUID(),
      userId,
      areaCode,
      mode,
      event: "LOGIN",
    });
    const logout = (areaCode: string, mode: string, userId: string): IngestEvent => ({ ...login(areaCode, mode, userId), event: "LOGOUT" });

    beforeAll(async () => {
      if (engine === "redis") redis = await startRedis();
    });
    afterAll(async () => {
      await Promise.all(opened.map((registry) => registry.close()));
      await Promise.all(connections.map((node) => node.close()));
      await redis?.stop();
    });

    describe("the registry", () => {
      it("counts a user once, moves it on a second login, and sorts modes by players", async () => {
        const registry = openRegistry();
        const area = newArea();
        await registry.login({ userId: "u1", areaCode: area, mode: "duel", connectionId: "c1", now: T0 });
        await registry.login({ userId: "u1", areaCode: area, mode: "duel", connectionId: "c1", now: T0 });
        await registry.login({ userId: "u2", areaCode: area, mode: "raid", connectionId: "c2", now: T0 });
        await registry.login({ userId: "u3", areaCode: area, mode: "raid", connectionId: "c3", now: T0 });
        await registry.login({ userId: "u4", areaCode: area, mode: "arena", connectionId: "c4", now: T0 });
        expect(await counts(registry, area)).toEqual({
          modes: [
            { mode: "raid", players: 2 },
            { mode: "arena", players: 1 },
            { mode: "duel", players: 1 },
          ],
          total: 4,
        });

        const elsewhere = newArea();
        await registry.login({ userId: "u2", areaCode: elsewhere, mode: "duel", connectionId: "c2", now: T0 });
        await registry.login({ userId: "u3", areaCode: area, mode: "duel", connectionId: "c3", now: T0 });
        expect(await counts(registry, area)).toEqual({
          modes: [
            { mode: "duel", players: 2 },
            { mode: "arena", players: 1 },
          ],
          total: 3,
        });
        expect(await counts(registry, elsewhere)).toEqual({ modes: [{ mode: "duel", players: 1 }], total: 1 });
      });

      it("ends a presence only from the connection that holds it", async () => {
        const registry = openRegistry();
        const area = newArea();
        await registry.login({ userId: "u1", areaCode: area, mode: "duel", connectionId: "tab1", now: T0 });
        await registry.login({ userId: "u1", areaCode: area, mode: "raid", connectionId: "tab2", now: T0 });
        expect(await registry.endSession({ userId: "u1", connectionId: "tab1", now: T0 })).toBe(false);
        expect(await counts(registry, area)).toEqual({ modes: [{ mode: "raid", players: 1 }], total: 1 });
        expect(await registry.endSession({ userId: "u1", connectionId: "tab2", now: T0 })).toBe(true);
        expect(await registry.endSession({ userId: "u1", connectionId: "tab2", now: T0 })).toBe(false);
        expect(await counts(registry, area)).toEqual({ modes: [], total: 0 });
      });

      it("never goes negative: a LOGOUT without a LOGIN, a repeated or stale LOGOUT change nothing", async () => {
        const registry = openRegistry();
        const area = newArea();
        const other = newArea();
        await registry.ingest([logout(area, "duel", "ghost")], T0);
        expect(await counts(registry, area)).toEqual({ modes: [], total: 0 });

        await registry.ingest([login(area, "duel", "u1"), login(area, "duel", "u1"), login(area, "duel", "u2")], T0);
        expect(await counts(registry, area)).toEqual({ modes: [{ mode: "duel", players: 2 }], total: 2 });
        // u1 left for another area; a LOGOUT naming where it was is stale.
        await registry.ingest([login(other, "raid", "u1"), logout(area, "duel", "u1")], T0);
        expect(await counts(registry, area)).toEqual({ modes: [{ mode: "duel", players: 1 }], total: 1 });
        await registry.ingest([logout(area, "duel", "u2"), logout(area, "duel", "u2"), logout(area, "duel", "u2")], T0);
        expect(await counts(registry, area)).toEqual({ modes: [], total: 0 });
        expect(await counts(registry, other)).toEqual({ modes: [{ mode: "raid", players: 1 }], total: 1 });
      });

      it("ignores an event id seen within the window, and applies it again after the window", async () => {
        const registry = openRegistry();
        const area = newArea();
        const first = login(area, "duel", "u1");
        const leave = logout(area, "duel", "u1");
        expect(await registry.ingest([first, first], T0)).toEqual({ duplicates: 1 });
        expect(await registry.ingest([leave], T0 + 1)).toEqual({ duplicates: 0 });
        // A retried batch: the LOGIN must not bring u1 back.
        expect(await registry.ingest([first, leave], T0 + WINDOW_MS - 1)).toEqual({ duplicates: 2 });
        expect(await counts(registry, area)).toEqual({ modes: [], total: 0 });
        // Remembered at most two windows: after that the id is new again.
        expect(await registry.ingest([first], T0 + 3 * WINDOW_MS)).toEqual({ duplicates: 0 });
        expect(await counts(registry, area)).toEqual({ modes: [{ mode: "duel", players: 1 }], total: 1 });
      });

      it("expires event presences unless a LOGIN refreshes them; a connection's presence does not expire", async () => {
        const registry = openRegistry();
        const area = newArea();
        await registry.ingest([login(area, "duel", "stays"), login(area, "duel", "goes")], T0);
        await registry.login({ userId: "online", areaCode: area, mode: "duel", connectionId: "c1", now: T0 });
        expect(await registry.expire(T0 + TTL_MS - 1)).toBe(0);
        await registry.ingest([login(area, "duel", "stays")], T0 + TTL_MS / 2);
        await registry.expire(T0 + TTL_MS + 1000);
        expect(await counts(registry, area)).toEqual({ modes: [{ mode: "duel", players: 2 }], total: 2 });
        await registry.expire(T0 + TTL_MS / 2 + TTL_MS + 1000);
        expect(await counts(registry, area)).toEqual({ modes: [{ mode: "duel", players: 1 }], total: 1 });
      });

      it("a connection's login takes a presence over from the events, and events cannot end it", async () => {
        const registry = openRegistry();
        const area = newArea();
        await registry.ingest([login(area, "duel", "u1")], T0);
        await registry.login({ userId: "u1", areaCode: area, mode: "raid", connectionId: "c1", now: T0 });
        await registry.ingest([logout(area, "raid", "u1")], T0);
        await registry.expire(T0 + 2 * TTL_MS);
        expect(await counts(registry, area)).toEqual({ modes: [{ mode: "raid", players: 1 }], total: 1 });
      });

      it("reaping a node ends its connections' presences and leaves the events' alone", async () => {
        const prefix = `test:{presence-${randomUUID()}}:`;
        const nodeA = openRegistry({ nodeId: "node-a", prefix });
        const nodeB = engine === "redis" ? openRegistry({ nodeId: "node-b", prefix }) : nodeA;
        const area = newArea();
        await nodeA.login({ userId: "a1", areaCode: area, mode: "duel", connectionId: "c1", now: T0 });
        await nodeA.login({ userId: "a2", areaCode: area, mode: "duel", connectionId: "c2", now: T0 });
        await nodeA.ingest([login(area, "duel", "e1")], T0);
        if (engine === "redis") await nodeB.login({ userId: "b1", areaCode: area, mode: "duel", connectionId: "c1", now: T0 });
        expect(await nodeB.reapNode("node-a", T0)).toBe(2);
        expect(await counts(nodeB, area)).toEqual({
          modes: [{ mode: "duel", players: engine === "redis" ? 2 : 1 }],
          total: engine === "redis" ? 2 : 1,
        });
      });

      it("lists the card each live node beat in with its heartbeat, the newest one, and drops a node that left", async () => {
        const prefix = `test:{presence-${randomUUID()}}:`;
        const nodeA = openRegistry({ nodeId: "node-a", prefix });
        expect(await nodeA.liveNodes()).toEqual([]);
        await nodeA.heartbeat(T0, '{"nodeId":"node-a","n":1}');
        await nodeA.heartbeat(T0 + 1000, '{"nodeId":"node-a","n":2}');
        if (engine === "memory") {
          expect(await nodeA.liveNodes()).toEqual(['{"nodeId":"node-a","n":2}']);
          return;
        }
        const nodeB = openRegistry({ nodeId: "node-b", prefix });
        await nodeB.heartbeat(T0 + 1000, '{"nodeId":"node-b","n":1}');
        expect((await nodeB.liveNodes()).sort()).toEqual(['{"nodeId":"node-a","n":2}', '{"nodeId":"node-b","n":1}']);
        await nodeB.close();
        expect(await nodeA.liveNodes()).toEqual(['{"nodeId":"node-a","n":2}']);
      });

      it("tells listeners which areas changed, and only when counts moved; seq only grows", async () => {
        const registry = openRegistry();
        const area = newArea();
        const seen: string[] = [];
        registry.onChange((areas) => seen.push(...areas));
        await registry.whenListening();
        const seqs = [(await registry.stats(area)).seq];
        await registry.login({ userId: "u1", areaCode: area, mode: "duel", connectionId: "c1", now: T0 });
        seqs.push((await registry.stats(area)).seq);
        await registry.login({ userId: "u1", areaCode: area, mode: "duel", connectionId: "c1", now: T0 }); // no move
        await registry.endSession({ userId: "u1", connectionId: "nope", now: T0 }); // not the owner
        seqs.push((await registry.stats(area)).seq);
        await registry.endSession({ userId: "u1", connectionId: "c1", now: T0 });
        seqs.push((await registry.stats(area)).seq); // emptied: its seq is still kept
        await registry.login({ userId: "u2", areaCode: area, mode: "raid", connectionId: "c2", now: T0 + 1 });
        seqs.push((await registry.stats(area)).seq);
        await expect.poll(() => seen.filter((code) => code === area).length).toBe(3);
        expect(seqs[0]).toBe(0);
        expect(seqs[2]).toBe(seqs[1]);
        expect(seqs[3]).toBeGreaterThan(seqs[2] as number);
        expect(seqs[4]).toBeGreaterThan(seqs[3] as number);
      });

      it("lists areas busiest first with the number of players present", async () => {
        const registry = openRegistry();
        const [quiet, busy] = [newArea("quiet"), newArea("busy")];
        await registry.ingest([login(busy, "duel", "u1"), login(busy, "raid", "u2"), login(quiet, "duel", "u3")], T0);
        expect(await registry.areas(10)).toEqual({
          areas: [
            { areaCode: busy, players: 2 },
            { areaCode: quiet, players: 1 },
          ],
          areaCount: 2,
          players: 3,
        });
        expect((await registry.areas(1)).areas).toEqual([{ areaCode: busy, players: 2 }]);
      });

      it("ends the origin's generator with counts equal to the users still logged in", async () => {
        const registry = openRegistry();
        for (const seed of [1, 2, 3]) {
          const workload = originWorkload({ seed, prefix: `s${seed}-${randomUUID().slice(0, 6)}` });
          const logins = workload.events.filter((event) => event.event === "LOGIN").length;
          expect(logins).toBeGreaterThanOrEqual(500);
          expect(logins).toBeLessThanOrEqual(1000);
          expect(workload.events.length - logins).toBeGreaterThan(logins * 0.4);
          expect(workload.expected.size).toBeGreaterThan(0);
          for (let i = 0; i < workload.events.length; i += 97) {
            const batch = workload.events.slice(i, i + 97).map((event) => ({ ...event, key: event.eventId }));
            await registry.ingest(batch, T0);
          }
          for (const areaCode of workload.areaCodes) {
            const expected = expectedModes(workload.expected.get(areaCode));
            expect(await counts(registry, areaCode)).toEqual({ modes: expected, total: expected.reduce((sum, m) => sum + m.players, 0) });
          }
        }
      });
    });

    describe("a node, through real sockets and REST", () => {
      let server: TestServer;
      let game: HoardClient;
      const clients: HoardClient[] = [];
      const player = async (sub: string) => {
        const client = await connect(server.url, { token: await server.token("player", sub), timeoutMs: 3000 });
        clients.push(client);
        return client;
      };
      const rest = async (path: string, init: { role?: "player" | "server" | "admin"; body?: unknown } = {}) => {
        const response = await fetch(`${server.url}${path}`, {
          method: init.body === undefined ? "GET" : "POST",
          headers: { authorization: `Bearer ${await server.token(init.role ?? "server", "game")}`, "content-type": "application/json" },
          ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        });
        return { status: response.status, body: (await response.json()) as { ok: boolean; data?: any; error?: { code: string } } };
      };
      const stats = async (areaCode: string) => {
        const { modes, total } = await game.presence.stats(areaCode);
        return { modes, total };
      };

      beforeAll(async () => {
        server = await startServer({
          env: {
            HOARD_PRESENCE_SAMPLE_SECONDS: "1",
            ...(engine === "redis" ? { REDIS_URL: redis?.url ?? "", HOARD_NODE_ID: "suite" } : {}),
          },
        });
        game = await connect(server.url, { token: await server.token("server", "game"), timeoutMs: 3000 });
        clients.push(game);
      });
      afterAll(async () => {
        for (const client of clients) client.close();
        await server?.close();
      });

      it("counts players by mode, moves them, and answers the REST stats by area_code", async () => {
        const area = newArea();
        const [alice, bob, carol] = await Promise.all([player("alice"), player("bob"), player("carol")]);
        expect(await alice.presence.login(area, "duel")).toEqual({ userId: "alice", areaCode: area, mode: "duel" });
        await alice.presence.login(area, "duel");
        await bob.presence.login(area, "raid");
        await carol.presence.login(area, "raid");
        expect(await stats(area)).toEqual({
          modes: [
            { mode: "raid", players: 2 },
            { mode: "duel", players: 1 },
          ],
          total: 3,
        });
        await carol.presence.login(area, "duel");
        const { status, body } = await rest(`/api/v1/presence/stats?area_code=${area}`, { role: "player" });
        expect(status).toBe(200);
        expect(body.data).toMatchObject({
          areaCode: area,
          modes: [
            { mode: "duel", players: 2 },
            { mode: "raid", players: 1 },
          ],
          total: 3,
          seq: expect.any(Number),
          asOf: expect.any(String),
        });
      });

      it("ends a presence on logout and on disconnect", async () => {
        const area = newArea();
        const [dave, erin] = await Promise.all([player("dave"), player("erin")]);
        await dave.presence.login(area, "duel");
        await erin.presence.login(area, "duel");
        expect(await dave.presence.logout()).toEqual({ userId: "dave", ended: true });
        expect(await dave.presence.logout()).toEqual({ userId: "dave", ended: false });
        expect(await stats(area)).toEqual({ modes: [{ mode: "duel", players: 1 }], total: 1 });
        erin.close();
        await expect.poll(() => stats(area)).toEqual({ modes: [], total: 0 });
      });

      it("two tabs: the one that logged in last holds the presence; closing the other changes nothing", async () => {
        const area = newArea();
        const tab1 = await player("frank");
        const tab2 = await player("frank");
        await tab1.presence.login(area, "duel");
        await tab2.presence.login(area, "raid");
        expect(await stats(area)).toEqual({ modes: [{ mode: "raid", players: 1 }], total: 1 });
        expect(await tab1.presence.logout()).toEqual({ userId: "frank", ended: false });
        const tab1Id = tab1.socket.id;
        tab1.close();
        // Once the node has dropped the first tab, its disconnect has been handled (and, on Redis,
        // sent before any later read): the presence is still there. Closing the holder ends it.
        await expect.poll(() => server.app.io.sockets.sockets.has(tab1Id ?? "")).toBe(false);
        expect(await stats(area)).toEqual({ modes: [{ mode: "raid", players: 1 }], total: 1 });
        tab2.close();
        await expect.poll(() => stats(area)).toEqual({ modes: [], total: 0 });
      });

      it("logs the player in again after a reconnect", async () => {
        const area = newArea();
        const gina = await player("gina");
        await gina.presence.login(area, "duel");
        const reconnected = new Promise<void>((resolve) => gina.onResync(resolve));
        const before = gina.socket.id;
        gina.socket.io.engine.close();
        await reconnected;
        // The node has dropped the old connection (ending its presence); the new one logged in again.
        await expect.poll(() => server.app.io.sockets.sockets.has(before ?? "")).toBe(false);
        await expect.poll(() => stats(area)).toEqual({ modes: [{ mode: "duel", players: 1 }], total: 1 });
      });

      it("applies HTTP event batches once by eventId, and never goes negative", async () => {
        const area = newArea();
        const batch: PresenceEvent[] = [
          presenceEvent({ userId: "h1", areaCode: area, mode: "duel", event: "LOGOUT" }), // without LOGIN: nothing
          presenceEvent({ userId: "h1", areaCode: area, mode: "duel", event: "LOGIN" }),
          presenceEvent({ userId: "h1", areaCode: area, mode: "duel", event: "LOGIN" }), // repeated: counts once
          presenceEvent({ userId: "h2", areaCode: area, mode: "raid", event: "LOGIN" }),
          presenceEvent({ userId: "h3", areaCode: area, mode: "raid", event: "LOGIN" }),
          presenceEvent({ userId: "h3", areaCode: area, mode: "raid", event: "LOGOUT" }),
        ];
        const first = await rest("/api/v1/presence/events", { body: { events: batch } });
        expect(first).toEqual({ status: 200, body: { ok: true, data: { received: 6, duplicates: 0 } } });
        const again = await rest("/api/v1/presence/events", { body: { events: batch } });
        expect(again.body.data).toEqual({ received: 6, duplicates: 6 });
        const extraLogouts = Array.from({ length: 3 }, () =>
          presenceEvent({ userId: "h3", areaCode: area, mode: "raid", event: "LOGOUT" }),
        );
        await game.presence.ingest(extraLogouts);
        expect(await stats(area)).toEqual({
          modes: [
            { mode: "duel", players: 1 },
            { mode: "raid", players: 1 },
          ],
          total: 2,
        });
      });

      it("ends the origin's generator, sent over HTTP, with counts equal to the users still logged in", async () => {
        const workload = originWorkload({ seed: 2024, prefix: `gen-${randomUUID().slice(0, 6)}` });
        for (let i = 0; i < workload.events.length; i += 250) {
          const reply = await rest("/api/v1/presence/events", { body: { events: workload.events.slice(i, i + 250) } });
          expect(reply.status).toBe(200);
        }
        for (const areaCode of workload.areaCodes) {
          const expected = expectedModes(workload.expected.get(areaCode));
          expect(await stats(areaCode)).toEqual({ modes: expected, total: expected.reduce((sum, m) => sum + m.players, 0) });
        }
        const { body } = await rest("/api/v1/presence/areas?limit=500");
        const ours = (body.data.areas as Array<{ areaCode: string; players: number }>).filter((a) =>
          workload.areaCodes.includes(a.areaCode),
        );
        const expectedAreas = [...workload.expected]
          .map(([areaCode, byMode]) => ({ areaCode, players: [...byMode.values()].reduce((sum, n) => sum + n, 0) }))
          .sort((a, b) => b.players - a.players || (a.areaCode < b.areaCode ? -1 : 1));
        expect(ours).toEqual(expectedAreas);
      });

      it("pushes area popularity to watchers: whole mode lists, seq only growing, coalesced", async () => {
        const area = newArea();
        const viewer = await player("viewer");
        const watch = await viewer.watchArea(area);
        const pushes: AreaStats[] = [];
        watch.on("change", (stats) => pushes.push(stats));
        expect(watch.stats).toMatchObject({ areaCode: area, modes: [], total: 0 });

        const changes = 20;
        for (let i = 0; i < changes; i++) {
          await game.presence.ingest([{ userId: `w${i}`, areaCode: area, mode: i % 3 === 0 ? "duel" : "raid", event: "LOGIN" }]);
        }
        const final = await game.presence.stats(area);
        await expect.poll(() => watch.stats.seq).toBe(final.seq);
        expect(watch.stats.modes).toEqual(final.modes);
        expect(pushes.length).toBeLessThan(changes);
        const seqs = pushes.map((stats) => stats.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        expect(new Set(seqs).size).toBe(seqs.length);
        await watch.close();
      });

      it("keeps per-area samples for charts, readable over the socket and REST", async () => {
        const area = newArea();
        const hank = await player("hank");
        await hank.presence.login(area, "duel");
        await expect
          .poll(async () => (await game.presence.history(area)).samples.at(-1), { timeout: 5000 })
          .toMatchObject({ total: 1, modes: [{ mode: "duel", players: 1 }] });
        const { body } = await rest(`/api/v1/presence/history?area_code=${area}&since=2000-01-01T00:00:00Z&limit=5`, { role: "player" });
        expect(body.data.areaCode).toBe(area);
        expect(body.data.samples.at(-1)).toMatchObject({ at: expect.any(String), total: 1 });
      });

      it("documents its REST routes in OpenAPI", async () => {
        const document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: Record<string, any> };
        expect(Object.keys(document.paths)).toEqual(
          expect.arrayContaining([
            "/api/v1/presence/events",
            "/api/v1/presence/stats",
            "/api/v1/presence/areas",
            "/api/v1/presence/history",
          ]),
        );
        expect(document.paths["/api/v1/presence/stats"].get.parameters.map((parameter: { name: string }) => parameter.name)).toEqual([
          "area_code",
        ]);
      });

      it("refuses what a role may not do and what does not parse, changing nothing", async () => {
        const area = newArea();
        const ivan = await player("ivan");
        await expect(ivan.presence.ingest([{ userId: "ivan", areaCode: area, mode: "duel", event: "LOGIN" }])).rejects.toMatchObject({
          code: "AUTH_FORBIDDEN",
        });
        await expect(game.presence.login(area, "duel")).rejects.toMatchObject({ code: "AUTH_FORBIDDEN" });
        await expect(ivan.presence.login("not an area!", "duel")).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
        expect((await rest("/api/v1/presence/stats")).status).toBe(400);
        const tooMany = Array.from({ length: 1001 }, () => presenceEvent({ userId: "x", areaCode: area, mode: "duel", event: "LOGIN" }));
        expect((await rest("/api/v1/presence/events", { body: { events: tooMany } })).body.error?.code).toBe("VALIDATION_FAILED");
        expect(await stats(area)).toEqual({ modes: [], total: 0 });
      });
    });

    describe.runIf(engine === "redis")("when Redis is unreachable", () => {
      it("answers PRESENCE_UNAVAILABLE (503), and the node still shuts down", async () => {
        const lonely = await startRedis();
        const server = await startServer({ env: { REDIS_URL: lonely.url, HOARD_NODE_ID: "lonely" } });
        try {
          const token = await server.token("player", "someone");
          const read = () => fetch(`${server.url}/api/v1/presence/stats?area_code=eu`, { headers: { authorization: `Bearer ${token}` } });
          expect((await read()).status).toBe(200);
          await lonely.stop();
          const response = await read();
          expect(response.status).toBe(503);
          expect(await response.json()).toMatchObject({ ok: false, error: { code: "PRESENCE_UNAVAILABLE" } });
        } finally {
          await server.close();
          await lonely.stop();
        }
      });
    });

    describe("event presences on a node with a short TTL", () => {
      it("expire unless refreshed", async () => {
        const server = await startServer({
          env: {
            HOARD_PRESENCE_EVENT_TTL_SECONDS: "1",
            ...(engine === "redis" ? { REDIS_URL: redis?.url ?? "", HOARD_NODE_ID: "short-ttl" } : {}),
          },
        });
        const game = await connect(server.url, { token: await server.token("server", "game") });
        try {
          const area = newArea();
          await game.presence.ingest([{ userId: "brief", areaCode: area, mode: "duel", event: "LOGIN" }]);
          expect((await game.presence.stats(area)).total).toBe(1);
          await expect.poll(async () => (await game.presence.stats(area)).total, { timeout: 5000 }).toBe(0);
        } finally {
          game.close();
          await server.close();
        }
      });
    });
  });
}
