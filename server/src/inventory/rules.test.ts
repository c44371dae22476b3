import { applyChanges, type ErrorCode, HoardError, type InventoryOp, isEmptyInventory, type Player } from "@hoard/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aKit, anInventory, anItemId, aPlayer, op, T0 } from "../../../test/support/builders";
import { applyOps, DEFAULT_STATE_LIMITS, grantedItemIds, kitOps, newPlayer, opsForbiddenToPlayers, stateBytes, unitsIn } from "./rules";

const T1 = "2030-01-02T00:00:00.000Z";
const limits = DEFAULT_STATE_LIMITS;
const potion = anItemId("potion");
const sword = anItemId("sword");

/** Runs `fn`, expects a HoardError with this code (and these details), and returns it. */
function refusal(fn: () => unknown, code: ErrorCode, details?: Record<string, unknown>): HoardError {
  let caught: unknown;
  let returned: unknown;
  try {
    returned = fn();
  } catch (error) {
    caught = error;
  }
  expect(returned).toBeUndefined();
  expect(caught).toBeInstanceOf(HoardError);
  const error = caught as HoardError;
  expect(error.code).toBe(code);
  if (details) expect(error.details).toEqual(details);
  return error;
}

function deepFrozen<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const child of Object.values(value)) deepFrozen(child);
    Object.freeze(value);
  }
  return value;
}

function withBag(stacks: Record<string, number>, extra: Partial<Player["inventories"][string]> = {}): Player {
  return aPlayer({ inventories: { bag: anInventory({ stacks, ...extra }) } });
}

