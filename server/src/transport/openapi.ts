import { clientEvents, type ErrorCode, errorCodes, takesOpId } from "@hoard/protocol";
import { z } from "zod";
import type { StreamRoute } from "./http-route";
import { bodySchemaOf, pathParamsOf, type RestRoute } from "./rest-routes";

const jsonSchema = (schema: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(schema, { io, unrepresentable: "any", target: "openapi-3.0" }) as Record<string, unknown>;

/**
 * One tag per domain (the part of the event name before the colon), and the registry prefixes
 * its operations can answer: what its service calls reach (a checkout runs the inventory rules,
 * so it can answer INVENTORY_ and WALLET_ codes).
 */
const domains: Record<string, { description: string; prefixes: readonly string[] }> = {
  items: { description: "Immutable, content-addressed item definitions", prefixes: ["ITEM_"] },
  kits: { description: "Named bundles of items and currency", prefixes: ["KIT_", "ITEM_", "LOOT_"] },
  loot: {
    description: "Loot tables (content-addressed, drawn by the server) and the replay of a logged draw",
    prefixes: ["LOOT_", "ITEM_", "PLAYER_", "INVENTORY_"],
  },
  players: {
    description: "Players: creation (with a class kit, or a random starter class) and reads",
    prefixes: ["PLAYER_", "KIT_", "ITEM_", "INVENTORY_", "WALLET_", "LOOT_"],
  },
  inventory: {
    description: "Atomic inventory and wallet operations (grantLoot draws from a loot table), history and resync",
    prefixes: ["PLAYER_", "ITEM_", "INVENTORY_", "WALLET_", "LOOT_"],
  },
  cart: { description: "A player's shop cart and checkout", prefixes: ["CART_", "SHOP_", "PLAYER_", "ITEM_", "INVENTORY_", "WALLET_"] },
  shop: { description: "The shop catalog: prices and sales", prefixes: ["SHOP_", "ITEM_"] },
  trades: {
    description: "Offers between players and server-run trades",
    prefixes: ["TRADE_", "PLAYER_", "ITEM_", "INVENTORY_", "WALLET_"],
  },
  economy: { description: "Analytics over trades and inventories", prefixes: [] },
  presence: { description: "Who is online where, and mode popularity", prefixes: ["PRESENCE_"] },
  stock: { description: "Per-day stock counters: acquire, sell, partitions, bulk import", prefixes: ["STOCK_"] },
  cluster: { description: "The nodes of the cluster and the connections of a caller (admin, viewer)", prefixes: [] },
};

/** What any REST operation can answer, whatever its domain (the SDK-only codes never come over HTTP). */
const everywhere: readonly ErrorCode[] = [
  "VALIDATION_FAILED",
  "AUTH_UNAUTHENTICATED",
  "AUTH_TOKEN_EXPIRED",
  "AUTH_FORBIDDEN",
  "RATE_LIMITED",
  "INTERNAL",
  "SERVER_SHUTTING_DOWN",
  "STORE_UNAVAILABLE",
  "REQUEST_URL_MALFORMED",
];
const withBody: readonly ErrorCode[] = ["PAYLOAD_TOO_LARGE", "REQUEST_BODY_UNREADABLE", "REQUEST_CONTENT_TYPE_UNSUPPORTED"];
const mutation: readonly ErrorCode[] = ["OP_ID_REUSED", "OP_ID_EXPIRED"];

const allCodes = Object.keys(errorCodes) as ErrorCode[];

/** The error codes an operation can answer, in registry order. */
function errorCodesOf(name: string, options: { body: boolean; mutation: boolean }): ErrorCode[] {
  const prefixes = domains[domainOf(name)]?.prefixes ?? [];
  const codes = new Set<ErrorCode>([
    ...everywhere,
    ...(options.body ? withBody : []),
    ...(options.mutation ? mutation : []),
    ...allCodes.filter((code) => prefixes.some((prefix) => code.startsWith(prefix))),
  ]);
  return allCodes.filter((code) => codes.has(code));
}

function domainOf(name: string): string {
  return name.split(":")[0] ?? name;
}

/**
 * One error response per status the operation can answer, its codes listed with one example.
 * Operations of a domain share most of them, so each distinct response is written once, under
 * components, and referenced.
 */
function errorResponses(codes: readonly ErrorCode[], shared: Record<string, unknown>): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = errorCodes[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, group]) => {
      const first = group[0] as ErrorCode;
      const name = group.join(".");
      shared[name] ??= {
        description: group.join(", "),
        content: {
          "application/json": {
            schema: { $ref: "#/components/schemas/ErrorReply" },
            example: { ok: false, error: { code: first, message: errorCodes[first].message } },
          },
        },
      };
      return [String(status), { $ref: `#/components/responses/${name}` }];
    }),
  );
}

function okResponse(output: z.ZodType): Record<string, unknown> {
  return {
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
  };
}

/** OpenAPI 3 document built from the REST routes (the event table's) and the protocol's zod schemas. */
export function openApiDocument(options: {
  routes: readonly RestRoute[];
  streamRoutes?: readonly StreamRoute[];
  version: string;
}): Record<string, unknown> {
  const { routes, version } = options;
  const paths: Record<string, Record<string, unknown>> = {};
  const responses: Record<string, unknown> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, "{$1}");
    const pathParams = pathParamsOf(route).map((name) => ({
      name,
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
    const event = clientEvents[route.event];
    const body = bodySchemaOf(route);
    paths[path] ??= {};
    paths[path][route.method] = {
      operationId: route.event,
      tags: [domainOf(route.event)],
      summary: route.summary,
      description: `Same as the socket event \`${route.event}\`.`,
      security: [{ bearer: [] }],
      parameters: [...pathParams, ...queryParams],
      ...(body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(body, "input") } } } } : {}),
      responses: {
        "200": okResponse(event.output),
        ...errorResponses(errorCodesOf(route.event, { body: body !== undefined, mutation: takesOpId(route.event) }), responses),
      },
    };
  }
  for (const route of options.streamRoutes ?? []) {
    const query = jsonSchema(route.query, "input") as { properties?: Record<string, unknown> };
    const operations = paths[route.path] ?? {};
    paths[route.path] = operations;
    operations[route.method] = {
      operationId: route.name,
      tags: [domainOf(route.name)],
      summary: route.summary,
      description: "The body is streamed: one record per line, read and committed as it arrives.",
      security: [{ bearer: [] }],
      parameters: Object.entries(query.properties ?? {}).map(([name, schema]) => ({ name, in: "query", required: false, schema })),
      requestBody: {
        required: true,
        content: Object.fromEntries(route.accepts.map((type) => [type, { schema: { type: "string", description: "lines" } }])),
        description: `Each line: ${JSON.stringify(jsonSchema(route.line, "input"))}`,
      },
      responses: {
        "200": okResponse(route.output),
        ...errorResponses(errorCodesOf(route.name, { body: true, mutation: true }), responses),
      },
    };
  }
  return {
    openapi: "3.0.3",
    info: {
      title: "Hoard",
      version,
      description: "Real-time game-state server. Every REST route is also a Socket.IO event with the same schema and ack.",
    },
    tags: Object.entries(domains).map(([name, { description }]) => ({ name, description })),
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      responses,
      schemas: {
        ErrorReply: {
          type: "object",
          required: ["ok", "error"],
          properties: {
            ok: { type: "boolean", enum: [false] },
            error: {
              type: "object",
              required: ["code", "message"],
              properties: { code: { type: "string", enum: allCodes }, message: { type: "string" }, details: {} },
            },
          },
        },
      },
    },
    paths,
  };
}
