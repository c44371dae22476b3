import { describe, expect, it } from "vitest";
import { cartTotals, changedKeys, describeChanges, describeEntry, describeOp } from "./describe";

const itemId = "a".repeat(64);

describe("describeOp", () => {
  it("says what each operation did, with items as references", () => {
    expect(describeOp({ type: "grant", category: "bag", itemId, quantity: 1200 })).toEqual(["grant 1,200 × ", { item: itemId }, " → bag"]);
    expect(describeOp({ type: "consume", category: "bag", itemId, quantity: 1 })).toEqual(["consume 1 × ", { item: itemId }, " from bag"]);
    expect(describeOp({ type: "move", from: "bag", to: "equipment.weapons", itemId, quantity: 2 })).toEqual([
      "move 2 × ",
      { item: itemId },
      " bag → equipment.weapons",
    ]);
    expect(describeOp({ type: "credit", currency: "gold", amount: 25 })).toEqual(["credit 25 gold"]);
    expect(describeOp({ type: "debit", currency: "gems", amount: 3 })).toEqual(["debit 3 gems"]);
    expect(describeOp({ type: "incrementMetric", category: "stats", name: "kills", by: -2 })).toEqual(["stats kills −2"]);
    expect(describeOp({ type: "setMetric", category: "stats", name: "level", value: 7.5 })).toEqual(["set stats level = 7.5"]);
    expect(describeOp({ type: "setCapacity", category: "bag", capacity: null })).toEqual(["capacity of bag = unlimited"]);
  });

  it("shows a loot draw's table, seed and outcome in full (what support replays), or that it gave nothing", () => {
    const drawn = { type: "lootDrawn" as const, tableId: "b".repeat(64), seed: "c".repeat(32) };
    expect(describeOp({ ...drawn, outcome: { items: [{ category: "bag", itemId, quantity: 2 }], currencies: { gold: 1500 } } })).toEqual([
      `loot from table ${drawn.tableId} with seed ${drawn.seed}: `,
      "2 × ",
      { item: itemId },
      " → bag",
      ", ",
      "1,500 gold",
    ]);
    expect(describeOp({ type: "classPicked", class: "ranger", starters: ["cleric", "ranger"], seed: drawn.seed })).toEqual([
      `class ranger picked at random among cleric, ranger with seed ${drawn.seed}`,
    ]);
    expect(describeOp({ ...drawn, outcome: { items: [], currencies: {} } })).toEqual([
      `loot from table ${drawn.tableId} with seed ${drawn.seed}: `,
      "nothing",
    ]);
  });
});

describe("describeChanges", () => {
  it("lists the absolute values a commit set (a kit on creation)", () => {
    expect(
      describeChanges({ wallet: { gold: 50 }, inventories: { bag: { stacks: { [itemId]: 3 }, metrics: { worn: null }, capacity: 10 } } }),
    ).toEqual([["gold = 50"], [{ item: itemId }, " = 3 in bag"], ["bag worn = removed"], ["capacity of bag = 10"]]);
  });
});

describe("the cart", () => {
  const line = {
    currency: "gold",
    offeredPrice: 40,
    itemCount: 2,
    specialSale: true,
    category: "bag",
    addedAt: "2026-01-01T00:00:00.000Z",
  };
  const other = "c".repeat(64);

  it("says what a cart change did", () => {
    expect(describeChanges({ cart: { lines: { [itemId]: line, [other]: null } } })).toEqual([
      ["cart: ", "2 × ", { item: itemId }, " at 40 gold (sale)"],
      ["cart: ", { item: other }, " removed"],
    ]);
  });

  it("says until when a line holds, and that the node's sweep ended a hold (the line stays)", () => {
    const reservedUntil = "2030-01-01T00:01:00.000Z";
    expect(describeEntry({ kind: "cart:add", ops: [], changes: { cart: { lines: { [itemId]: { ...line, reservedUntil } } } } })).toEqual([
      ["cart: ", "2 × ", { item: itemId }, " at 40 gold (sale)", `, held until ${reservedUntil}`],
    ]);
    const release = { kind: "cart:release", ops: [], changes: { cart: { lines: { [itemId]: line } } } };
    expect(describeEntry(release)).toEqual([["cart: hold ended, ", "2 × ", { item: itemId }, " back to the shop (the line stays)"]]);
    // A lot and a hold ending in one sweep commit: the expiry's op, then the release.
    const expire = { type: "expire" as const, category: "bag", itemId: other, quantity: 1, expiresAt: reservedUntil };
    expect(describeEntry({ ...release, kind: "inventory:expire", ops: [expire] })).toEqual([
      describeOp(expire),
      ["cart: hold ended, ", "2 × ", { item: itemId }, " back to the shop (the line stays)"],
    ]);
    // Elsewhere a cart line is what the commit set, as before.
    expect(describeEntry({ ...release, kind: "cart:update" })).toEqual([["cart: ", "2 × ", { item: itemId }, " at 40 gold (sale)"]]);
  });

  it("adds the lines up per currency and flashes the touched lines", () => {
    expect(cartTotals({ lines: { [itemId]: line, [other]: { ...line, currency: "gems", itemCount: 3, offeredPrice: 5 } } })).toEqual([
      ["gems", 15],
      ["gold", 80],
    ]);
    expect(cartTotals(undefined)).toEqual([]);
    expect(changedKeys({ cart: { lines: { [itemId]: null } } })).toEqual([{ key: `cart/${itemId}`, orElse: "cart" }]);
  });
});

describe("changedKeys", () => {
  it("names every touched element, falling back to the inventory card for removed rows", () => {
    expect(changedKeys({ wallet: { gold: 0 }, inventories: { bag: { stacks: { [itemId]: 0 }, metrics: { kills: 1 } } } })).toEqual([
      { key: "wallet/gold" },
      { key: `stack/bag/${itemId}`, orElse: "inventory/bag" },
      { key: "metric/bag/kills", orElse: "inventory/bag" },
    ]);
    expect(changedKeys({ inventories: { bag: { capacity: null } } })).toEqual([{ key: "inventory/bag" }]);
  });
});
