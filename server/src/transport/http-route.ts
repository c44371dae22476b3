import type { ClientEventName } from "@hoard/protocol";
import type { z } from "zod";
import type { ActionContext, StreamRequest } from "../actions";
import type { Rule } from "../auth/policy";
import { parseInput } from "./dispatch";

export interface RequestParts {
  body: unknown;
  params: Record<string, string>;
  query: Record<string, unknown>;
}

/**
 * A REST route: a path onto one protocol event. The event's schema validates what `input`
 * builds, exactly as over the socket; by default input = body, then query, then path params.
 */
export interface HttpRoute {
  method: "get" | "post" | "put" | "delete";
  /** Express-style path, e.g. /api/v1/players/:playerId */
  path: string;
  event: ClientEventName;
  summary: string;
  /** Query parameters, and whether each is an integer or a number. */
  query?: Record<string, "int" | "number" | "string">;
  /** The body's schema, for OpenAPI (the event schema still validates). */
  body?: z.ZodType;
  input?: (parts: RequestParts) => unknown;
  /** Success status; a function of the output when it depends on it (201 for created). */
  status?: (data: unknown) => number;
  /** The response is immutable and its ETag is this function of the output. */
  etag?: (data: unknown) => string;
}

export function defaultInput({ body, params, query }: RequestParts): unknown {
  const base = body !== null && typeof body === "object" && !Array.isArray(body) ? body : {};
  return { ...base, ...query, ...params };
}

/**
 * A REST route whose body is streamed instead of parsed as one JSON document (bulk imports).
 * It is not a protocol event, but goes through the same token check, dispatcher guard
 * (shutdown, rate limit, error normalisation, metrics under `name`) and reply envelope.
 * Build one with `streamRoute`.
 */
export interface StreamRoute {
  method: "post" | "put";
  path: string;
  /** Its name in metrics and logs, e.g. stock:import. */
  name: string;
  summary: string;
  authorize: Rule<unknown>;
  /** The query's schema (validated before the body is read). */
  query: z.ZodType;
  /** Body media types, for OpenAPI; the first is the default. */
  accepts: readonly string[];
  /** The schema of one body line, for OpenAPI. */
  line: z.ZodType;
  output: z.ZodType;
  handle(ctx: ActionContext, request: StreamRequest<unknown>): Promise<unknown>;
}

export function streamRoute<Q extends z.ZodType>(
  route: Omit<StreamRoute, "query" | "handle"> & {
    query: Q;
    handle(ctx: ActionContext, request: StreamRequest<z.output<Q>>): Promise<unknown>;
  },
): StreamRoute {
  return {
    ...route,
    handle: (ctx, request) => route.handle(ctx, { ...request, query: parseInput(route.query, request.query) as z.output<Q> }),
  };
}
