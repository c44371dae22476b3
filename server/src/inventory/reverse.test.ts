import { type HistoryEntry, HoardError, type InventoryOp, type Player } from "@hoard/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anActor, anInventory, anItemId, aPlayer, op, T0 } from "../../../test/support/builders";
import { inverseOps, priorValues, requireUnchangedSince, reversalScope, touchesMetricsOrCapacity } from "./reverse";
import { applyOps, DEFAULT_STATE_LIMITS } from "./rules";

const potion = anItemId("potion");
const sword = anItemId("sword");

/** A player's op log built with the real rules: each batch an entry, as the store would write it. */
function logOf(start: Player, batches: InventoryOp[][]): { states: Player[]; entries: HistoryEntry[] } {
  const states = [start];
  const entries: HistoryEntry[] = [];
  for (const ops of batches) {
    const before = states.at(-1) as Player;
    const next = applyOps(before, ops, T0, DEFAULT_STATE_LIMITS);
    states.push(next.player);
    entries.push({
      playerId: before.id,
      version: next.player.version,
      opId: `op-${next.player.version}-abcdef`,
      actor: anActor(),
      kind: "inventory:apply",
      ops,
      changes: next.changes,
      at: T0,
    });
  }
  return { states, entries };
}

/** Reverses entry `index` of the log against the latest state, as the service does. */
function reverse(log: { states: Player[]; entries: HistoryEntry[] }, index: number): Player {
  const entry = log.entries[index] as HistoryEntry;
  const current = log.states.at(-1) as Player;
  requireUnchangedSince(entry, current);
  return applyOps(current, inverseOps(entry, priorValues(entry, log.entries)), T0, DEFAULT_STATE_LIMITS).player;
}

/** The parts of a state a reversal must restore (not version and time). */
const content = (player: Player) => ({ wallet: player.wallet, inventories: player.inventories });

/** A player's first entry: every value a later entry finds was set by an entry, as in a real op log. */
const setup = [op.credit("gold", 100), op.grant("bag", potion, 5), op.setMetric("bag", "weight", 2), op.setCapacity("bag", 50)];
/** The log of the setup, then `batches`: entry 1 is the first of `batches`. */
const after = (...batches: InventoryOp[][]) => logOf(aPlayer({ version: 0 }), [setup, ...batches]);

describe("inverseOps: reversing an entry right after it restores the state before it", () => {
  it.each<{ name: string; ops: InventoryOp[] }>([
    { name: "grant (to a new category)", ops: [op.grant("chest", sword, 2)] },
    { name: "grant (onto a stack)", ops: [op.grant("bag", potion, 3)] },
    { name: "consume (part of a stack)", ops: [op.consume("bag", potion, 2)] },
    { name: "consume (the whole stack)", ops: [op.consume("bag", potion, 5)] },
    { name: "move", ops: [op.move("bag", "equipment.belt", potion, 4)] },
    { name: "credit (a new currency)", ops: [op.credit("gems", 7)] },
    { name: "debit (all of it)", ops: [op.debit("gold", 100)] },
    { name: "setMetric (existing)", ops: [op.setMetric("bag", "weight", 9)] },
    { name: "setMetric (new)", ops: [op.setMetric("bag", "luck", 1)] },
    { name: "incrementMetric (existing)", ops: [op.incrementMetric("bag", "weight", 3)] },
    { name: "incrementMetric (new, in a new category)", ops: [op.incrementMetric("pouch", "count", 1)] },
    { name: "setCapacity", ops: [op.setCapacity("bag", 80)] },
    { name: "setCapacity to unlimited", ops: [op.setCapacity("bag", null)] },
    { name: "setCapacity of a new category", ops: [op.setCapacity("chest", 10)] },
    {
      name: "a mixed batch, order mattering (move what was just granted)",
      ops: [
        op.grant("bag", sword, 1),
        op.move("bag", "hands", sword, 1),
        op.setMetric("bag", "weight", 4),
        op.incrementMetric("bag", "weight", 1),
        op.debit("gold", 30),
      ],
    },
  ])("$name", ({ ops }) => {
    const log = after(ops);

    expect(content(reverse(log, 1))).toEqual(content(log.states[1] as Player));
  });

  it("inverts each item and currency op, last first, and sets metrics and capacities back", () => {
    const log = after([
      op.grant("bag", sword, 1),
      op.credit("gold", 5),
      op.move("bag", "hands", sword, 1),
      op.setMetric("bag", "weight", 8),
      op.setCapacity("bag", 60),
    ]);
    const entry = log.entries[1] as HistoryEntry;

    expect(inverseOps(entry, priorValues(entry, log.entries))).toEqual([
      op.move("hands", "bag", sword, 1),
      op.debit("gold", 5),
      op.consume("bag", sword, 1),
      op.setMetric("bag", "weight", 2),
      op.setCapacity("bag", 50),
    ]);
  });

  it("a metric that did not exist before the entry is removed (setMetric null)", () => {
    const log = after([op.setMetric("bag", "luck", 3)]);
    const entry = log.entries[1] as HistoryEntry;

    expect(inverseOps(entry, priorValues(entry, log.entries))).toEqual([{ type: "setMetric", category: "bag", name: "luck", value: null }]);
  });
});

