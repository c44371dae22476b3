import { describe, expect, it } from "vitest";
import { canonicalJson, requestHash, sha256Hex } from "./canonical";

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
