import { describe, expect, it } from "vitest";
import * as client from "./client.js";
import * as everything from "./index.js";

describe("the zod-free client entry", () => {
  it("exports no schema at run time: every value it exports is plain code or data", () => {
    const schemas = Object.entries(client).filter(([, value]) => typeof value === "object" && value !== null && "_zod" in value);
    expect(schemas.map(([name]) => name)).toEqual([]);
    // The names clients use are there, and are the very values the server's entry exports.
    expect([
      client.HoardError,
      client.errorCodes,
      client.topicOf,
      client.SUSPICIOUS_TRADES_KEY,
      client.dayNumber,
      client.applyChanges,
    ]).toEqual([
      everything.HoardError,
      everything.errorCodes,
      everything.topicOf,
      everything.SUSPICIOUS_TRADES_KEY,
      everything.dayNumber,
      everything.applyChanges,
    ]);
  });

  it("leaves the schemas to the main entry", () => {
    expect("Player" in client).toBe(false);
    expect("_zod" in everything.Player).toBe(true);
  });
});