describe("priorValues", () => {
  it("takes each metric and capacity from the last earlier entry that set it; absent when none did", () => {
    const log = logOf(aPlayer(), [
      [op.setMetric("bag", "weight", 1), op.setCapacity("bag", 10)],
      [op.setMetric("bag", "weight", 2)],
      [op.setMetric("bag", "luck", 5)],
      [op.setMetric("bag", "weight", 3), op.setMetric("bag", "mana", 1), op.setCapacity("bag", 20)],
      [op.setMetric("bag", "weight", 4)],
    ]);
    const entry = log.entries[3] as HistoryEntry;

    const prior = priorValues(entry, log.entries);

    expect(Object.fromEntries(prior.metrics)).toEqual({ "bag\u0000weight": 2, "bag\u0000mana": null });
    expect(Object.fromEntries(prior.capacities)).toEqual({ bag: 10 });
  });

  it("says whether it needs the earlier log at all", () => {
    const log = after([op.grant("bag", potion, 1)], [op.incrementMetric("bag", "weight", 1)]);
    expect(log.entries.map(touchesMetricsOrCapacity)).toEqual([true, false, true]);
  });
});

describe("refusals", () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return error instanceof HoardError ? { code: error.code, details: error.details } : error;
    }
    return "ok";
  };

  it("takes back items the player no longer holds: INVENTORY_INSUFFICIENT_ITEMS saying what is missing", () => {
    const log = after([op.grant("bag", sword, 3)], [op.consume("bag", sword, 2)]);

    expect(code(() => reverse(log, 1))).toMatchObject({
      code: "INVENTORY_INSUFFICIENT_ITEMS",
      details: { category: "bag", itemId: sword },
    });
  });

  it("debits currency the player has spent: WALLET_INSUFFICIENT_FUNDS", () => {
    const log = after([op.credit("gems", 10)], [op.debit("gems", 8)]);

    expect(code(() => reverse(log, 1))).toMatchObject({
      code: "WALLET_INSUFFICIENT_FUNDS",
      details: { currency: "gems", have: 2, need: 10 },
    });
  });

  it("sets back a metric or capacity changed since: INVENTORY_REVERSE_CONFLICT (a later change is not lost)", () => {
    const metric = after([op.setMetric("bag", "weight", 5)], [op.incrementMetric("bag", "weight", 1)]);
    const capacity = after([op.setCapacity("bag", 70)], [op.setCapacity("bag", null)]);

    expect(code(() => reverse(metric, 1))).toMatchObject({
      code: "INVENTORY_REVERSE_CONFLICT",
      details: { metric: "weight", left: 5, now: 6 },
    });
    expect(code(() => reverse(capacity, 1))).toMatchObject({ code: "INVENTORY_REVERSE_CONFLICT", details: { category: "bag" } });
  });

  it("never reverses a reversal: apply the change again instead", () => {
    const entry = after([op.credit("gold", 1)]).entries[1] as HistoryEntry;

    expect(code(() => reversalScope({ ...entry, kind: "inventory:reverse", reverses: 1 }))).toMatchObject({
      code: "INVENTORY_NOT_REVERSIBLE",
      details: { reverses: 1 },
    });
    // Expiring units: the inverse would not give back the same lots.
    const rental = after([{ type: "grant", category: "bag", itemId: anItemId("rental"), quantity: 1, expiresInMs: 60_000 }])
      .entries[1] as HistoryEntry;
    expect(code(() => reversalScope(rental))).toMatchObject({ code: "INVENTORY_NOT_REVERSIBLE" });
  });
});