describe("applyOps", () => {
  it("moves the version up by one and stamps updatedAt, keeping createdAt", () => {
    const { player } = applyOps(aPlayer({ version: 7 }), [op.credit("gold", 1)], T1, limits);

    expect(player).toMatchObject({ version: 8, updatedAt: T1, createdAt: T0 });
  });

  it("changes nothing it was given (frozen input works) and shares what no op touched", () => {
    const cart = {
      lines: { [sword]: { currency: "gold", offeredPrice: 5, itemCount: 1, specialSale: false, category: "bag", addedAt: T0 } },
    };
    const given = deepFrozen(
      aPlayer({
        wallet: { gold: 10 },
        inventories: { bag: anInventory({ stacks: { [potion]: 2 } }), vault: anInventory({ stacks: { [sword]: 1 } }) },
        cart,
      }),
    );
    const before = structuredClone(given);

    const { player } = applyOps(given, [op.consume("bag", potion, 1), op.grant("bag", sword, 1), op.debit("gold", 4)], T1, limits);

    expect(given).toEqual(before);
    expect(player.inventories.bag?.stacks).toEqual({ [potion]: 1, [sword]: 1 });
    expect(player.wallet).toEqual({ gold: 6 });
    expect(player.cart).toBe(given.cart);
    expect(player.inventories.vault).toBe(given.inventories.vault);
    expect(() => applyOps(given, [op.grant("bag", potion, 1), op.consume("vault", potion, 1)], T1, limits)).toThrow(HoardError);
    expect(given).toEqual(before);
  });

  it("grant adds to a stack, creating the inventory, and reports the absolute quantity", () => {
    const first = applyOps(aPlayer(), [op.grant("bag", potion, 2)], T1, limits);
    const second = applyOps(first.player, [op.grant("bag", potion, 3)], T1, limits);

    expect(first.player.inventories).toEqual({ bag: anInventory({ stacks: { [potion]: 2 } }) });
    expect(second.player.inventories.bag?.stacks).toEqual({ [potion]: 5 });
    expect(second.changes).toEqual({ inventories: { bag: { stacks: { [potion]: 5 } } } });
  });

  it("consume takes from a stack; emptying it removes the stack and reports 0", () => {
    const partly = applyOps(withBag({ [potion]: 5, [sword]: 1 }), [op.consume("bag", potion, 2)], T1, limits);
    const emptied = applyOps(partly.player, [op.consume("bag", potion, 3)], T1, limits);

    expect(partly.changes).toEqual({ inventories: { bag: { stacks: { [potion]: 3 } } } });
    expect(emptied.player.inventories.bag?.stacks).toEqual({ [sword]: 1 });
    expect(emptied.changes).toEqual({ inventories: { bag: { stacks: { [potion]: 0 } } } });
  });

  it("refuses to consume more than there is, saying what it has and needs", () => {
    refusal(() => applyOps(withBag({ [potion]: 1 }), [op.consume("bag", potion, 3)], T1, limits), "INVENTORY_INSUFFICIENT_ITEMS", {
      category: "bag",
      itemId: potion,
      have: 1,
      need: 3,
    });
    refusal(() => applyOps(aPlayer(), [op.consume("chest", sword, 1)], T1, limits), "INVENTORY_INSUFFICIENT_ITEMS", {
      category: "chest",
      itemId: sword,
      have: 0,
      need: 1,
    });
  });

  it("move takes from one category and adds to another, reporting both", () => {
    const player = aPlayer({ inventories: { bag: anInventory({ stacks: { [sword]: 2 } }) } });

    const { player: next, changes } = applyOps(player, [op.move("bag", "equipment.weapons", sword, 1)], T1, limits);

    expect(next.inventories).toEqual({
      bag: anInventory({ stacks: { [sword]: 1 } }),
      "equipment.weapons": anInventory({ stacks: { [sword]: 1 } }),
    });
    expect(changes).toEqual({ inventories: { bag: { stacks: { [sword]: 1 } }, "equipment.weapons": { stacks: { [sword]: 1 } } } });
  });

  it("refuses a move of more than the source holds", () => {
    refusal(() => applyOps(withBag({ [sword]: 1 }), [op.move("bag", "bank", sword, 2)], T1, limits), "INVENTORY_INSUFFICIENT_ITEMS", {
      category: "bag",
      itemId: sword,
      have: 1,
      need: 2,
    });
  });

  it("setMetric sets and incrementMetric adds (from 0 when absent), reporting absolute values", () => {
    const player = aPlayer({ inventories: { stats: anInventory({ metrics: { kills: 4 } }) } });

    const { player: next, changes } = applyOps(
      player,
      [
        op.incrementMetric("stats", "kills", 3),
        op.incrementMetric("stats", "deaths", 1),
        op.setMetric("stats", "rating", 1.5),
        op.incrementMetric("stats", "rating", -0.25),
      ],
      T1,
      limits,
    );

    expect(next.inventories.stats?.metrics).toEqual({ kills: 7, deaths: 1, rating: 1.25 });
    expect(changes).toEqual({ inventories: { stats: { metrics: { kills: 7, deaths: 1, rating: 1.25 } } } });
  });

  it("setCapacity sets a capacity, and null removes it and reports null", () => {
    const capped = applyOps(withBag({ [potion]: 2 }), [op.setCapacity("bag", 10)], T1, limits);
    const uncapped = applyOps(capped.player, [op.setCapacity("bag", null)], T1, limits);

    expect(capped.player.inventories.bag?.capacity).toBe(10);
    expect(capped.changes).toEqual({ inventories: { bag: { capacity: 10 } } });
    expect(uncapped.player.inventories.bag).not.toHaveProperty("capacity");
    expect(uncapped.changes).toEqual({ inventories: { bag: { capacity: null } } });
  });

  it("refuses a capacity below what the inventory holds", () => {
    refusal(() => applyOps(withBag({ [potion]: 3, [sword]: 2 }), [op.setCapacity("bag", 4)], T1, limits), "INVENTORY_CAPACITY_EXCEEDED", {
      category: "bag",
      capacity: 4,
      units: 5,
    });
  });

  it("checks capacity once the whole batch is done: moving out then granting in fits", () => {
    const full = withBag({ [sword]: 3 }, { capacity: 3 });

    refusal(() => applyOps(full, [op.grant("bag", potion, 2)], T1, limits), "INVENTORY_CAPACITY_EXCEEDED", {
      category: "bag",
      capacity: 3,
      units: 5,
    });
    const { player } = applyOps(full, [op.grant("bag", potion, 2), op.move("bag", "bank", sword, 2)], T1, limits);

    expect(player.inventories.bag?.stacks).toEqual({ [sword]: 1, [potion]: 2 });
    expect(player.inventories.bank?.stacks).toEqual({ [sword]: 2 });
  });

  it("credit adds to the wallet; debit takes, and emptying a currency removes it and reports 0", () => {
    const credited = applyOps(aPlayer({ wallet: { gold: 5 } }), [op.credit("gold", 10), op.credit("gems", 1)], T1, limits);
    const debited = applyOps(credited.player, [op.debit("gold", 15)], T1, limits);

    expect(credited.player.wallet).toEqual({ gold: 15, gems: 1 });
    expect(credited.changes).toEqual({ wallet: { gold: 15, gems: 1 } });
    expect(debited.player.wallet).toEqual({ gems: 1 });
    expect(debited.changes).toEqual({ wallet: { gold: 0 } });
  });

  it("refuses a debit of more than the wallet holds, saying what it has and needs", () => {
    refusal(() => applyOps(aPlayer({ wallet: { gold: 5 } }), [op.debit("gold", 6)], T1, limits), "WALLET_INSUFFICIENT_FUNDS", {
      currency: "gold",
      have: 5,
      need: 6,
    });
    refusal(() => applyOps(aPlayer(), [op.debit("gems", 1)], T1, limits), "WALLET_INSUFFICIENT_FUNDS", {
      currency: "gems",
      have: 0,
      need: 1,
    });
  });

  it("refuses quantities past MAX_SAFE_INTEGER and metrics past the largest double with INVENTORY_LIMIT_EXCEEDED", () => {
    const nearMax = Number.MAX_SAFE_INTEGER - 1;

    refusal(() => applyOps(withBag({ [potion]: nearMax }), [op.grant("bag", potion, 2)], T1, limits), "INVENTORY_LIMIT_EXCEEDED");
    refusal(() => applyOps(aPlayer({ wallet: { gold: nearMax } }), [op.credit("gold", 2)], T1, limits), "INVENTORY_LIMIT_EXCEEDED");
    refusal(
      () => applyOps(aPlayer(), [op.setMetric("stats", "score", 1.5e308), op.incrementMetric("stats", "score", 1.5e308)], T1, limits),
      "INVENTORY_LIMIT_EXCEEDED",
    );
    expect(applyOps(withBag({ [potion]: nearMax }), [op.grant("bag", potion, 1)], T1, limits).player.inventories.bag?.stacks[potion]).toBe(
      Number.MAX_SAFE_INTEGER,
    );
  });

  it("never changes the player it is given, whether the batch passes or is refused", () => {
    const player = aPlayer({
      wallet: { gold: 10 },
      inventories: { bag: anInventory({ stacks: { [potion]: 2 }, metrics: { weight: 1 }, capacity: 5 }) },
    });
    const before = structuredClone(player);

    applyOps(
      player,
      [op.grant("bag", potion, 1), op.debit("gold", 10), op.setMetric("bag", "weight", 3), op.setCapacity("bag", null)],
      T1,
      limits,
    );
    expect(player).toEqual(before);
    refusal(
      () => applyOps(player, [op.consume("bag", potion, 2), op.credit("gold", 5), op.debit("gold", 100)], T1, limits),
      "WALLET_INSUFFICIENT_FUNDS",
    );
    expect(player).toEqual(before);
  });

  it("refuses the whole batch when a later op fails, after earlier ops passed", () => {
    const player = withBag({ [potion]: 1 });

    refusal(
      () => applyOps(player, [op.credit("gold", 5), op.grant("bag", sword, 1), op.consume("bag", potion, 2)], T1, limits),
      "INVENTORY_INSUFFICIENT_ITEMS",
    );
  });

  it("reports only what the batch touched", () => {
    const player = aPlayer({
      wallet: { gold: 3, gems: 1 },
      inventories: { bag: anInventory({ stacks: { [potion]: 1 } }), bank: anInventory({ stacks: { [sword]: 1 } }) },
    });

    expect(applyOps(player, [op.credit("gems", 1)], T1, limits).changes).toEqual({ wallet: { gems: 2 } });
    expect(applyOps(player, [], T1, limits)).toEqual({ player: { ...player, version: 2, updatedAt: T1 }, changes: {} });
  });
});

