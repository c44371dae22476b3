import { type HistoryEntry, HoardError, type InventoryOp, type Player, type ShopPrice, type TradeBundle } from "@hoard/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anActor, anInventory, anItemId, aPlayer, op, T0 } from "../../../test/support/builders";
import { PriceBook } from "../cart/pricing";
import { addLine, checkout, withCartChange } from "../cart/rules";
import { SupplyLedger } from "../cart/supply";
import type { PlayerWrite } from "../commit/plan";
import { DEFAULT_STATE_LIMITS as limits } from "../config";
import { swap } from "../trade/rules";
import { type ReversalScope, reversalScope, reversalWrites } from "./reverse";
import { applyOps } from "./rules";

/**
 * The inverse of every kind of op log entry a commit writes: the kinds that are undone (one
 * player's change, a trade across both players, a checkout as a refund) and a typed refusal for
 * the others. Entries are made by the real rules (inventory, trade, cart), as the services do.
 */

const potion = anItemId("potion");
const sword = anItemId("sword");
const LATER = "2030-01-02T00:00:00.000Z";

/** The op log entry a write makes (as the store writes it). */
function entryOf(write: PlayerWrite, kind: string): HistoryEntry {
  return {
    playerId: write.player.id,
    version: write.player.version,
    opId: "op-under-test",
    actor: anActor(),
    kind,
    ops: write.ops,
    changes: write.changes,
    at: T0,
  };
}

const noPrior = { metrics: new Map(), capacities: new Map() };
/** Undoes `entries` (one commit) against the players as they are now. */
const undo = (entries: HistoryEntry[], now: Player[]) =>
  reversalWrites(
    entries.map((entry) => ({ entry, prior: noPrior })),
    new Map(now.map((player) => [player.id, player])),
    LATER,
    limits,
  );
const content = (player: Player) => ({ wallet: player.wallet, inventories: player.inventories });
const refusalOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof HoardError) return { code: error.code, message: error.message, details: error.details };
    throw error;
  }
  throw new Error("not refused");
};

const alice = aPlayer({ id: "alice", version: 3, wallet: { gold: 100 }, inventories: { bag: anInventory({ stacks: { [potion]: 4 } }) } });
const bob = aPlayer({ id: "bob", version: 7, wallet: { gold: 20 }, inventories: { bag: anInventory({ stacks: { [sword]: 2 } }) } });
const bundle = (items: Array<[string, number]>, gold = 0): TradeBundle => ({
  items: items.map(([itemId, quantity]) => ({ category: "bag", itemId, quantity })),
  currencies: gold > 0 ? { gold } : {},
});

/** A trade executed by the trade rules: the parties' states after it and their two entries. */
function traded(give: TradeBundle, want: TradeBundle, kind = "trades:execute") {
  const writes = swap({ from: alice, to: bob }, { from: "alice", to: "bob", give, want, toInto: "loot" }, T0, limits);
  return { after: writes.map((write) => write.player), entries: writes.map((write) => entryOf(write, kind)) };
}

/** A checkout by the cart rules: 2 potions at 15 gold and 1 sword at 40, from 100 gold. */
function checkedOut() {
  const prices: ShopPrice[] = [
    { itemId: potion, currency: "gold", price: 15, updatedAt: T0 },
    { itemId: sword, currency: "gold", price: 40, updatedAt: T0 },
  ];
  let player: Player = { ...alice, inventories: {} };
  const unlimited = new SupplyLedger(new Map(), new Set([potion, sword]));
  for (const [itemId, count, price] of [
    [potion, 2, prices[0]],
    [sword, 1, prices[1]],
  ] as const) {
    const line = { itemId, currency: "gold", offeredPrice: price?.price ?? 0, itemCount: count, category: "bag" };
    player = withCartChange(player, addLine(player, line, price, T0, unlimited), T0).player;
  }
  const plan = checkout(player, new PriceBook({ itemIds: [potion, sword], entries: prices }), {
    opId: "op-buy",
    at: T0,
    limits,
    supplies: unlimited,
  });
  if (plan.outcome !== "order") throw new Error(plan.outcome);
  const entry = entryOf({ player: plan.player, ops: plan.ops, changes: plan.changes }, "cart:checkout");
  return { before: player, after: plan.player, entry };
}

