import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { type Ack, HoardError, httpStatusOf, type WireError } from "@hoard/protocol";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Principal, TokenService } from "../auth/tokens";
import type { Logger } from "../log";
import type { Dispatcher } from "./dispatch";
import { defaultInput, type HttpRoute, type StreamRoute } from "./http-route";
import type { Metrics } from "./metrics";
import { openApiDocument } from "./openapi";

export interface HttpDeps {
  routes: readonly HttpRoute[];
  /** Routes with a streamed body (bulk imports). */
  streamRoutes?: readonly StreamRoute[];
  dispatcher: Dispatcher;
  tokens: TokenService;
  metrics: Metrics;
  log: Logger;
  health: () => Record<string, unknown>;
  ready: () => boolean;
  version: string;
  maxPayloadBytes: number;
  /** The built web console (served at /console), if there is one. */
  consoleDir: string;
}

/** Express app: REST routes onto the dispatcher, health, readiness, metrics, OpenAPI, the console. */
export function createHttpApp(deps: HttpDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  // Before the JSON parser: these read their body as a stream, however long it is.
  for (const route of deps.streamRoutes ?? []) {
    app[route.method](route.path, async (req: Request, res: Response) => {
      const principal = await authenticate(req, res);
      if (!principal) return;
      const ctx = { principal };
      const reply = await deps.dispatcher.guard(route.name, ctx, "http", () => {
        route.authorize(principal, undefined);
        return route.handle(ctx, { query: req.query, contentType: req.headers["content-type"] ?? "", body: req });
      });
      send(res, reply);
    });
  }
  app.use(express.json({ limit: deps.maxPayloadBytes }));

  app.get("/health", (_req, res) => {
    res.json(deps.health());
  });
  app.get("/ready", (_req, res) => {
    const ready = deps.ready();
    res.status(ready ? 200 : 503).json({ ready });
  });
  app.get("/metrics", async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  const openapi = openApiDocument({ routes: deps.routes, streamRoutes: deps.streamRoutes ?? [], version: deps.version });
  app.get("/api/openapi.json", (_req, res) => {
    res.json(openapi);
  });
  app.get("/api/docs", (_req, res) => {
    res.type("html").send(swaggerPage);
  });
  app.use("/api/docs", express.static(swaggerUiDir, { index: false }));

  if (existsSync(deps.consoleDir)) app.use("/console", express.static(deps.consoleDir));
  app.get("/", (_req, res) => {
    res.redirect("/console/");
  });

  for (const route of deps.routes) {
    app[route.method](route.path, async (req: Request, res: Response) => {
      const principal = await authenticate(req, res);
      if (!principal) return;
      const parts = { body: req.body, params: req.params as Record<string, string>, query: queryOf(req, route) };
      const reply = await deps.dispatcher.run(route.event, (route.input ?? defaultInput)(parts), { principal }, "http");
      if (!reply.ok) {
        send(res, reply);
        return;
      }
      if (route.etag) {
        const etag = `"${route.etag(reply.data)}"`;
        res.set({ ETag: etag, "Cache-Control": "public, max-age=31536000, immutable" });
        if (req.headers["if-none-match"] === etag) {
          res.status(304).end();
          return;
        }
      }
      send(res, reply, route.status?.(reply.data) ?? 200);
    });
  }

  app.use((_req, res) => {
    sendError(res, new HoardError("ROUTE_NOT_FOUND").toWire());
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const wire = clientErrorOf(error);
    if (wire) {
      // The client's mistake, found before any route ran (and so before authentication).
      deps.log.info({ code: wire.code, method: req.method, path: req.path }, wire.message);
      sendError(res, wire);
      return;
    }
    deps.log.error({ err: error }, "unhandled HTTP error");
    sendError(res, new HoardError("INTERNAL").toWire());
  });
  return app;

  /** The caller's principal from the bearer token, or undefined once a 401 has been sent. */
  async function authenticate(req: Request, res: Response): Promise<Principal | undefined> {
    try {
      return await deps.tokens.verify(bearer(req));
    } catch (error) {
      sendError(res, error instanceof HoardError ? error.toWire() : new HoardError("AUTH_UNAUTHENTICATED").toWire());
      return undefined;
    }
  }
}

/**
 * The typed error for what express and its body parser refuse before a route runs, or
 * undefined for anything else (a fault of the node). Only the parser's errors carry a `type`;
 * the router marks a path parameter it cannot percent-decode as a URIError with status 400.
 */
function clientErrorOf(error: unknown): WireError | undefined {
  const { type, status } = error as { type?: unknown; status?: unknown };
  if (type === "entity.too.large") return new HoardError("PAYLOAD_TOO_LARGE").toWire();
  if (type === "entity.parse.failed" || type === "encoding.unsupported" || type === "charset.unsupported")
    return new HoardError("VALIDATION_FAILED", "the body is not valid JSON").toWire();
  if (error instanceof URIError && status === 400) return new HoardError("REQUEST_URL_MALFORMED").toWire();
  // A body that does not decompress (Content-Encoding gzip, deflate or br) or was cut short: the
  // parser wraps the stream's error with status 400 and no type of its own.
  if (typeof status === "number" && status >= 400 && status < 500) return new HoardError("REQUEST_BODY_UNREADABLE").toWire();
  return undefined;
}

/** The one reply envelope: the ack as the body, the error's status from the registry. */
function send(res: Response, reply: Ack<unknown>, status = 200): void {
  res.status(reply.ok ? status : httpStatusOf(reply.error.code)).json(reply);
}

function sendError(res: Response, error: WireError): void {
  send(res, { ok: false, error });
}

function bearer(req: Request): string {
  const header = req.headers.authorization;
  if (typeof header === "string" && header.startsWith("Bearer ")) return header.slice(7);
  throw new HoardError("AUTH_UNAUTHENTICATED", "send Authorization: Bearer <token>");
}

/** Only the route's declared query parameters; integers and numbers converted when they look like one. */
function queryOf(req: Request, route: HttpRoute): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(route.query ?? {})) {
    const value = req.query[name];
    if (value === undefined) continue;
    const numeric = type === "int" ? /^-?\d+$/ : type === "number" ? /^-?\d+(\.\d+)?$/ : undefined;
    out[name] = numeric && typeof value === "string" && numeric.test(value) ? Number(value) : value;
  }
  return out;
}

const swaggerUiDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

const swaggerPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>Hoard API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/api/docs/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#ui" });</script></body></html>`;
