import { type ClientEventName, clientEventNames, clientEvents, type HttpBinding, type ParamKind } from "@hoard/protocol";
import { z } from "zod";

/**
 * The REST surface, read off the protocol's event table: one route per event whose row has an
 * `http` binding. Everything a route does differently (a body that is one field of the input,
 * a renamed query parameter, a numeric path parameter, a status chosen by the output, an ETag)
 * is data in that row and is applied here, once, for the router and OpenAPI alike.
 */
export interface RestRoute extends HttpBinding {
  event: ClientEventName;
}

export interface RequestParts {
  body: unknown;
  params: Record<string, string>;
  query: Record<string, unknown>;
}

export const restRoutes: readonly RestRoute[] = clientEventNames.flatMap((event) => {
  const http: HttpBinding | null = clientEvents[event].http;
  return http ? [{ ...http, event }] : [];
});

export function pathParamsOf(route: RestRoute): string[] {
  return [...route.path.matchAll(/:(\w+)/g)].map((match) => match[1] as string);
}

/** POST and PUT read a JSON body; GET and DELETE take everything from the path and the query. */
export function hasBody(route: RestRoute): boolean {
  return route.method === "post" || route.method === "put";
}

/**
 * The body's schema, for OpenAPI (the event's own schema still validates): the input, or its
 * `bodyField`, less what the path and the query carry.
 */
export function bodySchemaOf(route: RestRoute): z.ZodType | undefined {
  if (!hasBody(route)) return undefined;
  const input = clientEvents[route.event].input as z.ZodType;
  const schema = route.bodyField ? (shapeOf(input)?.[route.bodyField] as z.ZodType) : input;
  const elsewhere = [...pathParamsOf(route), ...(route.bodyField ? [] : Object.keys(route.query ?? {}))];
  const shape = shapeOf(schema);
  const omitted = elsewhere.filter((name) => shape !== undefined && name in shape);
  // The mask's keys are only known at run time; the filter above keeps them to the shape's.
  return omitted.length === 0 ? schema : (schema as z.ZodObject).omit(Object.fromEntries(omitted.map((name) => [name, true])) as never);
}

function shapeOf(schema: z.ZodType): Record<string, unknown> | undefined {
  return schema instanceof z.ZodObject ? schema.shape : undefined;
}

/**
 * The event's payload from a request: body, then query, then path parameters (a `bodyField`
 * route puts the body, with the path parameters, under that field). Only the declared query
 * parameters are read, numbers converted when they look like one; the schema judges the rest.
 */
export function inputOf(route: RestRoute, { body, params, query }: RequestParts): unknown {
  const path = convert(params, route.params ?? {}, pathParamsOf(route));
  const declared = convert(query, route.query ?? {}, Object.keys(route.query ?? {}));
  const fields = Object.fromEntries(Object.entries(declared).map(([name, value]) => [route.rename?.[name] ?? name, value]));
  const base = body !== null && typeof body === "object" && !Array.isArray(body) ? body : {};
  if (route.bodyField) return { ...fields, [route.bodyField]: pathParamsOf(route).length === 0 ? body : { ...base, ...path } };
  return { ...base, ...fields, ...path };
}

function convert(values: Record<string, unknown>, kinds: Readonly<Record<string, ParamKind>>, names: string[]) {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const value = values[name];
    if (value === undefined) continue;
    const kind = kinds[name] ?? "string";
    const numeric = kind === "int" ? /^-?\d+$/ : kind === "number" ? /^-?\d+(\.\d+)?$/ : undefined;
    out[name] = numeric && typeof value === "string" && numeric.test(value) ? Number(value) : value;
  }
  return out;
}

/** The success status: fixed, or chosen by a boolean field of the output (201 when created). */
export function statusOf(route: RestRoute, data: unknown): number {
  const { status } = route;
  if (status === undefined || typeof status === "number") return status ?? 200;
  return (data as Record<string, unknown>)[status.field] === true ? status.whenTrue : status.whenFalse;
}

/** The ETag of an immutable response, or undefined for a route whose answers change. */
export function etagOf(route: RestRoute, data: unknown): string | undefined {
  return route.etag === undefined ? undefined : String((data as Record<string, unknown>)[route.etag]);
}
