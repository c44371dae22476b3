import { clientEvents, errorCodes } from "@hoard/protocol";
import { z } from "zod";
import type { HttpRoute, StreamRoute } from "./http-route";

const jsonSchema = (schema: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(schema, { io, unrepresentable: "any", target: "openapi-3.0" }) as Record<string, unknown>;

const errorBody = {
  type: "object",
  required: ["ok", "error"],
  properties: {
    ok: { type: "boolean", enum: [false] },
    error: {
      type: "object",
      required: ["code", "message"],
      properties: { code: { type: "string", enum: Object.keys(errorCodes) }, message: { type: "string" }, details: {} },
    },
  },
};

/** The success envelope around `output`, and one error envelope per status the registry uses. */
function responses(output: z.ZodType): Record<string, unknown> {
  const statuses = new Set(Object.values(errorCodes).map((entry) => String(entry.status)));
  const errors = Object.fromEntries(
    [...statuses].map((status) => [status, { description: "Error", content: { "application/json": { schema: errorBody } } }]),
  );
  return {
    "200": {
      description: "OK",
      content: {
        "application/json": {
          schema: {
            type: "object",
            required: ["ok", "data"],
            properties: { ok: { type: "boolean", enum: [true] }, data: jsonSchema(output, "output") },
          },
        },
      },
    },
    ...errors,
  };
}

/** OpenAPI 3 document built from the REST routes and the protocol's zod schemas. */
export function openApiDocument(options: {
  routes: readonly HttpRoute[];
  streamRoutes?: readonly StreamRoute[];
  version: string;
}): Record<string, unknown> {
  const { routes, version } = options;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, "{$1}");
    const pathParams = [...route.path.matchAll(/:(\w+)/g)].map((match) => ({
      name: match[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    const queryParams = Object.entries(route.query ?? {}).map(([name, type]) => ({
      name,
      in: "query",
      required: false,
      schema: { type: type === "int" ? "integer" : type === "number" ? "number" : "string" },
    }));
    paths[path] ??= {};
    paths[path][route.method] = {
      operationId: route.event,
      summary: route.summary,
      description: `Same as the socket event \`${route.event}\`.`,
      security: [{ bearer: [] }],
      parameters: [...pathParams, ...queryParams],
      ...(route.body
        ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(route.body, "input") } } } }
        : {}),
      responses: responses(clientEvents[route.event].output),
    };
  }
  for (const route of options.streamRoutes ?? []) {
    const query = jsonSchema(route.query, "input") as { properties?: Record<string, unknown> };
    const operations = paths[route.path] ?? {};
    paths[route.path] = operations;
    operations[route.method] = {
      operationId: route.name,
      summary: route.summary,
      description: "The body is streamed: one record per line, read and committed as it arrives.",
      security: [{ bearer: [] }],
      parameters: Object.entries(query.properties ?? {}).map(([name, schema]) => ({ name, in: "query", required: false, schema })),
      requestBody: {
        required: true,
        content: Object.fromEntries(route.accepts.map((type) => [type, { schema: { type: "string", description: "lines" } }])),
        description: `Each line: ${JSON.stringify(jsonSchema(route.line, "input"))}`,
      },
      responses: responses(route.output),
    };
  }
  return {
    openapi: "3.0.3",
    info: {
      title: "Hoard",
      version,
      description: "Real-time game-state server. Every REST route is also a Socket.IO event with the same schema and ack.",
    },
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } },
    paths,
  };
}