describe("applyOps: empty inventories and state limits", () => {
  const tight = { categories: 3, stacks: 2, metrics: 2, stateBytes: 100_000, expiryLots: 1000 };

  it("drops an inventory the batch leaves with no stacks, metrics or capacity, and applyChanges drops it too", () => {
    const player = aPlayer({
      inventories: {
        bag: anInventory({ stacks: { [potion]: 1 } }),
        bank: anInventory({ stacks: { [sword]: 1 }, metrics: { weight: 2 } }),
        chest: anInventory({ stacks: { [sword]: 1 }, capacity: 5 }),
      },
    });
    const moved = applyOps(
      player,
      [op.move("bag", "a", potion, 1), op.move("a", "b", potion, 1), op.consume("bank", sword, 1)],
      T1,
      limits,
    );
    const emptied = applyOps(moved.player, [op.consume("chest", sword, 1), op.setCapacity("vault", null)], T1, limits);

    expect(Object.keys(moved.player.inventories).sort()).toEqual(["b", "bank", "chest"]);
    expect(moved.player.inventories.bank).toEqual(anInventory({ metrics: { weight: 2 } }));
    expect(emptied.player.inventories.chest).toEqual(anInventory({ capacity: 5 }));
    expect(emptied.player.inventories.vault).toBeUndefined();
    for (const step of [
      { from: player, to: moved },
      { from: moved.player, to: emptied },
    ]) {
      expect(applyChanges(step.from, step.to.changes, step.to.player.version, T1)).toEqual(step.to.player);
    }
  });

  it("refuses a batch that would hold more inventories, stacks or metrics than allowed, naming the limit", () => {
    const three = aPlayer({
      inventories: {
        bag: anInventory({ stacks: { [potion]: 5 } }),
        bank: anInventory({ stacks: { [sword]: 1 } }),
        stats: anInventory({ metrics: { kills: 1 } }),
      },
    });
    refusal(() => applyOps(three, [op.move("bag", "c4", potion, 1)], T1, tight), "PLAYER_CATEGORY_LIMIT_EXCEEDED", {
      playerId: "alice",
      limit: 3,
      count: 4,
    });
    // Moving everything out of one category into a new one keeps the count.
    expect(Object.keys(applyOps(three, [op.move("bank", "c4", sword, 1)], T1, tight).player.inventories)).toHaveLength(3);
    refusal(
      () => applyOps(three, [op.grant("bag", sword, 1), op.grant("bag", anItemId("shield"), 1)], T1, tight),
      "INVENTORY_STACK_LIMIT_EXCEEDED",
      { playerId: "alice", category: "bag", limit: 2, count: 3 },
    );
    refusal(
      () => applyOps(three, [op.setMetric("stats", "deaths", 1), op.incrementMetric("bank", "weight", 1)], T1, tight),
      "PLAYER_METRIC_LIMIT_EXCEEDED",
      { playerId: "alice", limit: 2, count: 3 },
    );
    // Changing what exists is no growth.
    expect(applyOps(three, [op.setMetric("stats", "kills", 9), op.grant("bag", potion, 1)], T1, tight).player.version).toBe(2);
  });

  it("refuses a batch that would grow the encoded state past its size, cart aside", () => {
    const bytes = stateBytes(withBag({ [potion]: 1 }));
    const small = { ...limits, stateBytes: bytes };
    const cart = {
      lines: { [sword]: { currency: "gold", offeredPrice: 5, itemCount: 1, specialSale: false, category: "bag", addedAt: T0 } },
    };
    expect(applyOps(aPlayer({ cart }), [op.grant("bag", potion, 1)], T1, small).player.inventories.bag?.stacks).toEqual({ [potion]: 1 });
    const error = refusal(() => applyOps(withBag({ [potion]: 1 }), [op.grant("bag", sword, 1)], T1, small), "PLAYER_STATE_LIMIT_EXCEEDED");
    expect(error.details).toMatchObject({ playerId: "alice", limit: bytes });
  });

  it("refuses growth exactly when the encoded state would pass the limit, over a long chain of commits", () => {
    const limit = 2000;
    const unbounded = { ...limits, stateBytes: Number.MAX_SAFE_INTEGER };
    let state = aPlayer();
    let refusedAt: number | undefined;
    for (let i = 0; i < 100 && refusedAt === undefined; i++) {
      const batch =
        i % 3 === 2 ? [op.consume("bag", anItemId(`i${i - 1}`), 1)] : [op.grant("bag", anItemId(`i${i}`), 1), op.credit("gold", 1)];
      const exact = stateBytes(applyOps(state, batch, T1, unbounded).player);
      try {
        state = applyOps(state, batch, T1, { ...limits, stateBytes: limit }).player;
        expect(exact).toBeLessThanOrEqual(limit);
      } catch (error) {
        expect((error as HoardError).code).toBe("PLAYER_STATE_LIMIT_EXCEEDED");
        expect(exact).toBeGreaterThan(limit);
        refusedAt = i;
      }
    }
    expect(refusedAt).toBeDefined();
  });

  it("lets a state over a lowered limit shrink, and change without growing", () => {
    const over = aPlayer({
      wallet: { gold: 10 },
      inventories: {
        a: anInventory({ stacks: { [potion]: 2, [sword]: 1, [anItemId("shield")]: 1 }, metrics: { x: 1, y: 2, z: 3 } }),
        b: anInventory({ stacks: { [potion]: 1 } }),
        c: anInventory({ stacks: { [potion]: 1 } }),
        d: anInventory({ stacks: { [potion]: 1 } }),
      },
    });
    const lowered = { categories: 1, stacks: 1, metrics: 1, stateBytes: 10, expiryLots: 1000 };
    const shrunk = applyOps(over, [op.consume("a", potion, 1), op.debit("gold", 1), op.move("b", "c", potion, 1)], T1, lowered);
    expect(Object.keys(shrunk.player.inventories)).toEqual(["a", "c", "d"]);
    expect(applyOps(over, [op.grant("a", sword, 1), op.setMetric("a", "x", 5)], T1, lowered).player.inventories.a?.stacks[sword]).toBe(2);
    refusal(() => applyOps(over, [op.grant("a", sword, 9)], T1, lowered), "PLAYER_STATE_LIMIT_EXCEEDED");
  });
});

