import type { ClientEventName } from "@hoard/protocol";
import type { z } from "zod";

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
