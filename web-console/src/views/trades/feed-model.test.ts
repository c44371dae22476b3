import type { TradeRecord } from "@hoard/client-sdk";
import { describe, expect, it } from "vitest";
import { describeBundle, mergeTrades, nextReadFrom, percent } from "./feed-model";

const itemId = "b".repeat(64);
const trade = (id: string, at: string, overrides: Partial<TradeRecord> = {}): TradeRecord => ({
  id: id.padEnd(32, "0"),
  tradeId: id.padEnd(32, "0"),
  mode: "direct",
  outcome: "executed",
  from: "alice",
  to: "bob",
  give: { items: [], currencies: { gold: 5 } },
  want: { items: [], currencies: {} },
  value: { give: 5, want: 0 },
  imbalance: 1,
  suspicious: true,
  actor: { role: "server", sub: "game" },
  opId: "op",
  at,
  ...overrides,
});

describe("mergeTrades", () => {
  it("keeps one row per record, newest first, bounded, and says which are new", () => {
    const a = trade("a", "2026-01-01T00:00:01.000Z");
    const b = trade("b", "2026-01-01T00:00:02.000Z");
    const c = trade("c", "2026-01-01T00:00:03.000Z");
    const first = mergeTrades([], [a, b], 10);
    expect(first.trades.map((t) => t.id[0])).toEqual(["b", "a"]);
    expect(first.added).toHaveLength(2);
    const second = mergeTrades(first.trades, [b, c], 2);
    expect(second.trades.map((t) => t.id[0])).toEqual(["c", "b"]);
    expect(second.added).toEqual([c.id]);
  });

  it("does not report a new row that fell off the end", () => {
    const old = trade("o", "2025-01-01T00:00:00.000Z");
    const recent = trade("r", "2026-01-01T00:00:00.000Z");
    expect(mergeTrades([recent], [old], 1)).toEqual({ trades: [recent], added: [] });
  });
});

describe("nextReadFrom", () => {
  const at = (ms: number) => new Date(ms).toISOString();
  const t0 = Date.parse("2026-01-01T00:00:00.000Z");

  it("reads again from a little before the newest trade read, and never goes back", () => {
    const read = [trade("a", at(t0 + 5000)), trade("b", at(t0 + 9000))];
    expect(nextReadFrom(undefined, read, 500)).toBe(t0 + 7000);
    expect(nextReadFrom(t0 + 8000, read, 500)).toBe(t0 + 8000);
    expect(nextReadFrom(t0 + 1000, [], 500)).toBe(t0 + 1000);
    expect(nextReadFrom(undefined, [], 500)).toBeUndefined();
  });

  it("moves past a window that had more trades than one read returns", () => {
    const full = [trade("a", at(t0 + 5000)), trade("b", at(t0 + 9000))];
    expect(nextReadFrom(t0, full, 2)).toBe(t0 + 9000);
  });
});

describe("describeBundle", () => {
  it("lists items as references, then currencies", () => {
    expect(describeBundle({ items: [{ category: "bag", itemId, quantity: 2 }], currencies: { gold: 1200, gems: 3 } })).toEqual([
      "2 × ",
      { item: itemId },
      ", ",
      "3 gems",
      ", ",
      "1,200 gold",
    ]);
    expect(describeBundle({ items: [], currencies: {} })).toEqual(["nothing"]);
    expect(percent(0.873)).toBe("87 %");
  });
});
