import { OpId } from "@hoard/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { newOpId } from "./op-id.js";

describe("newOpId", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is 32 lower-case hex digits, a valid op id", () => {
    const opId = newOpId();
    expect(opId).toMatch(/^[0-9a-f]{32}$/);
    expect(OpId.safeParse(opId).success).toBe(true);
  });

  it("starts with the time, so later ids sort after earlier ones", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-01-01T00:00:00.000Z"));
    const earlier = Array.from({ length: 50 }, newOpId);
    vi.setSystemTime(new Date("2026-01-01T00:00:00.001Z"));
    const later = Array.from({ length: 50 }, newOpId);
    expect(earlier[0]?.slice(0, 12)).toBe(Date.parse("2026-01-01T00:00:00.000Z").toString(16).padStart(12, "0"));
    for (const a of earlier) for (const b of later) expect(a < b).toBe(true);
  });

  it("does not repeat within one millisecond", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-01-01T00:00:00.000Z"));
    const ids = Array.from({ length: 10_000 }, newOpId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
