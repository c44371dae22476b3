import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { type Ack, HoardError, httpStatusOf, type WireError } from "@hoard/protocol";
import express, { type NextFunction, type Request, type Response } from "express";
import helmet from "helmet";
import type { Principal, TokenService } from "../auth/tokens";
import type { Logger } from "../log";
import type { Dispatcher } from "./dispatch";
import type { StreamRoute } from "./http-route";
import type { Metrics } from "./metrics";
import { openApiDocument } from "./openapi";
import { etagOf, inputOf, type RestRoute, statusOf } from "./rest-routes";

export interface HttpDeps {
  /** The routes read off the event table (rest-routes.ts). */
  routes: readonly RestRoute[];
  /** Routes with a streamed body (bulk imports). */
  streamRoutes?: readonly StreamRoute[];
  dispatcher: Dispatcher;
  tokens: TokenService;
  metrics: Metrics;
  log: Logger;
  health: () => Record<string, unknown>;
  /** `ready` false answers 503; the other fields say what is degraded. */
  ready: () => { ready: boolean } & Record<string, unknown>;
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
  app.use(securityHeaders);
  // Player data, health and metrics are never cached; immutable item definitions say so themselves.
  app.use(["/api/v1", "/health", "/ready", "/metrics"], (_req, res, next) => {
    res.set("Cache-Control", "no-store");
    next();
  });
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
  // A body in any other type would be skipped by the JSON parser and the request handled as if
  // it had none: a PUT of a kit sent as text/plain emptied the kit.
  app.use((req, res, next) => {
    if (!methodsWithBody.has(req.method) || !hasBody(req) || req.is(["application/json", "application/*+json"])) next();
    else sendError(res, new HoardError("REQUEST_CONTENT_TYPE_UNSUPPORTED").toWire());
  });
  app.use(express.json({ limit: deps.maxPayloadBytes }));

  app.get("/health", (_req, res) => {
    res.json(deps.health());
  });
  app.get("/ready", (_req, res) => {
    const readiness = deps.ready();
    res.status(readiness.ready ? 200 : 503).json(readiness);
  });
  // Per-event figures and the node's id are for operators: an admin, viewer or server token
  // (Prometheus sends one with `authorization: { credentials: <token> }`), like every other API.
  // A viewer reads them: they change nothing and the console's Cluster page shows them.
  app.get("/metrics", async (req, res) => {
    const principal = await authenticate(req, res);
    if (!principal) return;
    if (principal.role === "player") {
      sendError(res, new HoardError("AUTH_FORBIDDEN", "metrics need an admin, viewer or server token").toWire());
      return;
    }
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  const openapi = openApiDocument({ routes: deps.routes, streamRoutes: deps.streamRoutes ?? [], version: deps.version });
  app.get("/api/openapi.json", (_req, res) => {
    res.json(openapi);
  });
  app.get("/api/docs", (_req, res) => {
    res.type("html").send(swaggerPage);
  });
  app.get("/api/docs/init.js", (_req, res) => {
    res.type("js").send(swaggerInit);
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
      const parts = { body: req.body, params: req.params as Record<string, string>, query: req.query as Record<string, unknown> };
      const reply = await deps.dispatcher.run(route.event, inputOf(route, parts), { principal }, "http");
      if (!reply.ok) {
        send(res, reply);
        return;
      }
      const tag = etagOf(route, reply.data);
      if (tag !== undefined) {
        const etag = `"${tag}"`;
        res.set({ ETag: etag, "Cache-Control": "public, max-age=31536000, immutable" });
        if (req.headers["if-none-match"] === etag) {
          res.status(304).end();
          return;
        }
      }
      send(res, reply, statusOf(route, reply.data));
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

const swaggerUiDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

const swaggerPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>Hoard API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`;

/** A script of its own, not inline: the Content-Security-Policy allows scripts from the node only. */
const swaggerInit = `SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#ui" });\n`;

const methodsWithBody = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Whether the request carries a body of at least one byte (an empty one has nothing to misread). */
function hasBody(req: Request): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/**
 * Helmet's headers on every response (the console, the API docs, REST). The policy is the one
 * the console and the API docs run under, checked in Chromium (test/browser/console-csp.test.ts):
 * scripts, styles, fonts and connections (the socket included) from the node itself, styles
 * also inline (the docs' and the charts' element styles), images also as data: URLs. No
 * upgrade-insecure-requests and no HSTS: a node speaks plain HTTP on localhost or behind the
 * proxy that terminates TLS, and that proxy decides about HSTS.
 */
const securityHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: true,
    directives: {
      "style-src": ["'self'", "'unsafe-inline'"],
      "font-src": ["'self'", "data:"],
      "upgrade-insecure-requests": null,
    },
  },
  strictTransportSecurity: false,
});
