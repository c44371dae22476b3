import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { HoardError, httpStatusOf } from "@hoard/protocol";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Principal, TokenService } from "../auth/tokens";
import type { Logger } from "../log";
import type { Dispatcher } from "./dispatch";
import { defaultInput, type HttpRoute } from "./http-route";
import type { Metrics } from "./metrics";
import { openApiDocument } from "./openapi";

export interface HttpDeps {
  routes: readonly HttpRoute[];
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
  const openapi = openApiDocument(deps.routes, deps.version);
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
      let principal: Principal;
      try {
        principal = await deps.tokens.verify(bearer(req));
      } catch (error) {
        const wire = error instanceof HoardError ? error.toWire() : new HoardError("AUTH_UNAUTHENTICATED").toWire();
        res.status(httpStatusOf(wire.code)).json({ ok: false, error: wire });
        return;
      }
      const parts = { body: req.body, params: req.params as Record<string, string>, query: queryOf(req, route) };
      const reply = await deps.dispatcher.run(route.event, (route.input ?? defaultInput)(parts), { principal }, "http");
      if (!reply.ok) {
        res.status(httpStatusOf(reply.error.code)).json(reply);
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
      res.status(route.status?.(reply.data) ?? 200).json(reply);
    });
  }

  app.use((_req, res) => {
    res.status(404).json({ ok: false, error: new HoardError("ROUTE_NOT_FOUND").toWire() });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const type = (error as { type?: unknown }).type;
    const wire =
      type === "entity.too.large"
        ? new HoardError("PAYLOAD_TOO_LARGE").toWire()
        : type === "entity.parse.failed" || type === "encoding.unsupported" || type === "charset.unsupported"
          ? new HoardError("VALIDATION_FAILED", "the body is not valid JSON").toWire()
          : undefined;
    if (wire) {
      res.status(httpStatusOf(wire.code)).json({ ok: false, error: wire });
      return;
    }
    deps.log.error({ err: error }, "unhandled HTTP error");
    res.status(500).json({ ok: false, error: new HoardError("INTERNAL").toWire() });
  });
  return app;
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