describe("newPlayer", () => {
  it("starts empty at version 0 and keeps name and class only when given", () => {
    expect(newPlayer({ id: "alice" }, T0)).toEqual({ id: "alice", version: 0, wallet: {}, inventories: {}, createdAt: T0, updatedAt: T0 });
    expect(newPlayer({ id: "bob", name: "Bob", class: "mage" }, T0)).toMatchObject({ name: "Bob", class: "mage" });
  });
});

describe("kitOps, grantedItemIds, opsForbiddenToPlayers, unitsIn", () => {
  it("turns a kit into credits then grants", () => {
    const kit = aKit({ currencies: { gold: 100, gems: 2 }, items: [{ itemId: sword, category: "equipment.weapons", quantity: 1 }] });

    expect(kitOps(kit)).toEqual([op.credit("gold", 100), op.credit("gems", 2), op.grant("equipment.weapons", sword, 1)]);
    expect(kitOps({ name: "empty" })).toEqual([]);
  });

  it("lists the granted item ids once each, and the op types a player may not use", () => {
    const ops = [
      op.grant("bag", potion, 1),
      op.consume("bag", sword, 1),
      op.grant("bank", potion, 2),
      op.move("bag", "bank", sword, 1),
      op.credit("gold", 1),
    ];

    expect(grantedItemIds(ops)).toEqual([potion]);
    expect(opsForbiddenToPlayers(ops)).toEqual(["grant", "credit"]);
    expect(opsForbiddenToPlayers([op.consume("bag", potion, 1), op.move("bag", "bank", potion, 1)])).toEqual([]);
  });

  it("counts the units of an inventory", () => {
    expect(unitsIn(anInventory({ stacks: { [potion]: 3, [sword]: 4 } }))).toBe(7);
    expect(unitsIn(anInventory())).toBe(0);
  });
});