describe("conservation", () => {
  const categories = ["bag", "chest"] as const;
  const items = [potion, sword] as const;
  const anOp: fc.Arbitrary<InventoryOp> = fc.oneof(
    fc
      .record({ c: fc.constantFrom(...categories), i: fc.constantFrom(...items), q: fc.integer({ min: 1, max: 4 }) })
      .map(({ c, i, q }) => op.grant(c, i, q)),
    fc
      .record({ c: fc.constantFrom(...categories), i: fc.constantFrom(...items), q: fc.integer({ min: 1, max: 4 }) })
      .map(({ c, i, q }) => op.consume(c, i, q)),
    fc
      .record({ i: fc.constantFrom(...items), q: fc.integer({ min: 1, max: 4 }), flip: fc.boolean() })
      .map(({ i, q, flip }) => (flip ? op.move("bag", "chest", i, q) : op.move("chest", "bag", i, q))),
    fc.integer({ min: 1, max: 40 }).map((amount) => op.credit("gold", amount)),
    fc.integer({ min: 1, max: 40 }).map((amount) => op.debit("gold", amount)),
  );

  /** Units of every (category, item) and of every currency. */
  function counts(player: Player): Map<string, number> {
    const result = new Map<string, number>();
    for (const [currency, amount] of Object.entries(player.wallet)) result.set(currency, amount);
    for (const [category, inventory] of Object.entries(player.inventories)) {
      for (const [itemId, quantity] of Object.entries(inventory.stacks)) result.set(`${category}/${itemId}`, quantity);
    }
    return result;
  }
  const delta = (after: Player, before: Player) => {
    const result = new Map<string, number>();
    for (const key of new Set([...counts(after).keys(), ...counts(before).keys()])) {
      result.set(key, (counts(after).get(key) ?? 0) - (counts(before).get(key) ?? 0));
    }
    return result;
  };

  it("a reversal changes every stack and currency by exactly minus what the entry changed, whatever came after it", () => {
    fc.assert(
      fc.property(fc.array(fc.array(anOp, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }), fc.nat(), (batches, pick) => {
        const base = aPlayer({ wallet: { gold: 50 }, inventories: { bag: anInventory({ stacks: { [potion]: 3, [sword]: 3 } }) } });
        // Keep only the batches the rules accept, as the op log would.
        const accepted: InventoryOp[][] = [];
        let state = base;
        for (const ops of batches) {
          try {
            state = applyOps(state, ops, T0, DEFAULT_STATE_LIMITS).player;
            accepted.push(ops);
          } catch (error) {
            if (!(error instanceof HoardError)) throw error;
          }
        }
        fc.pre(accepted.length > 0);
        const log = logOf(base, accepted);
        const index = pick % accepted.length;
        let reversed: Player;
        try {
          reversed = reverse(log, index);
        } catch (error) {
          // Refused (the player no longer holds it): nothing is written, nothing to conserve.
          if (error instanceof HoardError) return;
          throw error;
        }
        const undone = delta(reversed, log.states.at(-1) as Player);
        const done = delta(log.states[index + 1] as Player, log.states[index] as Player);
        for (const key of new Set([...undone.keys(), ...done.keys()])) {
          // Sums, not toBe(-x): -0 and 0 are the same count.
          expect({ key, sum: (undone.get(key) ?? 0) + (done.get(key) ?? 0) }).toEqual({ key, sum: 0 });
        }
      }),
      { numRuns: 300 },
    );
  });
});
