import type { z } from "zod";
import type { ActionContext, StreamRequest } from "../actions";
import type { Rule } from "../auth/policy";
import { parseInput } from "./dispatch";

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
