import type { Player, TradeBundle } from "@hoard/protocol";
import { describe, expect, it } from "vitest";
import { DEFAULT_STATE_LIMITS } from "../config";
import { bundleValue, imbalance, isTradeRefusal, requireAffordable, shownImbalance, sideOps, swap } from "./rules";

const AT = "2025-01-01T00:00:00.000Z";
const limits = DEFAULT_STATE_LIMITS;
const SWORD = "a".repeat(64);
const POTION = "b".repeat(64);

function player(id: string, fields: { gold?: number; bag?: Record<string, number>; capacity?: number } = {}): Player {
  return {
    id,
    version: 3,
    wallet: fields.gold ? { gold: fields.gold } : {},
    inventories: {
      bag: { stacks: { ...fields.bag }, metrics: {}, ...(fields.capacity === undefined ? {} : { capacity: fields.capacity }) },
    },
    createdAt: AT,
    updatedAt: AT,
  };
}

function bundle(fields: { items?: Record<string, number>; gold?: number } = {}): TradeBundle {
  return {
    items: Object.entries(fields.items ?? {}).map(([itemId, quantity]) => ({ category: "bag", itemId, quantity })),
    currencies: fields.gold ? { gold: fields.gold } : {},
  };
}

function refusalOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(isTradeRefusal(error)).toBe(true);
    return error as { code: string; details: Record<string, unknown> };
  }
  throw new Error("expected a refusal");
}

describe("swap", () => {
  const terms = (give: TradeBundle, want: TradeBundle, extra = {}) => ({ from: "alice", to: "bob", give, want, ...extra });

  it("moves each side's bundle to the other and bumps both versions", () => {
    const [from, to] = swap(
      { from: player("alice", { bag: { [SWORD]: 2 } }), to: player("bob", { gold: 150 }) },
      terms(bundle({ items: { [SWORD]: 1 } }), bundle({ gold: 120 })),
      AT,
      limits,
    );
    expect(from.player).toMatchObject({ version: 4, wallet: { gold: 120 }, inventories: { bag: { stacks: { [SWORD]: 1 } } } });
    expect(to.player).toMatchObject({ version: 4, wallet: { gold: 30 }, inventories: { bag: { stacks: { [SWORD]: 1 } } } });
    expect(from.ops).toEqual([
      { type: "consume", category: "bag", itemId: SWORD, quantity: 1 },
      { type: "credit", currency: "gold", amount: 120 },
    ]);
    expect(to.changes).toEqual({ wallet: { gold: 30 }, inventories: { bag: { stacks: { [SWORD]: 1 } } } });
  });

  it("lands received items where each receiver asks", () => {
    const ops = sideOps(bundle({ items: { [SWORD]: 1 } }), bundle({ items: { [POTION]: 2 } }), "loot");
    expect(ops).toEqual([
      { type: "consume", category: "bag", itemId: SWORD, quantity: 1 },
      { type: "grant", category: "loot", itemId: POTION, quantity: 2 },
    ]);
  });

  it("names the side that lacks items, funds or room", () => {
    const give = bundle({ items: { [SWORD]: 1 } });
    const want = bundle({ gold: 50 });
    const noSword = refusalOf(() => swap({ from: player("alice"), to: player("bob", { gold: 50 }) }, terms(give, want), AT, limits));
    expect(noSword).toMatchObject({ code: "TRADE_INSUFFICIENT_ITEMS", details: { playerId: "alice", have: 0, need: 1 } });
    const noGold = refusalOf(() =>
      swap({ from: player("alice", { bag: { [SWORD]: 1 } }), to: player("bob", { gold: 49 }) }, terms(give, want), AT, limits),
    );
    expect(noGold).toMatchObject({ code: "TRADE_INSUFFICIENT_FUNDS", details: { playerId: "bob", have: 49, need: 50 } });
    const full = refusalOf(() =>
      swap(
        { from: player("alice", { bag: { [SWORD]: 1 } }), to: player("bob", { gold: 50, bag: { [POTION]: 1 }, capacity: 1 }) },
        terms(give, want),
        AT,
        limits,
      ),
    );
    expect(full).toMatchObject({ code: "TRADE_CAPACITY_EXCEEDED", details: { playerId: "bob", capacity: 1, units: 2 } });
  });

  it("judges capacity after the whole side: a full bag may swap one item for another", () => {
    const [, to] = swap(
      { from: player("alice", { bag: { [SWORD]: 1 } }), to: player("bob", { bag: { [POTION]: 1 }, capacity: 1 }) },
      terms(bundle({ items: { [SWORD]: 1 } }), bundle({ items: { [POTION]: 1 } })),
      AT,
      limits,
    );
    expect(to.player.inventories.bag?.stacks).toEqual({ [SWORD]: 1 });
  });

  it("refuses a self-trade and an overflow", () => {
    expect(
      refusalOf(() =>
        swap({ from: player("alice"), to: player("alice") }, { ...terms(bundle({ gold: 1 }), bundle()), to: "alice" }, AT, limits),
      ),
    ).toMatchObject({ code: "TRADE_SELF" });
    const rich = player("bob", { gold: Number.MAX_SAFE_INTEGER });
    const overflow = refusalOf(() =>
      swap({ from: player("alice", { gold: 1 }), to: rich }, terms(bundle({ gold: 1 }), bundle()), AT, limits),
    );
    expect(overflow).toMatchObject({ code: "INVENTORY_LIMIT_EXCEEDED", details: { playerId: "bob" } });
  });

  it("checks only the giving side when proposing", () => {
    expect(() => requireAffordable(player("alice", { gold: 5 }), bundle({ gold: 5 }), AT, limits)).not.toThrow();
    expect(refusalOf(() => requireAffordable(player("alice", { gold: 5 }), bundle({ gold: 6 }), AT, limits))).toMatchObject({
      code: "TRADE_INSUFFICIENT_FUNDS",
    });
  });
});

describe("value and imbalance", () => {
  const values = new Map([
    [SWORD, 100],
    [POTION, 2.5],
  ]);

  it("values items by definition (absent = 0) and every currency unit at 1", () => {
    expect(bundleValue(bundle({ items: { [SWORD]: 2, [POTION]: 2 }, gold: 7 }), values)).toBe(212);
    expect(bundleValue(bundle({ items: { ["c".repeat(64)]: 9 } }), values)).toBe(0);
  });

  it("is 0 when even, 1 for a gift, 0.5 when one side gets twice what it gives", () => {
    expect(imbalance(0, 0)).toBe(0);
    expect(imbalance(100, 100)).toBe(0);
    expect(imbalance(100, 0)).toBe(1);
    expect(imbalance(0, 3)).toBe(1);
    expect(imbalance(100, 200)).toBe(0.5);
    expect(imbalance(200, 100)).toBe(0.5);
    expect(shownImbalance(imbalance(1, 3))).toBe(0.666667);
  });

  it("keeps the score unrounded, so one just above the threshold is above it", () => {
    // Two items of value 1,000,000 and 1 gold for 1,000,000 gold: 0.50000025, shown as 0.5.
    const score = imbalance(2_000_001, 1_000_000);
    expect(score).toBeGreaterThan(0.5);
    expect(shownImbalance(score)).toBe(0.5);
  });
});
