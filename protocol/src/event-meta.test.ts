import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type EventMeta, eventMeta, takesOpId } from "./event-meta.js";
import { type ClientEventName, clientEventNames, clientEvents, type HttpBinding } from "./events.js";

/**
 * The transport half of the event table against its schema half: every event has made its
 * decisions (mutation or not, REST route or none), and what a row says can be reached: its
 * opId flag matches the schema, its path and query fill fields the schema has, and a route
 * without a body carries every required field in its path or query.
 */

const shapeOf = (event: ClientEventName) => {
  const input = clientEvents[event].input as z.ZodType;
  return input instanceof z.ZodObject ? (input.shape as Record<string, z.ZodType>) : {};
};
const required = (event: ClientEventName) =>
  Object.entries(shapeOf(event))
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([name]) => name);
const routed = clientEventNames.flatMap((event) => {
  const http: HttpBinding | null = clientEvents[event].http;
  return http ? [{ event, http }] : [];
});

describe("the event table's transport rows", () => {
  it("every event, and only an event, has decided whether it is a mutation and whether it has a REST route", () => {
    expect(Object.keys(eventMeta).sort()).toEqual([...clientEventNames].sort());
    for (const event of clientEventNames) {
      const meta = eventMeta[event] as EventMeta;
      expect(typeof meta.mutation, event).toBe("boolean");
      const { http } = clientEvents[event] as { http?: unknown };
      expect(http === null || typeof http === "object", `${event}: http is a route or null`).toBe(true);
      if (!meta.mutation) expect(meta.opId, `${event}: only a mutation goes without an opId`).toBeUndefined();
    }
    expect(routed.length).toBeGreaterThan(0);
  });

  it("a mutation carries an opId exactly when its row says so (the SDK fills it by the row)", () => {
    const mismatched = clientEventNames.filter((event) => takesOpId(event) !== "opId" in shapeOf(event));
    expect(mismatched).toEqual([]);
  });

  it("each route's path parameters, query parameters and body field are fields of the event", () => {
    const strays = routed.flatMap(({ event, http }) => {
      const fields = shapeOf(event);
      const body = http.bodyField ? fields[http.bodyField] : undefined;
      // A body-field route's path parameters join that field (a kit's name).
      const pathFields = body instanceof z.ZodObject ? (body.shape as Record<string, unknown>) : fields;
      const missing = (names: string[], within: Record<string, unknown>) =>
        names.filter((name) => !(name in within)).map((name) => `${event}: ${name}`);
      return [
        ...missing(
          [...http.path.matchAll(/:(\w+)/g)].map((match) => match[1] as string),
          pathFields,
        ),
        ...missing(
          Object.keys(http.query ?? {}).map((name) => http.rename?.[name] ?? name),
          fields,
        ),
        ...missing(http.bodyField ? [http.bodyField] : [], fields),
      ];
    });
    expect(strays).toEqual([]);
  });

  it("a GET or DELETE carries every required field in its path or query (it has no body)", () => {
    const unreachable = routed.flatMap(({ event, http }) => {
      if (http.method === "post" || http.method === "put") return [];
      const carried = new Set([
        ...[...http.path.matchAll(/:(\w+)/g)].map((match) => match[1] as string),
        ...Object.keys(http.query ?? {}).map((name) => http.rename?.[name] ?? name),
      ]);
      return required(event)
        .filter((name) => !carried.has(name))
        .map((name) => `${event}: ${name}`);
    });
    expect(unreachable).toEqual([]);
  });

  it("no two routes share a method and a path (the router would only ever reach the first)", () => {
    const keys = routed.map(({ http }) => `${http.method} ${http.path.replace(/:\w+/g, ":")}`);
    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
  });
});
