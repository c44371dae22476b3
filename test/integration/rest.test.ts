import {
  type ClientEventName,
  clientEventNames,
  clientEvents,
  type HttpBinding,
  httpStatusOf,
  isClientEventName,
  isErrorCode,
} from "@hoard/protocol";
import { restRoutes } from "@hoard/server/internal/transport/rest-routes";
import { version } from "@hoard/server/internal/version";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { http, okData } from "../support/edge";
import { connectRaw, itemDefinition, newOpId, type RawClient, startServer, type TestServer } from "../support/server";

/**
 * The REST surface: every route answers the `{ok, data}` envelope with the same data as its
 * socket event, errors carry the registry's status, and the operational endpoints (health,
 * readiness, metrics, OpenAPI, docs) answer as the design names them.
 */

/** Every REST route, written out: a route added or removed must show up here. */
const routes: Array<{ method: string; path: string; event: ClientEventName }> = [
  { method: "post", path: "/api/v1/items", event: "items:create" },
  { method: "get", path: "/api/v1/items", event: "items:list" },
  { method: "get", path: "/api/v1/items/:id", event: "items:get" },
  { method: "put", path: "/api/v1/kits/:name", event: "kits:put" },
  { method: "get", path: "/api/v1/kits", event: "kits:list" },
  { method: "get", path: "/api/v1/kits/:name", event: "kits:get" },
  { method: "post", path: "/api/v1/players", event: "players:create" },
  { method: "get", path: "/api/v1/players", event: "players:list" },
  { method: "get", path: "/api/v1/players/:playerId", event: "players:get" },
  { method: "post", path: "/api/v1/players/:playerId/disconnect", event: "players:disconnect" },
  { method: "post", path: "/api/v1/players/:playerId/ops", event: "inventory:apply" },
  { method: "post", path: "/api/v1/players/:playerId/history/:version/reverse", event: "inventory:reverse" },
  { method: "get", path: "/api/v1/players/:playerId/inventories", event: "inventory:list" },
  { method: "get", path: "/api/v1/players/:playerId/history", event: "inventory:history" },
];