describe("reversalScope: every kind of op log entry has an inverse or a typed refusal", () => {
  const base = entryOf({ player: alice, ops: [op.credit("gold", 1)], changes: { wallet: { gold: 101 } } }, "inventory:apply");

  it.each<{ kind: string; ops?: HistoryEntry["ops"]; scope: ReversalScope }>([
    { kind: "inventory:apply", scope: "player" },
    { kind: "trades:accept", scope: "trade" },
    { kind: "trades:execute", scope: "trade" },
    { kind: "cart:checkout", scope: "refund" },
  ])("$kind is undone as $scope", ({ kind, scope }) => {
    expect(reversalScope({ ...base, kind })).toBe(scope);
  });

  it.each<{ kind: string; ops?: HistoryEntry["ops"]; reverses?: number; says: RegExp }>([
    { kind: "players:create", says: /creating a player/ },
    { kind: "cart:add", ops: [], says: /edit the cart/ },
    { kind: "cart:update", ops: [], says: /edit the cart/ },
    { kind: "cart:remove", ops: [], says: /edit the cart/ },
    { kind: "cart:clear", ops: [], says: /edit the cart/ },
    { kind: "cart:checkout", ops: [], says: /charged nothing/ },
    { kind: "inventory:reverse", reverses: 2, says: /itself a reversal/ },
    { kind: "inventory:expire", says: /expired are not brought back/ },
    { kind: "cart:release", says: /reservation that ended/ },
    { kind: "something:new", says: /cannot be reversed/ },
  ])("$kind is refused: INVENTORY_NOT_REVERSIBLE saying why", ({ kind, ops, reverses, says }) => {
    const entry = { ...base, kind, ...(ops ? { ops } : {}), ...(reverses === undefined ? {} : { reverses }) };

    const refused = refusalOf(() => reversalScope(entry));

    expect(refused).toMatchObject({ code: "INVENTORY_NOT_REVERSIBLE", details: { kind } });
    expect(refused.message).toMatch(says);
  });
});

describe("a trade is undone across both players in one set of writes", () => {
  it("right after it, both players are back where they were, each write linked to its own entry", () => {
    const trade = traded(bundle([[potion, 3]], 10), bundle([[sword, 1]], 5));

    const writes = undo(trade.entries, trade.after);

    expect(writes.map((write) => content(write.player))).toEqual([content(alice), content(bob)]);
    expect(writes.map((write) => [write.player.id, write.reverses])).toEqual([
      ["alice", alice.version + 1],
      ["bob", bob.version + 1],
    ]);
    // Bob received into "loot": that is where it is taken back from.
    expect(writes[1]?.ops).toContainEqual(op.consume("loot", potion, 3));
  });

  it("refuses when either player no longer holds what must go back, naming the player and the item", () => {
    const trade = traded(bundle([[potion, 3]]), bundle([[sword, 2]]));
    const [afterAlice, afterBob] = trade.after as [Player, Player];
    const bobSpent = applyOps(afterBob, [op.consume("loot", potion, 2)], LATER, limits).player;

    expect(refusalOf(() => undo(trade.entries, [afterAlice, bobSpent]))).toMatchObject({
      code: "INVENTORY_INSUFFICIENT_ITEMS",
      details: { playerId: "bob", category: "loot", itemId: potion, have: 1, need: 3 },
    });
    const aliceSpent = applyOps(afterAlice, [op.consume("bag", sword, 2)], LATER, limits).player;
    expect(refusalOf(() => undo(trade.entries, [aliceSpent, afterBob]))).toMatchObject({
      code: "INVENTORY_INSUFFICIENT_ITEMS",
      details: { playerId: "alice", itemId: sword },
    });
  });
});

describe("a checkout is undone as a refund", () => {
  it("takes back every item bought and returns the currency paid; the cart stays as it is now", () => {
    const bought = checkedOut();

    const [write] = undo([bought.entry], [bought.after]);

    expect(write?.player.wallet).toEqual(bought.before.wallet);
    expect(write?.player.inventories).toEqual(bought.before.inventories);
    expect(write?.player.cart).toBeUndefined();
    expect(write?.ops).toEqual([op.consume("bag", sword, 1), op.consume("bag", potion, 2), op.credit("gold", 70)]);
  });

  it("refuses when the player has used what it bought: INVENTORY_INSUFFICIENT_ITEMS naming it", () => {
    const bought = checkedOut();
    const used = applyOps(bought.after, [op.consume("bag", potion, 1)], LATER, limits).player;

    expect(refusalOf(() => undo([bought.entry], [used]))).toMatchObject({
      code: "INVENTORY_INSUFFICIENT_ITEMS",
      details: { playerId: "alice", itemId: potion, have: 1, need: 2 },
    });
  });
});

