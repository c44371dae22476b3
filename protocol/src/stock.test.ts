import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dayNumber, dayOfNumber, daysBetween } from "./days.js";
import { Topic } from "./push.js";
import {
  DEFAULT_PARTITION,
  isStockKey,
  MAX_STOCK_RANGE_DAYS,
  StockKeyPrefix,
  StockListInput,
  StockSellInput,
  StockSetPartitionsInput,
} from "./stock.js";
import { parseTopic } from "./topics.js";

const sale = (overrides: Record<string, unknown> = {}) => ({
  key: "supplier1/component1234/unit6",
  from: "2025-01-01",
  to: "2025-01-31",
  opId: "op-0000001",
  ...overrides,
});

describe("stock days", () => {
  it("numbers days from 1970-01-01", () => {
    expect(dayNumber("1970-01-01")).toBe(0);
    expect(dayNumber("1970-01-02")).toBe(1);
    expect(dayNumber("2000-03-01")).toBe(11017);
  });

  it.each([
    ["2024-02-29", true], // leap year
    ["2000-02-29", true], // divisible by 400
    ["2023-02-29", false],
    ["1900-02-28", false], // before 1970
    ["2100-02-29", false], // divisible by 100, not 400
    ["2024-04-31", false],
    ["2024-13-01", false],
    ["2024-00-10", false],
    ["2024-01-00", false],
    ["2024-1-1", false],
    ["20240101", false],
    ["2024-01-01T00:00", false],
    [" 2024-01-01", false],
  ])("%s is a calendar day: %s", (day, valid) => {
    expect(dayNumber(day) !== undefined).toBe(valid);
  });

  it("dayOfNumber is the inverse of dayNumber", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_932_896 }), (day) => {
        expect(dayNumber(dayOfNumber(day))).toBe(day);
      }),
    );
  });

  it("lists the days of a range across a month and a leap day", () => {
    expect(daysBetween("2024-02-27", "2024-03-01")).toEqual(["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01"]);
    expect(daysBetween("2024-03-01", "2024-02-27")).toEqual([]);
  });
});

describe("stock ranges", () => {
  it("accepts a one-day range and the longest range", () => {
    expect(StockSellInput.safeParse(sale({ from: "2025-01-01", to: "2025-01-01" })).success).toBe(true);
    const last = dayOfNumber((dayNumber("2025-01-01") as number) + MAX_STOCK_RANGE_DAYS - 1);
    expect(StockSellInput.safeParse(sale({ to: last })).success).toBe(true);
  });

  it("refuses a range that ends before it starts or is too long", () => {
    const backwards = StockSellInput.safeParse(sale({ from: "2025-01-02", to: "2025-01-01" }));
    expect(backwards.error?.issues[0]).toMatchObject({ path: ["to"], message: "to must not be before from" });
    const last = dayOfNumber((dayNumber("2025-01-01") as number) + MAX_STOCK_RANGE_DAYS);
    expect(StockSellInput.safeParse(sale({ to: last })).error?.issues[0]?.message).toMatch(/at most 3660 days/);
    expect(StockListInput.safeParse({ from: "2025-01-01", to: "2025-04-02" }).success).toBe(true);
    expect(StockListInput.safeParse({ from: "2025-01-01", to: "2025-04-03" }).success).toBe(false);
  });

  it("refuses a date that is not on the calendar", () => {
    expect(StockSellInput.safeParse(sale({ from: "2025-02-29", to: "2025-03-01" })).error?.issues[0]?.path).toEqual(["from"]);
  });

  it("sells one unit unless told otherwise", () => {
    expect(StockSellInput.parse(sale()).amount).toBe(1);
  });
});

describe("stock keys, partitions and topics", () => {
  it.each([
    ["supplier1/component1234/unit6", true],
    ["a", true],
    ["SKU-12.b_3/x", true],
    ["a/b/c/d/e/f/g/h", true],
    ["a/b/c/d/e/f/g/h/i", false], // 9 segments
    ["/a", false],
    ["a/", false],
    ["a//b", false],
    ["../etc", false],
    ["_a", false],
    ["a b", false],
    ["a/$where", false],
    [`a/${"x".repeat(64)}`, true],
    [`a/${"x".repeat(65)}`, false],
    ["x".repeat(129), false],
  ])("%s is a key: %s", (key, valid) => {
    expect(isStockKey(key)).toBe(valid);
  });

  it("takes whole segments as a prefix, or nothing", () => {
    expect(StockKeyPrefix.safeParse("").success).toBe(true);
    expect(StockKeyPrefix.safeParse("supplier1").success).toBe(true);
    expect(StockKeyPrefix.safeParse("supplier1/").success).toBe(false);
  });

  it("refuses partition names that could reach a prototype, and negative set counts", () => {
    const set = (partitions: unknown) => StockSetPartitionsInput.safeParse(sale({ partitions })).success;
    expect(set({ p0: 1, [DEFAULT_PARTITION]: 0 })).toBe(true);
    // zod drops a `__proto__` key: it never becomes a partition nor reaches a prototype.
    const parsed = StockSetPartitionsInput.parse(sale({ partitions: JSON.parse('{"__proto__": 1, "p0": 2}') }));
    expect(Object.keys(parsed.partitions)).toEqual(["p0"]);
    expect(Object.getPrototypeOf(parsed.partitions)).toBe(Object.prototype);
    expect(set({ $inc: 1 })).toBe(false);
    expect(set({ p0: -1 })).toBe(false);
    expect(set({ p0: 1.5 })).toBe(false);
    expect(set(Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`p${i}`, 1])))).toBe(false);
  });

  it("matches stock topics and splits them at the first slash", () => {
    expect(Topic.safeParse("stock/supplier1/component1234/unit6").success).toBe(true);
    expect(Topic.safeParse("stockprefix/").success).toBe(true);
    expect(Topic.safeParse("stockprefix/supplier1").success).toBe(true);
    expect(Topic.safeParse("stockprefix/supplier1/").success).toBe(false);
    expect(Topic.safeParse("stock/").success).toBe(false);
    expect(Topic.safeParse("inventory/alice").success).toBe(true);
    expect(parseTopic("stock/s1/c2/u3")).toEqual({ kind: "stock", key: "s1/c2/u3" });
    expect(parseTopic("stockprefix/")).toEqual({ kind: "stockprefix", key: "" });
  });
});
