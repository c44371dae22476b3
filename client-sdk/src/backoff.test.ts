import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.js";

describe("backoffDelay", () => {
  it("doubles from the initial delay up to the cap, within the upper half of each step", () => {
    const bounds = { initialDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4, 40].map((attempt) => backoffDelay(attempt, bounds, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([0, 1, 2, 3, 4, 40].map((attempt) => backoffDelay(attempt, bounds, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it("never waits longer than the cap, whatever the attempt or the defaults", () => {
    for (let attempt = 0; attempt < 100; attempt++) expect(backoffDelay(attempt)).toBeLessThanOrEqual(2000);
    expect(backoffDelay(0, { initialDelayMs: 5000, maxDelayMs: 10 }, () => 1)).toBe(5000);
  });
});
