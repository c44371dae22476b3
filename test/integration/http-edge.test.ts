import { request } from "node:http";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { http } from "../support/edge";
import { capturedLog, loud } from "../support/log";
import { startServer, type TestServer } from "../support/server";

/** What raw HTTP can send that fetch would not (a body with GET or HEAD, any Content-Encoding), and the reply. */
function raw(
  server: TestServer,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Buffer } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(server.url);
    // An explicit length: node sends a GET's body unframed otherwise.
    const length = options.body ? { "content-length": String(options.body.length) } : {};
    const req = request({ host: hostname, port, method, path, headers: { ...options.headers, ...length } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

const json = (text: string) => JSON.parse(text) as { ok: boolean; error?: { code: string } };

describe("malformed HTTP requests without a token: 400 with a typed error, logged at info at most", () => {
  let server: TestServer;
  const captured = capturedLog();

  beforeAll(async () => {
    server = await startServer({ log: captured.log });
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(["/api/v1/players/%zz", "/api/v1/players/%E0%A4%A", "/api/v1/players/%zz/history", "/api/v1/items/%"])(
    "GET and HEAD %s → 400 REQUEST_URL_MALFORMED",
    async (path) => {
      const get = await raw(server, "GET", path);
      expect(get.status).toBe(400);
      expect(json(get.text)).toEqual({ ok: false, error: { code: "REQUEST_URL_MALFORMED", message: expect.any(String) } });
      const head = await raw(server, "HEAD", path);
      expect(head.status).toBe(400);
      expect(loud(captured.lines)).toEqual([]);
    },
  );

  const notCompressed = Buffer.from('{"definition":{"name":"x"}}');
  it.each([
    ["gzip", "/api/v1/items", "POST"],
    ["deflate", "/api/v1/players", "POST"],
    ["br", "/api/v1/kits/starter", "PUT"],
    ["gzip", "/no/such/route", "POST"],
    ["deflate", "/health", "GET"],
    ["br", "/metrics", "GET"],
  ])("a body with Content-Encoding %s that does not decompress, %s %s → 400 REQUEST_BODY_UNREADABLE", async (encoding, path, method) => {
    const reply = await raw(server, method, path, {
      headers: { "content-type": "application/json", "content-encoding": encoding },
      body: notCompressed,
    });
    expect(reply.status).toBe(400);
    expect(json(reply.text)).toEqual({ ok: false, error: { code: "REQUEST_BODY_UNREADABLE", message: expect.any(String) } });
    expect(loud(captured.lines)).toEqual([]);
  });

  it.each([
    ["gzip", gzipSync],
    ["deflate", deflateSync],
    ["br", brotliCompressSync],
  ] as const)("a body that does decompress (%s) reaches authentication as usual → 401", async (encoding, compress) => {
    const reply = await raw(server, "POST", "/api/v1/items", {
      headers: { "content-type": "application/json", "content-encoding": encoding },
      body: compress(notCompressed),
    });
    expect(reply.status).toBe(401);
    expect(json(reply.text).error?.code).toBe("AUTH_UNAUTHENTICATED");
  });

  it("the refusals are logged once each, at info, with their code", () => {
    const codes = captured.lines.filter((line) => line.level === 30).map((line) => line.code);
    expect(codes).toContain("REQUEST_URL_MALFORMED");
    expect(codes).toContain("REQUEST_BODY_UNREADABLE");
    expect(loud(captured.lines)).toEqual([]);
  });
});

describe("/metrics, security headers, caching and body types", () => {
  let server: TestServer;
  let gm: string;

  beforeAll(async () => {
    server = await startServer({ consoleDir: inject("consoleDir") });
    gm = await server.token("server", "game");
    expect((await http(server, "POST", "/api/v1/players", { token: gm, json: { id: "alice", opId: "create-alice" } })).status).toBe(201);
  });
  afterAll(async () => {
    await server.close();
  });

  it("/metrics answers an admin or server token only: 401 without one, 403 to a player", async () => {
    expect(await http(server, "GET", "/metrics")).toMatchObject({
      status: 401,
      body: { ok: false, error: { code: "AUTH_UNAUTHENTICATED" } },
    });
    const player = await http(server, "GET", "/metrics", { token: await server.token("player", "alice") });
    expect(player).toMatchObject({ status: 403, body: { ok: false, error: { code: "AUTH_FORBIDDEN" } } });
    for (const role of ["admin", "server"] as const) {
      const reply = await http(server, "GET", "/metrics", { token: await server.token(role) });
      expect(reply.status).toBe(200);
      expect(reply.body).toContain("hoard_connections");
    }
  });

  it("the SDK's node.metrics() sends its token and reads them", async () => {
    const admin = await server.client("admin", "console");
    expect((await admin.node.metrics()).some((sample) => sample.name === "hoard_connections")).toBe(true);
  });

  it.each(["/console/", "/api/docs", "/api/v1/kits", "/api/v1/players/nobody", "/no/such/route"])(
    "%s carries helmet's security headers",
    async (path) => {
      const reply = await http(server, "GET", path, { token: gm });
      const csp = reply.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(reply.headers.get("x-content-type-options")).toBe("nosniff");
      expect(reply.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(reply.headers.get("referrer-policy")).toBe("no-referrer");
      expect(reply.headers.get("x-powered-by")).toBeNull();
    },
  );

  it("player data is Cache-Control: no-store; an immutable item definition keeps its long cache", async () => {
    for (const path of ["/api/v1/players/alice", "/api/v1/players/alice/history", "/api/v1/players/nobody", "/metrics"]) {
      expect((await http(server, "GET", path, { token: gm })).headers.get("cache-control"), path).toBe("no-store");
    }
    const created = await http(server, "POST", "/api/v1/items", { token: gm, json: { name: "Cached", kind: "misc" } });
    const item = await http(server, "GET", `/api/v1/items/${created.body.data.item.id}`, { token: gm });
    expect(item.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  });

  it("a JSON body sent as text/plain (or with no type) → 415 REQUEST_CONTENT_TYPE_UNSUPPORTED, and the kit is not emptied", async () => {
    const kit = { currencies: { gold: 5 } };
    expect((await http(server, "PUT", "/api/v1/kits/starter", { token: gm, json: kit })).status).toBe(200);
    for (const headers of [{ "content-type": "text/plain" }, { "content-type": "application/x-www-form-urlencoded" }]) {
      const reply = await http(server, "PUT", "/api/v1/kits/starter", { token: gm, text: JSON.stringify({}), headers });
      expect(reply).toMatchObject({ status: 415, body: { ok: false, error: { code: "REQUEST_CONTENT_TYPE_UNSUPPORTED" } } });
    }
    const untyped = await raw(server, "POST", "/api/v1/players", {
      headers: { authorization: `Bearer ${gm}` },
      body: Buffer.from('{"id":"bob"}'),
    });
    expect(untyped.status).toBe(415);
    expect((await http(server, "GET", "/api/v1/kits/starter", { token: gm })).body.data.kit).toMatchObject({
      name: "starter",
      currencies: { gold: 5 },
    });
  });
});

describe("HOARD_ALLOWED_ORIGINS=*", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ env: { HOARD_ALLOWED_ORIGINS: "*" } });
  });
  afterAll(async () => {
    await server.close();
  });

  it("a long-polling handshake from any origin is answered with Access-Control-Allow-Origin", async () => {
    const reply = await http(server, "GET", "/socket.io/?EIO=4&transport=polling", { headers: { origin: "http://anywhere.example" } });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("access-control-allow-origin")).toMatch(/^(\*|http:\/\/anywhere\.example)$/);
  });
});
