import { describe, expect, it } from "vitest";
import { actionKinds, actionOp, confirmation, fieldsOf } from "./actions-model";

const potion = "a".repeat(64);

describe("the operator's action form", () => {
  it("makes the op of each action from the typed values", () => {
    const values = {
      category: " bag ",
      itemId: potion,
      quantity: "3",
      currency: "gold",
      amount: "50",
      name: "weight",
      value: "2.5",
      capacity: "40",
      reason: " ticket #1 ",
    };
    expect(actionKinds.map((kind) => actionOp(kind, values))).toEqual([
      { op: { type: "grant", category: "bag", itemId: potion, quantity: 3 }, reason: "ticket #1" },
      { op: { type: "consume", category: "bag", itemId: potion, quantity: 3 }, reason: "ticket #1" },
      { op: { type: "credit", currency: "gold", amount: 50 }, reason: "ticket #1" },
      { op: { type: "debit", currency: "gold", amount: 50 }, reason: "ticket #1" },
      { op: { type: "setMetric", category: "bag", name: "weight", value: 2.5 }, reason: "ticket #1" },
      { op: { type: "setCapacity", category: "bag", capacity: 40 }, reason: "ticket #1" },
    ]);
    expect(actionOp("setCapacity", { category: "bag", capacity: "", reason: "x" })).toEqual({
      op: { type: "setCapacity", category: "bag", capacity: null },
      reason: "x",
    });
  });

  it("refuses a form without a reason, or with a quantity that is not a whole number of at least 1", () => {
    expect(actionOp("credit", { currency: "gold", amount: "5", reason: "  " })).toEqual({ problem: expect.stringContaining("reason") });
    for (const quantity of ["", "0", "-2", "1.5", "three"]) {
      expect(actionOp("grant", { category: "bag", itemId: potion, quantity, reason: "x" })).toEqual({
        problem: expect.stringContaining("quantity"),
      });
    }
    expect(actionOp("setMetric", { category: "bag", name: "w", value: "abc", reason: "x" })).toEqual({
      problem: expect.stringContaining("number"),
    });
  });

  it("shows only the fields an action needs", () => {
    expect(fieldsOf.credit).toEqual(["currency", "amount"]);
    expect(fieldsOf.grant).toEqual(["category", "itemId", "quantity"]);
  });

  it("confirms naming the player and the amounts", () => {
    const name = () => "Potion";
    expect(confirmation("alice", { type: "grant", category: "bag", itemId: potion, quantity: 1200 }, name)).toBe(
      "Grant 1,200 × Potion to alice (into bag)?",
    );
    expect(confirmation("alice", { type: "debit", currency: "gold", amount: 30 })).toBe("Debit 30 gold from alice?");
    expect(confirmation("bob", { type: "setCapacity", category: "bag", capacity: null })).toBe(
      "Set the capacity of bob's bag to unlimited?",
    );
  });
});