describe("conservation: a reversal moves exactly what the entry moved, back, whatever happened after it", () => {
  /** Units of every (player, category, item) and (player, currency). */
  function counts(players: readonly Player[]): Map<string, number> {
    const result = new Map<string, number>();
    for (const player of players) {
      for (const [currency, amount] of Object.entries(player.wallet)) result.set(`${player.id}/${currency}`, amount);
      for (const [category, inventory] of Object.entries(player.inventories)) {
        for (const [itemId, quantity] of Object.entries(inventory.stacks)) result.set(`${player.id}/${category}/${itemId}`, quantity);
      }
    }
    return result;
  }
  function expectOpposite(undone: [Player[], Player[]], done: [Player[], Player[]]) {
    const [undoneAfter, undoneBefore] = undone.map(counts) as [Map<string, number>, Map<string, number>];
    const [doneAfter, doneBefore] = done.map(counts) as [Map<string, number>, Map<string, number>];
    const keys = new Set([...undoneAfter.keys(), ...undoneBefore.keys(), ...doneAfter.keys(), ...doneBefore.keys()]);
    for (const key of keys) {
      const sum = (undoneAfter.get(key) ?? 0) - (undoneBefore.get(key) ?? 0) + (doneAfter.get(key) ?? 0) - (doneBefore.get(key) ?? 0);
      expect({ key, sum }).toEqual({ key, sum: 0 });
    }
  }
  const someItems = fc.array(fc.tuple(fc.constantFrom(potion, sword), fc.integer({ min: 1, max: 3 })), { maxLength: 2 });
  const laterOps = fc.array(
    fc.oneof(
      fc.integer({ min: 1, max: 3 }).map((q) => op.grant("loot", sword, q)),
      fc.integer({ min: 1, max: 3 }).map((q) => op.consume("bag", potion, q)),
      fc.integer({ min: 1, max: 30 }).map((amount) => op.debit("gold", amount)),
      fc.integer({ min: 1, max: 30 }).map((amount) => op.credit("gold", amount)),
    ),
    { maxLength: 3 },
  );
  /** Applies what the rules accept of `ops` (a refused batch is not in the log). */
  const live = (player: Player, ops: InventoryOp[]) => {
    try {
      return applyOps(player, ops, LATER, limits).player;
    } catch (error) {
      if (error instanceof HoardError) return player;
      throw error;
    }
  };

  it("a trade: every stack and currency of both players changes by minus what the trade changed", () => {
    fc.assert(
      fc.property(
        someItems,
        fc.nat({ max: 30 }),
        someItems,
        fc.nat({ max: 15 }),
        laterOps,
        laterOps,
        (gives, giveGold, wants, wantGold, aliceLater, bobLater) => {
          let trade: ReturnType<typeof traded>;
          try {
            trade = traded(bundle(gives, giveGold), bundle(wants, wantGold));
          } catch (error) {
            if (error instanceof HoardError) return; // the trade itself was refused: no entry to undo
            throw error;
          }
          const now = [live(trade.after[0] as Player, aliceLater), live(trade.after[1] as Player, bobLater)];
          let writes: PlayerWrite[];
          try {
            writes = undo(trade.entries, now);
          } catch (error) {
            if (error instanceof HoardError) return; // refused: nothing written, nothing to conserve
            throw error;
          }
          expectOpposite([writes.map((write) => write.player), now], [trade.after, [alice, bob]]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a refund: the player's stacks and currencies change by minus what the checkout changed", () => {
    fc.assert(
      fc.property(laterOps, (after) => {
        const bought = checkedOut();
        const now = live(bought.after, after);
        let writes: PlayerWrite[];
        try {
          writes = undo([bought.entry], [now]);
        } catch (error) {
          if (error instanceof HoardError) return;
          throw error;
        }
        expectOpposite([writes.map((write) => write.player), [now]], [[bought.after], [bought.before]]);
      }),
      { numRuns: 200 },
    );
  });
});
