import { describe, expect, it } from "vitest";
import { actionKinds, actionOp, confirmation, disconnectConfirmation, fieldsOf, isReversible, reverseQuestion } from "./actions-model";

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
      { disconnect: true, reason: "ticket #1" },
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

  it("disconnecting needs only a reason, and asks naming the player", () => {
    expect(fieldsOf.disconnect).toEqual([]);
    expect(actionOp("disconnect", { reason: " " })).toEqual({ problem: expect.stringContaining("reason") });
    expect(disconnectConfirmation("alice")).toMatch(/^Disconnect every connection of alice, on every node\?/);
  });
});

describe("reversing history entries", () => {
  const entry = (kind: string, ops = 1, reverses?: number) => ({
    kind,
    version: 7,
    ops: Array.from({ length: ops }, () => ({ type: "credit" as const, currency: "gold", amount: 1 })),
    ...(reverses === undefined ? {} : { reverses }),
  });

  it("offers a reverse button on changes, trades and checkouts not reversed yet, and on nothing else", () => {
    const shown = ["inventory:apply", "trades:accept", "trades:execute", "cart:checkout"];
    for (const kind of shown) expect([kind, isReversible(entry(kind))]).toEqual([kind, true]);
    for (const kind of ["players:create", "cart:add", "cart:clear", "inventory:reverse", "trades:propose"]) {
      expect([kind, isReversible(entry(kind))]).toEqual([kind, false]);
    }
    // A checkout that found new prices charged nothing; a reversal is never reversed.
    expect(isReversible(entry("cart:checkout", 0))).toBe(false);
    expect(isReversible(entry("inventory:apply", 1, 3))).toBe(false);
  });

  it("names the player, the version and what is undone; a trade says both players go back, a checkout says refund", () => {
    expect(reverseQuestion("alice", entry("inventory:apply"), "credit 1 gold")).toEqual({
      label: "Reverse…",
      question: "Undo v7 of alice: credit 1 gold?",
    });
    expect(reverseQuestion("alice", entry("trades:accept"), "x", "bob")).toMatchObject({
      label: "Reverse trade…",
      question: expect.stringContaining("v7 for alice and bob, both in one commit"),
    });
    expect(reverseQuestion("alice", entry("trades:execute"), "x").question).toContain("alice and the other player");
    expect(reverseQuestion("bob", entry("cart:checkout"), "x")).toMatchObject({
      label: "Refund…",
      question: expect.stringContaining("Refund the checkout v7 of bob"),
    });
  });
});
