import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, requestHash, sha256Hex } from "./canonical";

/**
 * The fingerprint as it was first written (a sorted copy, JSON.stringify, createHash). Stored op
 * results hold fingerprints made this way: the direct writer must give the very same bytes.
 */
const before = {
  canonicalJson(value: unknown): string {
    return JSON.stringify(sortKeys(value));
  },
  requestHash(kind: string, input: { opId: string }): string {
    const { opId: _opId, ...rest } = input;
    return createHash("sha256").update(before.canonicalJson({ kind, rest })).digest("hex");
  },
};

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== undefined) sorted[key] = sortKeys(child);
    }
    return sorted;
  }
  return value;
}

/** Values of every shape a parsed request could hold, and stranger ones (undefined, -0, NaN, holes, `__proto__`, numeric keys). */
const anyValue = fc.anything({
  withNullPrototype: true,
  withSparseArray: true,
  withBoxedValues: true,
  withDate: true,
  // Keys that are array indices ("0", "10") sort unlike other keys; "01" and 2³²−1 are not indices.
  key: fc.oneof(
    fc.string(),
    fc.nat().map(String),
    fc.constantFrom("__proto__", "opId", "toString", "kind", "rest", "01", "-1", "4294967294", "4294967295", "1e3"),
  ),
});

describe("the direct writer is byte-identical to the sorted copy it replaces", () => {
  it("canonicalJson", () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        expect(canonicalJson(value)).toBe(before.canonicalJson(value));
      }),
      { numRuns: 2000 },
    );
  });

  it("requestHash", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.dictionary(fc.string(), anyValue), (kind, opId, rest) => {
        const input = { ...rest, opId };
        expect(requestHash(kind, input)).toBe(before.requestHash(kind, input));
      }),
      { numRuns: 2000 },
    );
  });

  it("requestHash of a real inventory:apply request", () => {
    const input = { opId: "0192f3a0c1d2e3f4a5b6c7d8e9f0a1b2", playerId: "alice", ops: [{ type: "grant", itemId: "sword", quantity: 1 }] };
    expect(requestHash("inventory:apply", input)).toBe(before.requestHash("inventory:apply", input));
  });
});

describe("canonicalJson", () => {
  it("serialises equal objects the same whatever their key order", () => {
    expect(canonicalJson({ b: 1, a: 2, c: 3 })).toBe(canonicalJson({ c: 3, a: 2, b: 1 }));
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it("sorts keys at every depth, including inside arrays", () => {
    const one = { outer: { z: { y: 1, x: 2 }, a: [{ k: 1, j: 2 }] }, first: true };
    const two = { first: true, outer: { a: [{ j: 2, k: 1 }], z: { x: 2, y: 1 } } };

    expect(canonicalJson(one)).toBe(canonicalJson(two));
    expect(canonicalJson(one)).toBe('{"first":true,"outer":{"a":[{"j":2,"k":1}],"z":{"x":2,"y":1}}}');
  });

  it("keeps the order of array elements", () => {
    expect(canonicalJson([3, 1, 2])).toBe("[3,1,2]");
    expect(canonicalJson({ list: ["b", "a"] })).not.toBe(canonicalJson({ list: ["a", "b"] }));
  });

  it("drops undefined properties, so an absent field and an undefined one hash the same", () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson({ nested: { gone: undefined, kept: null } })).toBe('{"nested":{"kept":null}}');
  });

  it("leaves scalars as JSON has them", () => {
    expect(canonicalJson("text")).toBe('"text"');
    expect(canonicalJson(null)).toBe("null");
    expect(canonicalJson(1.5)).toBe("1.5");
  });
});

describe("sha256Hex", () => {
  it("is the hex SHA-256 of the text", () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("requestHash", () => {
  const request = (opId: string, quantity: number) => ({
    opId,
    playerId: "alice",
    ops: [{ type: "credit", currency: "gold", amount: quantity }],
  });

  it("ignores the opId: the same request under two opIds has one hash", () => {
    expect(requestHash("inventory:apply", request("op-one-1234", 5))).toBe(requestHash("inventory:apply", request("op-two-5678", 5)));
  });

  it("differs when the request or its kind differs", () => {
    const base = requestHash("inventory:apply", request("op-one-1234", 5));

    expect(requestHash("inventory:apply", request("op-one-1234", 6))).not.toBe(base);
    expect(requestHash("players:create", request("op-one-1234", 5))).not.toBe(base);
  });

  it("does not depend on key order", () => {
    const one = { opId: "op-12345678", a: 1, b: { d: 2, c: 3 } };
    const two = { b: { c: 3, d: 2 }, a: 1, opId: "op-12345678" };

    expect(requestHash("k", one)).toBe(requestHash("k", two));
  });
});