describe("REST", () => {
  let server: TestServer;
  let token: string;
  let gm: RawClient;

  /** A successful reply: the status, the envelope, and data that parses with the event's output schema. */
  const expectOk = (reply: { status: number; headers: Headers; body: any }, event: ClientEventName, status = 200) => {
    expect(reply.status).toBe(status);
    expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
    expect(Object.keys(reply.body).sort()).toEqual(["data", "ok"]);
    expect(reply.body.ok).toBe(true);
    expect(clientEvents[event].output.safeParse(reply.body.data).success).toBe(true);
    return reply.body.data;
  };

  beforeAll(async () => {
    server = await startServer();
    token = await server.token("server", "game");
    gm = await connectRaw(server.url, token);
  });
  afterAll(async () => {
    gm.close();
    await server.close();
  });

  it("the route table is the one under test", () => {
    const under = ["items", "kits", "players", "inventory"];
    const tested = restRoutes.filter(({ event }) => under.includes(event.split(":")[0] as string));
    const byEvent = (a: { event: string }, b: { event: string }) => a.event.localeCompare(b.event);
    expect(tested.map(({ method, path, event }) => ({ method, path, event })).sort(byEvent)).toEqual([...routes].sort(byEvent));
  });

  describe("items", () => {
    it("POST /api/v1/items → 201 created, then 200 with the same id for the same definition in any key order", async () => {
      const definition = { name: "Lantern", kind: "tool", value: 12, attributes: { light: 3, oil: true } };
      const created = expectOk(await http(server, "POST", "/api/v1/items", { token, json: definition }), "items:create", 201);
      expect(created).toMatchObject({ created: true, item: { id: expect.stringMatching(/^[0-9a-f]{64}$/), definition } });

      const again = expectOk(await http(server, "POST", "/api/v1/items", { token, json: definition }), "items:create", 200);
      expect(again).toEqual({ created: false, item: created.item });

      const reordered = '{"attributes":{"oil":true,"light":3},"value":12,"kind":"tool","name":"Lantern"}';
      const same = expectOk(await http(server, "POST", "/api/v1/items", { token, text: reordered }), "items:create", 200);
      expect(same).toEqual({ created: false, item: created.item });

      const other = expectOk(
        await http(server, "POST", "/api/v1/items", { token, json: { ...definition, value: 13 } }),
        "items:create",
        201,
      );
      expect(other.item.id).not.toBe(created.item.id);
      // The socket agrees on the id.
      expect(okData(await gm.call("items:create", { definition }))).toEqual({ created: false, item: created.item });
    });

    it("GET /api/v1/items/:id is immutable: ETag is the quoted id, cached for a year, 304 on If-None-Match", async () => {
      const { item } = okData(await gm.call("items:create", { definition: itemDefinition({ name: "Cacheable" }) }));
      const path = `/api/v1/items/${item.id}`;
      const first = await http(server, "GET", path, { token });
      expect(expectOk(first, "items:get")).toEqual(item);
      expect(first.headers.get("etag")).toBe(`"${item.id}"`);
      expect(first.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");

      const notModified = await http(server, "GET", path, { token, headers: { "if-none-match": `"${item.id}"` } });
      expect(notModified.status).toBe(304);
      expect(notModified.body).toBeUndefined();

      const otherTag = await http(server, "GET", path, { token, headers: { "if-none-match": `"${"0".repeat(64)}"` } });
      expect(otherTag.status).toBe(200);
      expect(otherTag.body.data).toEqual(item);
      expect(okData(await gm.call("items:get", { id: item.id }))).toEqual(item);
    });

    it("an unknown item is 404 ITEM_NOT_FOUND, and not cacheable", async () => {
      const reply = await http(server, "GET", `/api/v1/items/${"f".repeat(64)}`, { token });
      expect(reply.status).toBe(404);
      expect(reply.body).toEqual({
        ok: false,
        error: { code: "ITEM_NOT_FOUND", message: expect.any(String), details: { id: "f".repeat(64) } },
      });
      expect(reply.headers.get("etag")).toBeNull();
      expect(reply.headers.get("cache-control") ?? "").not.toContain("immutable");
    });

    it("GET /api/v1/items pages by id with limit and after", async () => {
      for (let n = 0; n < 3; n++) okData(await gm.call("items:create", { definition: itemDefinition() }));
      const all = expectOk(await http(server, "GET", "/api/v1/items?limit=500", { token }), "items:list");
      expect(all.items.length).toBeGreaterThanOrEqual(5);
      expect(all.next).toBeNull();
      const page1 = expectOk(await http(server, "GET", "/api/v1/items?limit=2", { token }), "items:list");
      expect(page1.items).toEqual(all.items.slice(0, 2));
      expect(page1.next).toBe(all.items[1].id);
      const page2 = expectOk(await http(server, "GET", `/api/v1/items?limit=2&after=${page1.next}`, { token }), "items:list");
      expect(page2.items).toEqual(all.items.slice(2, 4));
      expect(okData(await gm.call("items:list", { limit: 2, after: page1.next }))).toEqual(page2);
    });
  });

  describe("kits and players", () => {
    let itemId: string;
    beforeAll(async () => {
      itemId = okData(await gm.call("items:create", { definition: itemDefinition({ name: "Sword" }) })).item.id;
    });

    it("PUT /api/v1/kits/:name, GET /api/v1/kits and /api/v1/kits/:name", async () => {
      const body = { currencies: { gold: 100 }, items: [{ itemId, category: "equipment.weapons", quantity: 1 }] };
      const put = expectOk(await http(server, "PUT", "/api/v1/kits/knight", { token, json: body }), "kits:put");
      expect(put).toEqual({ kit: { name: "knight", ...body } });
      const one = expectOk(await http(server, "GET", "/api/v1/kits/knight", { token }), "kits:get");
      expect(one).toEqual(put);
      expect(okData(await gm.call("kits:get", { name: "knight" }))).toEqual(one);
      const list = expectOk(await http(server, "GET", "/api/v1/kits", { token }), "kits:list");
      expect(list.kits).toContainEqual(put.kit);
      expect(okData(await gm.call("kits:list", {}))).toEqual(list);
      const missing = await http(server, "GET", "/api/v1/kits/wizard", { token });
      expect(missing).toMatchObject({ status: 404, body: { ok: false, error: { code: "KIT_NOT_FOUND" } } });
    });

    it("POST /api/v1/players → 201 with the class's kit; GET the player, its inventories and its history", async () => {
      const created = expectOk(
        await http(server, "POST", "/api/v1/players", {
          token,
          json: { id: "rest-knight", name: "Sir", class: "knight", opId: newOpId() },
        }),
        "players:create",
        201,
      );
      expect(created.player).toMatchObject({ id: "rest-knight", version: 1, wallet: { gold: 100 } });
      expect(created.player.inventories["equipment.weapons"].stacks[itemId]).toBe(1);

      const applied = expectOk(
        await http(server, "POST", "/api/v1/players/rest-knight/ops", {
          token,
          json: { opId: newOpId(), ops: [{ type: "grant", category: "bag", itemId, quantity: 2 }] },
        }),
        "inventory:apply",
      );
      expect(applied).toEqual({
        playerId: "rest-knight",
        version: 2,
        replayed: false,
        changes: { inventories: { bag: { stacks: { [itemId]: 2 } } } },
      });

      const player = expectOk(await http(server, "GET", "/api/v1/players/rest-knight", { token }), "players:get");
      expect(player.player.version).toBe(2);
      expect(okData(await gm.call("players:get", { playerId: "rest-knight" }))).toEqual(player);

      const inventories = expectOk(
        await http(server, "GET", "/api/v1/players/rest-knight/inventories?prefix=equipment", { token }),
        "inventory:list",
      );
      expect(Object.keys(inventories.inventories)).toEqual(["equipment.weapons"]);
      expect(okData(await gm.call("inventory:list", { playerId: "rest-knight", prefix: "equipment" }))).toEqual(inventories);

      const history = expectOk(
        await http(server, "GET", "/api/v1/players/rest-knight/history?sinceVersion=1&limit=5", { token }),
        "inventory:history",
      );
      expect(history.entries.map((entry: { version: number; kind: string }) => [entry.version, entry.kind])).toEqual([
        [2, "inventory:apply"],
      ]);
      expect(okData(await gm.call("inventory:history", { playerId: "rest-knight", sinceVersion: 1, limit: 5 }))).toEqual(history);
    });

    it("GET /api/v1/players lists by id with prefix, limit and after", async () => {
      for (const id of ["list-a", "list-b", "list-c"]) okData(await gm.call("players:create", { id, opId: newOpId() }));
      const page1 = expectOk(await http(server, "GET", "/api/v1/players?prefix=list-&limit=2", { token }), "players:list");
      expect(page1.players.map((player: { id: string }) => player.id)).toEqual(["list-a", "list-b"]);
      expect(page1.next).toBe("list-b");
      const page2 = expectOk(await http(server, "GET", "/api/v1/players?prefix=list-&limit=2&after=list-b", { token }), "players:list");
      expect(page2).toEqual({ players: [{ id: "list-c", version: 1 }], next: null });
      expect(okData(await gm.call("players:list", { prefix: "list-", limit: 2, after: "list-b" }))).toEqual(page2);
    });

    it("errors carry the registry's HTTP status and the same code as over the socket", async () => {
      const player = "rest-knight";
      const cases: Array<{ method: string; path: string; json?: unknown; event: ClientEventName; payload: unknown }> = [
        { method: "GET", path: "/api/v1/players/nobody", event: "players:get", payload: { playerId: "nobody" } },
        { method: "GET", path: "/api/v1/players/bad%20id", event: "players:get", payload: { playerId: "bad id" } },
        {
          method: "POST",
          path: `/api/v1/players/${player}/ops`,
          json: { opId: "shared-op-id-1", ops: [{ type: "consume", category: "bag", itemId, quantity: 99 }] },
          event: "inventory:apply",
          payload: { playerId: player, opId: "shared-op-id-1", ops: [{ type: "consume", category: "bag", itemId, quantity: 99 }] },
        },
        {
          method: "POST",
          path: `/api/v1/players/${player}/ops`,
          json: { opId: newOpId(), ops: [{ type: "debit", currency: "gold", amount: 1000 }] },
          event: "inventory:apply",
          payload: { playerId: player, opId: newOpId(), ops: [{ type: "debit", currency: "gold", amount: 1000 }] },
        },
        {
          method: "POST",
          path: "/api/v1/players",
          json: { id: player, opId: newOpId() },
          event: "players:create",
          payload: { id: player, opId: newOpId() },
        },
        {
          method: "POST",
          path: `/api/v1/players/${player}/ops`,
          json: { opId: newOpId(), ops: [{ type: "grant", category: "bag", itemId: "a".repeat(64), quantity: 1 }] },
          event: "inventory:apply",
          payload: { playerId: player, opId: newOpId(), ops: [{ type: "grant", category: "bag", itemId: "a".repeat(64), quantity: 1 }] },
        },
      ];
      const seen = new Set<string>();
      for (const c of cases) {
        const rest = await http(server, c.method, c.path, { token, ...(c.json === undefined ? {} : { json: c.json }) });
        const socket = await gm.call(c.event, c.payload);
        expect(socket.ok).toBe(false);
        expect(rest.body.ok).toBe(false);
        const code = rest.body.error.code;
        expect(isErrorCode(code)).toBe(true);
        expect(rest.status, code).toBe(httpStatusOf(code));
        expect(socket.ok ? undefined : socket.error.code).toBe(code);
        seen.add(code);
      }
      expect([...seen].sort()).toEqual([
        "INVENTORY_INSUFFICIENT_ITEMS",
        "ITEM_NOT_FOUND",
        "PLAYER_EXISTS",
        "PLAYER_NOT_FOUND",
        "VALIDATION_FAILED",
        "WALLET_INSUFFICIENT_FUNDS",
      ]);
    });
  });

  describe("the edges of the router", () => {
    it.each([
      ["GET", "/api/v1/nothing"],
      ["GET", "/api/v2/items"],
      ["DELETE", "/api/v1/items"],
      ["PATCH", "/api/v1/players/alice"],
      ["POST", "/health"],
    ])("%s %s → 404 ROUTE_NOT_FOUND as JSON", async (method, path) => {
      const reply = await http(server, method, path, { token });
      expect(reply.status).toBe(404);
      expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
      expect(reply.body).toEqual({ ok: false, error: { code: "ROUTE_NOT_FOUND", message: expect.any(String) } });
    });

    it("a body over HOARD_MAX_PAYLOAD_BYTES → 413 PAYLOAD_TOO_LARGE, even unauthenticated; one under it is read", async () => {
      const limit = server.app.config.maxPayloadBytes;
      const over = { name: "x".repeat(limit + 10) };
      for (const call of [{ token, json: over }, { json: over }]) {
        const reply = await http(server, "POST", "/api/v1/items", call);
        expect(reply.status).toBe(413);
        expect(reply.body).toEqual({ ok: false, error: { code: "PAYLOAD_TOO_LARGE", message: expect.any(String) } });
      }
      // Just under the limit the body is parsed, and refused by its schema instead.
      const under = await http(server, "POST", "/api/v1/items", { token, json: { name: "x".repeat(limit - 100) } });
      expect(under).toMatchObject({ status: 400, body: { ok: false, error: { code: "VALIDATION_FAILED" } } });
    });
  });

  describe("operations", () => {
    it("GET /health → 200 {status, nodeId, version, store, presence, uptime}", async () => {
      const reply = await http(server, "GET", "/health");
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        status: "ok",
        nodeId: server.app.config.nodeId,
        version,
        store: "sqlite",
        presence: "memory",
        uptime: expect.any(Number),
      });
      expect(reply.body.uptime).toBeGreaterThanOrEqual(0);
      expect(version).toMatch(/^\d+\.\d+\.\d+/);
    });

    it("GET /ready → 200", async () => {
      expect(await http(server, "GET", "/ready")).toMatchObject({ status: 200, body: { ready: true } });
    });

    it("GET /metrics counts requests by event, transport and outcome", async () => {
      await http(server, "GET", "/api/v1/kits", { token });
      await http(server, "GET", "/api/v1/players/bad%20id", { token });
      await gm.call("kits:list", {});
      const reply = await http(server, "GET", "/metrics", { token });
      expect(reply.status).toBe(200);
      expect(reply.headers.get("content-type")).toMatch(/^text\/plain/);
      const text: string = reply.body;
      expect(text).toContain("# TYPE hoard_requests_total counter");
      const count = (labels: string) => {
        const line = text
          .split("\n")
          .find((l) => l.startsWith("hoard_requests_total{") && labels.split(",").every((label) => l.includes(label)));
        return line === undefined ? 0 : Number(line.split(" ").at(-1));
      };
      expect(count('event="kits:list",transport="http",outcome="ok"')).toBeGreaterThanOrEqual(1);
      expect(count('event="kits:list",transport="socket",outcome="ok"')).toBeGreaterThanOrEqual(1);
      expect(count('event="players:get",transport="http",outcome="VALIDATION_FAILED"')).toBeGreaterThanOrEqual(1);
      expect(text).toContain(`node="${server.app.config.nodeId}"`);
    });

    it("GET /api/openapi.json is OpenAPI 3 with every route, operationIds being the event names", async () => {
      const reply = await http(server, "GET", "/api/openapi.json");
      expect(reply.status).toBe(200);
      const doc = reply.body;
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.info).toMatchObject({ title: "Hoard", version });
      const operations: Array<{ method: string; path: string; event: string }> = [];
      for (const [path, methods] of Object.entries<Record<string, { operationId: string }>>(doc.paths)) {
        for (const [method, operation] of Object.entries(methods)) {
          operations.push({ method, path: path.replace(/\{(\w+)\}/g, ":$1"), event: operation.operationId });
        }
      }
      // Every route of this table is documented (other domains add theirs), and every operation is
      // an event, but for the HTTP-only streaming routes.
      expect(operations).toEqual(expect.arrayContaining(routes));
      const httpOnly = ["stock:import"];
      for (const operation of operations)
        expect(isClientEventName(operation.event) || httpOnly.includes(operation.event), operation.event).toBe(true);
      for (const route of routes) {
        const operation = doc.paths[route.path.replace(/:(\w+)/g, "{$1}")][route.method];
        expect(operation.responses["200"], route.event).toBeDefined();
        for (const param of route.path.match(/:(\w+)/g) ?? []) {
          expect(operation.parameters, route.event).toContainEqual(
            expect.objectContaining({ name: param.slice(1), in: "path", required: true }),
          );
        }
        if (route.method !== "get") expect(operation.requestBody, route.event).toBeDefined();
      }
    });

    it("OpenAPI and the router agree: each event's route is documented, each documented operation is routed, nothing else is", async () => {
      const doc = (await http(server, "GET", "/api/openapi.json")).body as {
        paths: Record<string, Record<string, { operationId: string }>>;
      };
      const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({ method, path, event: operation.operationId })),
      );
      // The event table's side: every row with an http binding is an operation of that event.
      const fromTable = clientEventNames.flatMap((event) => {
        const binding: HttpBinding | null = clientEvents[event].http;
        return binding ? [{ method: binding.method, path: binding.path.replace(/:(\w+)/g, "{$1}"), event }] : [];
      });
      expect(documented).toEqual(expect.arrayContaining(fromTable));
      expect(documented.filter((operation) => operation.event !== "stock:import")).toHaveLength(fromTable.length);
      // The router's side: a documented operation reaches a route (which wants a token) rather
      // than ROUTE_NOT_FOUND, and a method not documented on a documented path finds none.
      const concrete = (path: string) => path.replace(/\{version\}/g, "1").replace(/\{\w+\}/g, "x");
      for (const { method, path, event } of documented) {
        const reply = await http(server, method.toUpperCase(), concrete(path));
        expect([reply.status, reply.body.error.code], `${event}: ${method} ${path}`).toEqual([401, "AUTH_UNAUTHENTICATED"]);
      }
      for (const [path, methods] of Object.entries(doc.paths)) {
        for (const method of ["get", "post", "put", "delete"].filter((verb) => !(verb in methods))) {
          const reply = await http(server, method.toUpperCase(), concrete(path), { token });
          expect([reply.status, reply.body.error.code], `${method} ${path}`).toEqual([404, "ROUTE_NOT_FOUND"]);
        }
      }
    });

    it("OpenAPI: one tag per domain, and per operation only the statuses it can answer, in a small document", async () => {
      const reply = await fetch(`${server.url}/api/openapi.json`);
      const text = await reply.text();
      // 208 KB for 53 operations on 2026-12-02 (loot tables, cluster, disconnect added); schemas are inline per operation.
      expect(text.length).toBeLessThanOrEqual(256 * 1024);
      const doc = JSON.parse(text);
      const tags = new Set(doc.tags.map((tag: { name: string }) => tag.name));
      const documented = (path: string, method: string, status: number): string => {
        const response = doc.paths[path][method].responses[String(status)];
        if (response === undefined) return "";
        const name = String(response.$ref).replace("#/components/responses/", "");
        return doc.components.responses[name].description;
      };
      for (const [path, methods] of Object.entries<Record<string, { operationId: string; tags: string[] }>>(doc.paths)) {
        for (const [method, operation] of Object.entries(methods)) {
          expect(operation.tags, operation.operationId).toEqual([operation.operationId.split(":")[0]]);
          expect(tags.has(operation.tags[0]), operation.operationId).toBe(true);
          // The SDK-only codes (CLIENT_CLOSED 499, CLIENT_TIMEOUT 504) never come over HTTP.
          expect(documented(path, method, 499) + documented(path, method, 504), operation.operationId).toBe("");
        }
      }
      expect(documented("/api/v1/items", "get", 409), "items:list cannot conflict").toBe("");

      // What real failing requests answer is documented for their operation, code and status.
      const alice = `oa-${newOpId().slice(0, 8)}`;
      await gm.call("players:create", { id: alice, opId: newOpId() });
      const failures: Array<{ method: "GET" | "POST"; path: string; doc: [string, string]; body?: unknown; auth?: boolean }> = [
        { method: "GET", path: "/api/v1/players/nobody-here", doc: ["/api/v1/players/{playerId}", "get"] },
        { method: "GET", path: `/api/v1/items/${"0".repeat(64)}`, doc: ["/api/v1/items/{id}", "get"] },
        { method: "GET", path: "/api/v1/kits", doc: ["/api/v1/kits", "get"], auth: false },
        {
          method: "POST",
          path: `/api/v1/players/${alice}/ops`,
          doc: ["/api/v1/players/{playerId}/ops", "post"],
          body: { opId: newOpId(), ops: [{ type: "debit", currency: "gold", amount: 5 }] },
        },
        { method: "POST", path: "/api/v1/players", doc: ["/api/v1/players", "post"], body: { id: alice, opId: newOpId() } },
        { method: "POST", path: "/api/v1/items", doc: ["/api/v1/items", "post"], body: { definition: { name: 7 } } },
      ];
      for (const failure of failures) {
        const answer = await http(server, failure.method, failure.path, {
          ...(failure.auth === false ? {} : { token }),
          ...(failure.body === undefined ? {} : { json: failure.body }),
        });
        expect(answer.status, failure.path).toBeGreaterThanOrEqual(400);
        expect(documented(...failure.doc, answer.status), `${failure.path} → ${answer.status}`).toContain(answer.body.error.code);
      }
    });

    it("GET /api/docs returns an HTML viewer whose assets are served", async () => {
      const reply = await http(server, "GET", "/api/docs");
      expect(reply.status).toBe(200);
      expect(reply.headers.get("content-type")).toMatch(/^text\/html/);
      // Its init script is a file of its own (the Content-Security-Policy allows no inline script).
      expect(await (await fetch(`${server.url}/api/docs/init.js`)).text()).toContain("/api/openapi.json");
      for (const asset of ["/api/docs/swagger-ui-bundle.js", "/api/docs/swagger-ui.css", "/api/docs/init.js"]) {
        expect(reply.body).toContain(asset);
        const response = await fetch(`${server.url}${asset}`);
        expect(response.status, asset).toBe(200);
        await response.arrayBuffer();
      }
    });
  });
});
