import { request } from "node:http";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
