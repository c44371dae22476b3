import type { TradeRecord } from "@hoard/client-sdk";
import { describe, expect, it } from "vitest";
import { describeBundle, mergeTrades, percent } from "./feed-model";

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