describe("applyOps, for random batches on random players", () => {
  const itemIds = ["a", "b", "c"].map(anItemId);
  const categories = ["bag", "bank", "equipment.weapons"];
  const currencies = ["gold", "gems"];
  const names = ["kills", "rating"];
  const refusals: ErrorCode[] = [
    "INVENTORY_INSUFFICIENT_ITEMS",
    "INVENTORY_CAPACITY_EXCEEDED",
    "INVENTORY_LIMIT_EXCEEDED",
    "WALLET_INSUFFICIENT_FUNDS",
  ];

  const item = fc.constantFrom(...itemIds);
  const category = fc.constantFrom(...categories);
  const currency = fc.constantFrom(...currencies);
  const name = fc.constantFrom(...names);
  const quantity = fc.integer({ min: 1, max: 6 });
  const metricValue = fc.oneof(fc.double({ min: -1000, max: 1000, noNaN: true }), fc.constant(1.5e308));

  const inventory = fc.record(
    {
      stacks: fc.dictionary(item, fc.integer({ min: 1, max: 10 }), { maxKeys: 3 }),
      metrics: fc.dictionary(name, fc.double({ min: -1000, max: 1000, noNaN: true }), { maxKeys: 2 }),
      capacity: fc.integer({ min: 0, max: 40 }),
    },
    { requiredKeys: ["stacks", "metrics"] },
  );
  const player = fc.record({
    wallet: fc.dictionary(currency, fc.integer({ min: 1, max: 20 }), { maxKeys: 2 }),
    inventories: fc.dictionary(category, inventory, { maxKeys: 3 }),
  });
  const anOp: fc.Arbitrary<InventoryOp> = fc.oneof(
    fc.tuple(category, item, quantity).map(([c, i, q]) => op.grant(c, i, q)),
    fc.tuple(category, item, quantity).map(([c, i, q]) => op.consume(c, i, q)),
    fc.tuple(category, category, item, quantity).map(([from, to, i, q]) => op.move(from, to, i, q)),
    fc.tuple(category, name, metricValue).map(([c, n, v]) => op.setMetric(c, n, v)),
    fc.tuple(category, name, metricValue).map(([c, n, v]) => op.incrementMetric(c, n, v)),
    fc.tuple(category, fc.option(fc.integer({ min: 0, max: 40 }))).map(([c, capacity]) => op.setCapacity(c, capacity)),
    fc.tuple(currency, quantity).map(([c, q]) => op.credit(c, q)),
    fc.tuple(currency, quantity).map(([c, q]) => op.debit(c, q)),
  );

  function itemTotals(state: Player): Map<string, number> {
    const totals = new Map<string, number>();
    for (const inv of Object.values(state.inventories)) {
      for (const [itemId, count] of Object.entries(inv.stacks)) totals.set(itemId, (totals.get(itemId) ?? 0) + count);
    }
    return totals;
  }

  it("changes replayed with applyChanges rebuild the new state; totals move by grants − consumes and never go negative", () => {
    const outcomes = { applied: 0, refused: 0 };

    fc.assert(
      fc.property(player, fc.array(anOp, { maxLength: 8 }), (fields, ops) => {
        const before = aPlayer({ ...fields, version: 3 });
        const untouched = structuredClone(before);
        let after: ReturnType<typeof applyOps>;
        try {
          after = applyOps(before, ops, T1, limits);
        } catch (error) {
          expect(error).toBeInstanceOf(HoardError);
          expect(refusals).toContain((error as HoardError).code);
          expect(before).toEqual(untouched);
          outcomes.refused++;
          return;
        }
        outcomes.applied++;
        expect(before).toEqual(untouched);
        expect(applyChanges(before, after.changes, after.player.version, after.player.updatedAt)).toEqual(after.player);

        const was = itemTotals(before);
        const now = itemTotals(after.player);
        for (const itemId of itemIds) {
          let expected = was.get(itemId) ?? 0;
          for (const o of ops) {
            if (o.type === "grant" && o.itemId === itemId) expected += o.quantity;
            if (o.type === "consume" && o.itemId === itemId) expected -= o.quantity;
          }
          expect(now.get(itemId) ?? 0).toBe(expected);
        }
        for (const inv of Object.values(after.player.inventories)) {
          for (const count of Object.values(inv.stacks)) expect(Number.isSafeInteger(count) && count >= 1).toBe(true);
        }
        for (const amount of Object.values(after.player.wallet)) expect(Number.isSafeInteger(amount) && amount >= 1).toBe(true);
        // A category whose stacks or capacity the batch changed ends within its capacity
        // (a generated player may start over capacity where the batch does not look).
        for (const [touched, change] of Object.entries(after.changes.inventories ?? {})) {
          const inv = after.player.inventories[touched];
          if ((change.stacks || change.capacity !== undefined) && inv?.capacity !== undefined) {
            expect(unitsIn(inv)).toBeLessThanOrEqual(inv.capacity);
          }
        }
      }),
      { numRuns: 500 },
    );

    // Both paths must be exercised for the property to mean anything.
    expect(outcomes.applied).toBeGreaterThan(100);
    expect(outcomes.refused).toBeGreaterThan(25);
  });

  it("under tight limits, a state within a limit stays within it, and no touched inventory is left empty", () => {
    const tight = { categories: 2, stacks: 2, metrics: 2, stateBytes: 400, expiryLots: 1000 };
    const limitCodes: ErrorCode[] = [
      "PLAYER_CATEGORY_LIMIT_EXCEEDED",
      "INVENTORY_STACK_LIMIT_EXCEEDED",
      "PLAYER_METRIC_LIMIT_EXCEEDED",
      "PLAYER_STATE_LIMIT_EXCEEDED",
    ];
    const measure = (state: Player) => {
      const inventories = Object.values(state.inventories);
      return {
        categories: inventories.length,
        stacks: Math.max(0, ...inventories.map((inv) => Object.keys(inv.stacks).length)),
        metrics: inventories.reduce((sum, inv) => sum + Object.keys(inv.metrics).length, 0),
        stateBytes: stateBytes(state),
      };
    };
    const outcomes = { applied: 0, limited: 0 };

    fc.assert(
      fc.property(player, fc.array(anOp, { maxLength: 8 }), (fields, ops) => {
        const before = aPlayer({ ...fields, version: 3 });
        let after: ReturnType<typeof applyOps>;
        try {
          after = applyOps(before, ops, T1, tight);
        } catch (error) {
          expect([...refusals, ...limitCodes]).toContain((error as HoardError).code);
          if (limitCodes.includes((error as HoardError).code)) outcomes.limited++;
          return;
        }
        outcomes.applied++;
        expect(applyChanges(before, after.changes, after.player.version, T1)).toEqual(after.player);
        const was = measure(before);
        const now = measure(after.player);
        for (const key of Object.keys(was) as Array<keyof typeof was>) {
          if (was[key] <= tight[key]) expect(now[key], key).toBeLessThanOrEqual(tight[key]);
        }
        for (const touched of Object.keys(after.changes.inventories ?? {})) {
          const inv = after.player.inventories[touched];
          if (inv) expect(isEmptyInventory(inv)).toBe(false);
        }
      }),
      { numRuns: 500 },
    );

    expect(outcomes.applied).toBeGreaterThan(100);
    expect(outcomes.limited).toBeGreaterThan(25);
  });
});
