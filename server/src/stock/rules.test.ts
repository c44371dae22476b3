import { dayNumber, HoardError, MAX_STOCK_COUNT, MAX_STOCK_PARTITIONS } from "@hoard/protocol";
import { describe, expect, it } from "vitest";
import type { DayCounts } from "./port";
import { planAcquire, planSell, stockTopics } from "./rules";

const D = dayNumber("2025-03-01") as number;

/** Builds stored counts: one object of partitions per day, starting at D. */
function counts(...days: Array<Record<string, number> | undefined>): DayCounts {
  const map = new Map<number, Map<string, number>>();
  days.forEach((partitions, i) => {
    if (partitions) map.set(D + i, new Map(Object.entries(partitions)));
  });
  return map;
}

function refusal(run: () => unknown): HoardError {
  try {
    run();
  } catch (error) {
    if (error instanceof HoardError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("planAcquire", () => {
  it("adds to one partition on every day, creating what is missing", () => {
    const writes = planAcquire(counts({ p0: 2, p1: 1 }, undefined, { p1: 4 }), { from: D, to: D + 2, partition: "p1", amount: 3 });
    expect(writes).toEqual([
      { day: D, partition: "p1", count: 4 },
      { day: D + 1, partition: "p1", count: 3 },
      { day: D + 2, partition: "p1", count: 7 },
    ]);
  });

  it("refuses to pass the largest count or the most partitions", () => {
    expect(refusal(() => planAcquire(counts({ p0: MAX_STOCK_COUNT }), { from: D, to: D, partition: "p0", amount: 1 }))).toMatchObject({
      code: "STOCK_LIMIT_EXCEEDED",
      details: { day: "2025-03-01" },
    });
    const full = Object.fromEntries(Array.from({ length: MAX_STOCK_PARTITIONS }, (_, i) => [`p${i}`, 1]));
    expect(planAcquire(counts(full), { from: D, to: D, partition: "p0", amount: 1 })).toHaveLength(1);
    expect(refusal(() => planAcquire(counts(full), { from: D, to: D, partition: "extra", amount: 1 })).code).toBe("STOCK_LIMIT_EXCEEDED");
  });
});

describe("planSell", () => {
  const sell = (over: { from?: number; to?: number; amount?: number; partition?: string; allowNegative?: boolean } = {}) => ({
    from: D,
    to: D,
    amount: 1,
    allowNegative: false,
    ...over,
  });

  it("takes from the partitions with units in name order", () => {
    const plan = planSell(counts({ b: 2, a: 1, c: 5, z: -1 }), sell({ amount: 4 }));
    expect(plan.short).toEqual([]);
    expect(plan.writes).toEqual([
      { day: D, partition: "b", count: 0 },
      { day: D, partition: "a", count: 0 },
      { day: D, partition: "c", count: 4 },
    ]);
  });

  it("takes from the named partition only", () => {
    const plan = planSell(counts({ a: 1, b: 3 }), sell({ amount: 2, partition: "b" }));
    expect(plan.writes).toEqual([{ day: D, partition: "b", count: 1 }]);
    expect(refusal(() => planSell(counts({ a: 5, b: 1 }), sell({ amount: 2, partition: "b" }))).code).toBe("STOCK_INSUFFICIENT");
  });

  it("refuses the whole range when one day is short, naming the days short", () => {
    const error = refusal(() => planSell(counts({ a: 2 }, { a: 1 }, undefined, { a: 3, b: -2 }), sell({ to: D + 3, amount: 2 })));
    expect(error.code).toBe("STOCK_INSUFFICIENT");
    expect(error.details).toEqual({
      amount: 2,
      shortDays: 3,
      short: [
        { day: "2025-03-02", available: 1 },
        { day: "2025-03-03", available: 0 },
        { day: "2025-03-04", available: 1 },
      ],
    });
  });

  it("lists at most 100 short days but counts them all", () => {
    const error = refusal(() => planSell(counts(), sell({ to: D + 149 })));
    expect(error.details).toMatchObject({ shortDays: 150 });
    expect((error.details as { short: unknown[] }).short).toHaveLength(100);
  });

  it("with allowNegative, takes what there is and the rest below zero from the first partition", () => {
    const plan = planSell(counts({ b: 1, a: 0 }, undefined), sell({ to: D + 1, amount: 3, allowNegative: true }));
    expect(plan.short).toEqual([
      { day: D, available: 1 },
      { day: D + 1, available: 0 },
    ]);
    expect(plan.writes).toEqual([
      { day: D, partition: "b", count: 0 },
      { day: D, partition: "a", count: -2 },
      { day: D + 1, partition: "default", count: -3 },
    ]);
  });

  it("with allowNegative and a partition, takes that partition below zero", () => {
    const plan = planSell(counts({ a: 5 }), sell({ amount: 2, partition: "b", allowNegative: true }));
    expect(plan.writes).toEqual([{ day: D, partition: "b", count: -2 }]);
    expect(plan.short).toEqual([{ day: D, available: 0 }]);
  });

  it("never goes below the lowest count", () => {
    expect(refusal(() => planSell(counts({ a: -MAX_STOCK_COUNT }), sell({ partition: "a", allowNegative: true }))).code).toBe(
      "STOCK_LIMIT_EXCEEDED",
    );
  });
});

describe("stockTopics", () => {
  it("is the key's topic and one prefix topic per whole-segment prefix, the key included", () => {
    expect(stockTopics("s1/c2/u3")).toEqual([
      "stock/s1/c2/u3",
      "stockprefix/",
      "stockprefix/s1",
      "stockprefix/s1/c2",
      "stockprefix/s1/c2/u3",
    ]);
    expect(stockTopics("solo")).toEqual(["stock/solo", "stockprefix/", "stockprefix/solo"]);
  });
});
