import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectWith, disconnected, http, itemCount, snapshot, type World, world } from "../support/edge";
import { capturedLog, loud } from "../support/log";
import { connectRawWs } from "../support/raw-ws";
import { connectRaw, newOpId, type RawClient, startServer, type TestServer } from "../support/server";

/**
 * Bad input at the edge: every malformed request is refused with VALIDATION_FAILED (with the
 * issues), over the socket and over REST alike, and leaves the stored state exactly as it was.
 */

type Event = "inventory:apply" | "players:create" | "items:create";
type Json = Record<string, any>;

interface Case {
  name: string;
  event: Event;
  /** The socket payload (REST derives its path and body from it). */
  payload: (itemId: string) => unknown;
  /** REST body text when JSON.stringify of the derived body cannot say it (1e309 parses to Infinity). */
  restText?: (itemId: string) => string;
  only?: "socket" | "rest";
}

const TEN_KB = "x".repeat(10 * 1024);
const PLAYER = "alice";

/** Sets an own enumerable key, as JSON.parse does; an object literal's `__proto__` would set the prototype instead. */
function own<T extends object>(target: T, key: string, value: unknown): T {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

const grant = (itemId: string, patch: Json = {}): Json => ({ type: "grant", category: "bag", itemId, quantity: 1, ...patch });
const apply = (itemId: string, patch: Json = {}): Json => ({ playerId: PLAYER, opId: "validation-op-1", ops: [grant(itemId)], ...patch });
const withOp = (itemId: string, op: Json): Json => apply(itemId, { ops: [op] });
const without = (value: Json, key: string): Json => {
  const { [key]: _dropped, ...rest } = value;
  return rest;
};
const create = (patch: Json = {}): Json => ({ id: "newcomer", name: "New", class: "knight", opId: "validation-op-2", ...patch });
const sword = (patch: Json = {}): Json => ({ name: "Sword", kind: "weapon", value: 10, attributes: { damage: 5 }, ...patch });
const item = (patch: Json = {}): Json => ({ definition: sword(patch) });

function casesOf(event: Event, list: Array<Omit<Case, "event">>): Case[] {
  return list.map((c) => ({ ...c, event }));
}

const applyCases = casesOf("inventory:apply", [
  // wrong types
  { name: "playerId is a number", only: "socket", payload: (id) => apply(id, { playerId: 42 }) },
  { name: "opId is a number", payload: (id) => apply(id, { opId: 12345678 }) },
  { name: "ops is an object", payload: (id) => apply(id, { ops: {} }) },
  { name: "ops is a string", payload: (id) => apply(id, { ops: "grant" }) },
  { name: "an op is a string", payload: (id) => apply(id, { ops: ["grant"] }) },
  { name: "quantity is a string", payload: (id) => withOp(id, grant(id, { quantity: "1" })) },
  { name: "expectedVersion is a string", payload: (id) => apply(id, { expectedVersion: "3" }) },
  { name: "the payload is an array", payload: (id) => [apply(id)] },
  { name: "the payload is a string", only: "socket", payload: () => "grant me everything" },
  { name: "the payload is null", only: "socket", payload: () => null },
  // missing fields
  { name: "no opId", payload: (id) => without(apply(id), "opId") },
  { name: "no ops", payload: (id) => without(apply(id), "ops") },
  { name: "no playerId", only: "socket", payload: (id) => without(apply(id), "playerId") },
  { name: "an op without quantity", payload: (id) => withOp(id, without(grant(id), "quantity")) },
  { name: "an op without type", payload: (id) => withOp(id, without(grant(id), "type")) },
  { name: "an op without itemId", payload: (id) => withOp(id, without(grant(id), "itemId")) },
  // huge strings
  { name: "a 10 kB category", payload: (id) => withOp(id, grant(id, { category: TEN_KB })) },
  { name: "a 10 kB opId", payload: (id) => apply(id, { opId: TEN_KB }) },
  { name: "a 10 kB playerId", payload: (id) => apply(id, { playerId: TEN_KB }) },
  // extra keys
  { name: "an extra top-level key", payload: (id) => apply(id, { admin: true }) },
  { name: "an extra key in an op", payload: (id) => withOp(id, grant(id, { bonus: 100 })) },
  { name: "a __proto__ key at the top", payload: (id) => own(apply(id), "__proto__", { role: "admin" }) },
  { name: "a __proto__ key in an op", payload: (id) => withOp(id, own(grant(id), "__proto__", { quantity: 5 })) },
  // keys that would become object keys or operators
  { name: 'a currency named "$inc"', payload: (id) => withOp(id, { type: "credit", currency: "$inc", amount: 1 }) },
  { name: 'a currency named "__proto__"', payload: (id) => withOp(id, { type: "credit", currency: "__proto__", amount: 1 }) },
  { name: 'a currency named "constructor"', payload: (id) => withOp(id, { type: "debit", currency: "constructor", amount: 1 }) },
  { name: 'a category "$set"', payload: (id) => withOp(id, grant(id, { category: "$set" })) },
  { name: 'a category "__proto__"', payload: (id) => withOp(id, grant(id, { category: "__proto__" })) },
  { name: 'a category "constructor"', payload: (id) => withOp(id, grant(id, { category: "constructor" })) },
  { name: 'a stack key (itemId) "__proto__"', payload: (id) => withOp(id, grant(id, { itemId: "__proto__" })) },
  { name: 'a move to "__proto__"', payload: (id) => withOp(id, { type: "move", from: "bag", to: "__proto__", itemId: id, quantity: 1 }) },
  { name: 'a metric named "$where"', payload: (id) => withOp(id, { type: "setMetric", category: "bag", name: "$where", value: 1 }) },
  {
    name: 'a metric named "constructor"',
    payload: (id) => withOp(id, { type: "incrementMetric", category: "bag", name: "constructor", by: 1 }),
  },
  // quantities
  { name: "a fractional quantity", payload: (id) => withOp(id, grant(id, { quantity: 1.5 })) },
  { name: "a zero quantity", payload: (id) => withOp(id, grant(id, { quantity: 0 })) },
  { name: "a negative quantity", payload: (id) => withOp(id, grant(id, { quantity: -1 })) },
  { name: "a quantity above 1e12", payload: (id) => withOp(id, grant(id, { quantity: 1e12 + 1 })) },
  { name: "a quantity above MAX_SAFE_INTEGER", payload: (id) => withOp(id, grant(id, { quantity: Number.MAX_SAFE_INTEGER + 2 })) },
  { name: "a negative credit", payload: (id) => withOp(id, { type: "credit", currency: "gold", amount: -100 }) },
  { name: "a null quantity", payload: (id) => withOp(id, grant(id, { quantity: null })) },
  { name: 'a quantity "NaN"', payload: (id) => withOp(id, grant(id, { quantity: "NaN" })) },
  { name: 'a quantity "Infinity"', payload: (id) => withOp(id, grant(id, { quantity: "Infinity" })) },
  {
    name: "a quantity 1e309 (Infinity once parsed)",
    only: "rest",
    payload: (id) => apply(id),
    restText: (id) => `{"opId":"validation-op-1","ops":[{"type":"grant","category":"bag","itemId":"${id}","quantity":1e309}]}`,
  },
  {
    name: "a metric value 1e309 (Infinity once parsed)",
    only: "rest",
    payload: (id) => apply(id),
    restText: () => `{"opId":"validation-op-1","ops":[{"type":"setMetric","category":"bag","name":"level","value":1e309}]}`,
  },
  { name: 'a metric value "NaN"', payload: (id) => withOp(id, { type: "setMetric", category: "bag", name: "level", value: "NaN" }) },
  { name: "a negative capacity", payload: (id) => withOp(id, { type: "setCapacity", category: "bag", capacity: -1 }) },
  // ops arrays and op ids
  { name: "an empty ops array", payload: (id) => apply(id, { ops: [] }) },
  { name: "101 ops", payload: (id) => apply(id, { ops: Array.from({ length: 101 }, () => grant(id)) }) },
  { name: "an unknown op type", payload: (id) => withOp(id, grant(id, { type: "delete" })) },
  { name: "an opId too short", payload: (id) => apply(id, { opId: "short" }) },
  { name: "an empty opId", payload: (id) => apply(id, { opId: "" }) },
  { name: "an opId with spaces", payload: (id) => apply(id, { opId: "has spaces in it" }) },
  { name: "an opId of 101 characters", payload: (id) => apply(id, { opId: "o".repeat(101) }) },
  { name: "a negative expectedVersion", payload: (id) => apply(id, { expectedVersion: -1 }) },
  { name: "a fractional expectedVersion", payload: (id) => apply(id, { expectedVersion: 1.5 }) },
]);

const createCases = casesOf("players:create", [
  { name: "id is a number", payload: () => create({ id: 42 }) },
  { name: "id has a space", payload: () => create({ id: "new comer" }) },
  { name: "id is empty", payload: () => create({ id: "" }) },
  { name: 'id is "__proto__"', payload: () => create({ id: "__proto__" }) },
  { name: "a 10 kB id", payload: () => create({ id: TEN_KB }) },
  { name: "a 10 kB name", payload: () => create({ name: TEN_KB }) },
  { name: "an empty name", payload: () => create({ name: "" }) },
  { name: "name is a number", payload: () => create({ name: 7 }) },
  { name: 'a class "$set"', payload: () => create({ class: "$set" }) },
  { name: 'a class "constructor"', payload: () => create({ class: "constructor" }) },
  { name: "no opId", payload: () => without(create(), "opId") },
  { name: "an opId too short", payload: () => create({ opId: "abc" }) },
  { name: "an extra key (version)", payload: () => create({ version: 99 }) },
  { name: "an extra key (wallet)", payload: () => create({ wallet: { gold: 1_000_000 } }) },
  { name: "a __proto__ key", payload: () => own(create(), "__proto__", { wallet: { gold: 1 } }) },
  { name: "the payload is an array", payload: () => [create()] },
]);

const itemCases = casesOf("items:create", [
  { name: "no name", payload: () => ({ definition: without(sword(), "name") }) },
  { name: "name is a number", payload: () => item({ name: 5 }) },
  { name: "an empty name", payload: () => item({ name: "" }) },
  { name: "a 10 kB name", payload: () => item({ name: TEN_KB }) },
  { name: "a 10 kB kind", payload: () => item({ kind: TEN_KB }) },
  { name: "a 10 kB description", payload: () => item({ description: TEN_KB }) },
  { name: "a negative value", payload: () => item({ value: -1 }) },
  { name: "a value above 1e12", payload: () => item({ value: 1e13 }) },
  { name: "value is a string", payload: () => item({ value: "10" }) },
  { name: "value is null", payload: () => item({ value: null }) },
  {
    name: "a value 1e309 (Infinity once parsed)",
    only: "rest",
    payload: () => item(),
    restText: () => `{"name":"Sword","value":1e309}`,
  },
  { name: 'an attribute "$where"', payload: () => item({ attributes: { $where: "1 == 1" } }) },
  { name: 'an attribute "__proto__"', payload: () => item({ attributes: own({}, "__proto__", { admin: true }) }) },
  { name: 'an attribute "constructor"', payload: () => item({ attributes: { constructor: 1 } }) },
  { name: "an object attribute value", payload: () => item({ attributes: { damage: { min: 1 } } }) },
  { name: "a 10 kB attribute value", payload: () => item({ attributes: { lore: TEN_KB } }) },
  { name: "an extra key in the definition (id)", payload: () => item({ id: "0".repeat(64) }) },
  { name: "a __proto__ key in the definition", payload: () => ({ definition: own(sword(), "__proto__", { value: 1 }) }) },
  { name: "an extra top-level key", only: "socket", payload: () => ({ ...item(), created: true }) },
  { name: "definition is a string", only: "socket", payload: () => ({ definition: "Sword" }) },
  { name: "no definition", only: "socket", payload: () => ({}) },
]);

const cases = [...applyCases, ...createCases, ...itemCases];

/** The REST request for a socket payload: each event's route, with the path taken out of the body. */
function restOf(c: Case, itemId: string): { path: string; text: string } {
  const payload = c.payload(itemId) as Json;
  switch (c.event) {
    case "inventory:apply": {
      const playerId = typeof payload.playerId === "string" ? payload.playerId : PLAYER;
      const body = Array.isArray(payload) ? payload : without(payload, "playerId");
      return { path: `/api/v1/players/${encodeURIComponent(playerId)}/ops`, text: c.restText?.(itemId) ?? JSON.stringify(body) };
    }
    case "players:create":
      return { path: "/api/v1/players", text: c.restText?.(itemId) ?? JSON.stringify(payload) };
    case "items:create":
      return { path: "/api/v1/items", text: c.restText?.(itemId) ?? JSON.stringify(payload.definition) };
  }
}

function expectValidationFailed(reply: any): void {
  expect(reply).toMatchObject({ ok: false, error: { code: "VALIDATION_FAILED", message: expect.any(String) } });
  expect(reply.error.details.issues.length).toBeGreaterThan(0);
  for (const issue of reply.error.details.issues) expect(issue).toEqual({ path: expect.any(String), message: expect.any(String) });
}

describe("validation at the edge", () => {
  let server: TestServer;
  let w: World;
  let token: string;
  /** Everything a refused request could have touched. */
  const state = async () => ({
    players: await server.app.store.listPlayers({ limit: 10_000 }),
    alice: await snapshot(server, PLAYER),
    items: await itemCount(server),
  });
  let before: Awaited<ReturnType<typeof state>>;

  beforeAll(async () => {
    server = await startServer();
    w = await world(server);
    await w.player(PLAYER, { category: "bag", quantity: 5 });
    token = await server.token("server", "game");
    before = await state();
    expect(before.alice.player?.version).toBe(2);
    expect(before.alice.history).toHaveLength(2);
  });
  afterAll(async () => {
    w.close();
    await server.close();
  });

  describe("over the socket", () => {
    it.each(cases.filter((c) => c.only !== "rest"))("$event: $name → VALIDATION_FAILED, nothing changes", async (c) => {
      const reply = await w.gm.call(c.event, c.payload(w.itemId));
      expectValidationFailed(reply);
      expect(await state()).toEqual(before);
    });

    it("keeps a __proto__ key as an own key when sending it (so the cases above really send it)", () => {
      const payload = own({}, "__proto__", { role: "admin" });
      expect(JSON.stringify(payload)).toBe('{"__proto__":{"role":"admin"}}');
    });

    it("an emit with only an ack (no payload) → VALIDATION_FAILED", async () => {
      const reply = await w.gm.socket.timeout(5000).emitWithAck("players:create");
      expectValidationFailed(reply);
      expect(await state()).toEqual(before);
    });

    it("a 1 MB string drops the connection; the node survives and nothing changes", async () => {
      const client = await connectRaw(server.url, token);
      const payload = apply(w.itemId, { ops: [grant(w.itemId, { category: "x".repeat(1024 * 1024) })] });
      // A plain ack callback, not emitWithAck: that one rejects on the disconnect we expect.
      const outcome = await new Promise<any>((resolve) => {
        client.socket.once("disconnect", (reason) => resolve({ disconnected: reason }));
        client.socket.emit("inventory:apply", payload, (reply: unknown) => resolve(reply));
      });
      // HOARD_MAX_PAYLOAD_BYTES is 256 kB by default: the transport hangs up rather than parse 1 MB.
      expect(outcome).toEqual({ disconnected: expect.stringMatching(/^transport (close|error)$/) });
      client.close();
      expect(await state()).toEqual(before);
      // The node still serves others.
      expect((await http(server, "GET", "/health")).status).toBe(200);
      const again = await connectRaw(server.url, token);
      expect((await again.call("players:get", { playerId: PLAYER })).ok).toBe(true);
      again.close();
    });
  });

  describe("over REST", () => {
    it.each(cases.filter((c) => c.only !== "socket"))("$event: $name → 400 VALIDATION_FAILED, nothing changes", async (c) => {
      const { path, text } = restOf(c, w.itemId);
      if (c.name.includes("__proto__")) expect(text).toContain('"__proto__"');
      const reply = await http(server, "POST", path, { token, text });
      expect(reply.status).toBe(400);
      expectValidationFailed(reply.body);
      expect(await state()).toEqual(before);
    });

    it("a 1 MB string → 413 PAYLOAD_TOO_LARGE, nothing changes", async () => {
      const body = without(apply(w.itemId, { ops: [grant(w.itemId, { category: "x".repeat(1024 * 1024) })] }), "playerId");
      const reply = await http(server, "POST", `/api/v1/players/${PLAYER}/ops`, { token, json: body });
      expect(reply.status).toBe(413);
      expect(reply.body).toMatchObject({ ok: false, error: { code: "PAYLOAD_TOO_LARGE" } });
      expect(await state()).toEqual(before);
    });

    it("a body that is not JSON → 400 VALIDATION_FAILED, nothing changes", async () => {
      for (const text of ["{not json", '{"opId": "abcdefgh", "ops": [', "'single quotes'", '"a string"', "null"]) {
        const reply = await http(server, "POST", `/api/v1/players/${PLAYER}/ops`, { token, text });
        expect(reply.status, text).toBe(400);
        expect(reply.body, text).toMatchObject({ ok: false, error: { code: "VALIDATION_FAILED" } });
      }
      expect(await state()).toEqual(before);
    });

    it("a JSON body sent as text/plain is not read → 415 REQUEST_CONTENT_TYPE_UNSUPPORTED, nothing changes", async () => {
      const text = JSON.stringify(without(apply(w.itemId, { opId: newOpId() }), "playerId"));
      const reply = await http(server, "POST", `/api/v1/players/${PLAYER}/ops`, { token, text, headers: { "content-type": "text/plain" } });
      expect(reply).toMatchObject({ status: 415, body: { ok: false, error: { code: "REQUEST_CONTENT_TYPE_UNSUPPORTED" } } });
      expect(await state()).toEqual(before);
    });

    it("a bad query parameter → 400 VALIDATION_FAILED", async () => {
      for (const query of ["limit=abc", "limit=0", "limit=501", "limit=1.5", "sinceVersion=-1"]) {
        const reply = await http(server, "GET", `/api/v1/players/${PLAYER}/history?${query}`, { token });
        expect(reply.status, query).toBe(400);
        expectValidationFailed(reply.body);
      }
    });
  });

  describe("socket events", () => {
    let client: RawClient;
    beforeAll(async () => {
      client = await connectRaw(server.url, token);
    });
    afterAll(() => client.close());

    it.each(["inventory:delete", "Inventory:apply", "__proto__", "constructor", "hasOwnProperty", "x".repeat(1000)])(
      "an unknown event %# with an ack → EVENT_UNKNOWN",
      async (event) => {
        const reply = await client.socket.timeout(5000).emitWithAck(event, { playerId: PLAYER });
        expect(reply).toMatchObject({ ok: false, error: { code: "EVENT_UNKNOWN", message: expect.any(String) } });
        expect(reply.error.message.length).toBeLessThan(200);
      },
    );

    it("emits with no ack do not crash the node or the connection, and change nothing", async () => {
      const gone = disconnected(client.socket);
      client.socket.emit("inventory:apply");
      client.socket.emit("inventory:apply", { playerId: PLAYER, ops: "everything" });
      client.socket.emit("inventory:apply", apply(w.itemId, { opId: "x" }), "not a function");
      client.socket.emit("no:such:event", { playerId: PLAYER });
      client.socket.emit("no:such:event");
      // Replies come in order on one connection: once this one is back, the ones above were handled.
      expect(await client.call("players:get", { playerId: PLAYER })).toMatchObject({ ok: true, data: { player: { version: 2 } } });
      expect(client.socket.connected).toBe(true);
      expect(await Promise.race([gone, Promise.resolve("still connected")])).toBe("still connected");
      expect(await state()).toEqual(before);
      const other = await connectWith(server.url, { auth: { token } });
      expect(other.connected).toBe(true);
      other.close();
    });
  });

  // Last, because they change state: the same requests, fixed, are accepted.
  describe("controls", () => {
    it("the same payloads pass once fixed (the table is not refused for another reason)", async () => {
      const control = await connectRaw(server.url, token);
      expect((await control.call("items:create", item())).ok).toBe(true);
      expect((await control.call("players:create", create({ id: "control-socket", opId: newOpId() }))).ok).toBe(true);
      const applied = await control.call("inventory:apply", apply(w.itemId, { playerId: "control-socket", opId: newOpId() }));
      expect(applied).toMatchObject({ ok: true, data: { version: 2 } });
      control.close();
    });

    it("the same bodies pass once fixed (the table is not refused for another reason)", async () => {
      const created = await http(server, "POST", "/api/v1/players", { token, json: create({ id: "control-rest", opId: newOpId() }) });
      expect(created.status).toBe(201);
      const body = without(apply(w.itemId, { opId: newOpId() }), "playerId");
      const applied = await http(server, "POST", "/api/v1/players/control-rest/ops", { token, json: body });
      expect(applied).toMatchObject({ status: 200, body: { ok: true, data: { version: 2 } } });
      const defined = await http(server, "POST", "/api/v1/items", { token, json: sword({ name: "Control" }) });
      expect(defined.status).toBe(201);
    });
  });
});

describe("deep nesting (payloads nest at most MAX_PAYLOAD_DEPTH = 32 levels)", () => {
  let server: TestServer;
  let token: string;
  const captured = capturedLog();

  beforeAll(async () => {
    server = await startServer({ log: captured.log });
    token = await server.token("admin", "console");
  });
  afterAll(async () => {
    await server.close();
  });

  /** An item definition whose attributes nest `levels` objects (or arrays), with `bottom` innermost. */
  const deepDefinition = (levels: number, bottom: string, open = '{"a":', close = "}") =>
    `{"name":"Deep","kind":"weapon","attributes":${open.repeat(levels)}${bottom}${close.repeat(levels)}}`;
  const bodies = [
    { name: "5,000 levels of objects with __proto__ at the bottom", text: deepDefinition(5000, '{"__proto__":1}') },
    { name: "5,000 levels of objects", text: deepDefinition(5000, "1") },
    { name: "20,000 levels of arrays", text: deepDefinition(20_000, "1", "[", "]") },
    { name: "33 levels of objects (one past the bound) with __proto__ at the bottom", text: deepDefinition(30, '{"__proto__":1}') },
  ];

  it.each(bodies)("over the socket, $name → VALIDATION_FAILED, nothing stored, nothing logged above info", async ({ text }) => {
    // socket.io-client's encoder recurses and cannot send these: the frame is written by hand.
    const client = await connectRawWs(server.url, token);
    const items = await itemCount(server);
    client.emitText("items:create", `{"definition":${text}}`, 1);
    const [reply] = await client.ack(1);
    expectValidationFailed(reply);
    expect(await itemCount(server)).toBe(items);
    client.close();
    expect(loud(captured.lines)).toEqual([]);
  });

  it.each(bodies)("over REST, $name → 400 VALIDATION_FAILED, nothing stored, nothing logged above info", async ({ text }) => {
    const items = await itemCount(server);
    const reply = await http(server, "POST", "/api/v1/items", { token, text });
    expect(reply.status).toBe(400);
    expectValidationFailed(reply.body);
    expect(await itemCount(server)).toBe(items);
    expect(loud(captured.lines)).toEqual([]);
  });

  it("names where the nesting went too deep", async () => {
    const reply = await http(server, "POST", "/api/v1/items", { token, text: deepDefinition(40, "1") });
    const [issue] = reply.body.error.details.issues;
    expect(issue.message).toBe("nests deeper than 32 levels");
    // Depth 1 is the payload ({ definition }), 2 the definition, 3 its attributes; 30 levels of "a" reach 33.
    expect(issue.path).toBe(["definition", "attributes", ...Array(30).fill("a")].join("."));
  });
});
