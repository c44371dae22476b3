import { applyChanges, HoardError, type InventoryOp, type Player, withoutExpired } from "@hoard/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anInventory, anItemId, aPlayer, op } from "../../../test/support/builders";
import { nextExpiryOf } from "../commit/plan";
import { applyOps, DEFAULT_STATE_LIMITS, expireDue, unitsIn } from "./rules";

/** Pure rules of expiring units: grants with a time, consume order, moves, the sweep's rule, the read filter. */

const T1 = "2030-01-02T00:00:00.000Z";
const at = (ms: number) => new Date(Date.parse(T1) + ms).toISOString();
const limits = DEFAULT_STATE_LIMITS;
const potion = anItemId("potion");
const grantFor = (quantity: number, ms: number, category = "bag"): Extract<InventoryOp, { type: "grant" }> => ({
  type: "grant",
  category,
  itemId: potion,
  quantity,
  expiresInMs: ms,
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof HoardError ? error.code : "not a HoardError";
  }
  return undefined;
}

/** Every unit of the potion the player holds, permanent and expiring, live at `ms` or not. */
function units(player: Player, atIso?: string): number {
  const shown = atIso === undefined ? player : withoutExpired(player, Date.parse(atIso));
  return Object.values(shown.inventories).reduce((sum, inventory) => sum + unitsIn(inventory), 0);
}

describe("expiring grants", () => {
  it("keeps expiring units apart from permanent ones, one lot per time, soonest first", () => {
    const { player, changes } = applyOps(
      aPlayer(),
      [op.grant("bag", potion, 2), grantFor(3, 60_000), grantFor(1, 1000), grantFor(4, 60_000)],
      T1,
      limits,
    );
    expect(player.inventories.bag?.stacks).toEqual({ [potion]: 2 });
    expect(player.inventories.bag?.expiring).toEqual({
      [potion]: [
        { expiresAt: at(1000), quantity: 1 },
        { expiresAt: at(60_000), quantity: 7 },
      ],
    });
    expect(nextExpiryOf(player)).toBe(at(1000));
    expect(applyChanges(aPlayer(), changes, player.version, T1)).toEqual(player);
  });

  it("takes expiresAt with an offset, normalised to UTC, and refuses a time not after the commit or both forms at once", () => {
    // 02:00+02:00 is 00:00Z, the commit's own time at T1: not after it.
    const withOffset: InventoryOp = { type: "grant", category: "bag", itemId: potion, quantity: 1, expiresAt: "2030-01-02T02:00:00+02:00" };
    expect(applyOps(aPlayer(), [withOffset], at(-1), limits).player.inventories.bag?.expiring?.[potion]?.[0]?.expiresAt).toBe(T1);
    expect(codeOf(() => applyOps(aPlayer(), [withOffset], T1, limits))).toBe("INVENTORY_EXPIRY_INVALID");
    expect(codeOf(() => applyOps(aPlayer(), [{ ...grantFor(1, 5), expiresAt: at(10) }], T1, limits))).toBe("INVENTORY_EXPIRY_INVALID");
  });

  it("consumes the soonest-expiring live units first, never a lot past its time, then permanent ones", () => {
    const held = applyOps(aPlayer(), [op.grant("bag", potion, 5), grantFor(2, 1000), grantFor(3, 5000)], T1, limits).player;
    // At +2 s the first lot is past its time: 3 expiring + 5 permanent are left to take.
    const after = applyOps(held, [op.consume("bag", potion, 4)], at(2000), limits);
    expect(after.player.inventories.bag?.expiring?.[potion]).toEqual([{ expiresAt: at(1000), quantity: 2 }]);
    expect(after.player.inventories.bag?.stacks[potion]).toBe(4);
    // The change shows what a reader sees: no lot past its time.
    expect(after.changes.inventories?.bag?.expiring).toEqual({ [potion]: [] });
    expect(codeOf(() => applyOps(held, [op.consume("bag", potion, 9)], at(2000), limits))).toBe("INVENTORY_INSUFFICIENT_ITEMS");
    expect(codeOf(() => applyOps(held, [op.consume("bag", potion, 11)], at(0), limits))).toBe("INVENTORY_INSUFFICIENT_ITEMS");
  });

  it("gives permanent units only when asked to (a trade's side), so expiring units never turn permanent elsewhere", () => {
    const held = applyOps(aPlayer(), [op.grant("bag", potion, 1), grantFor(5, 1000)], T1, limits).player;
    expect(codeOf(() => applyOps(held, [op.consume("bag", potion, 2)], T1, limits, { permanentOnly: true }))).toBe(
      "INVENTORY_INSUFFICIENT_ITEMS",
    );
    const given = applyOps(held, [op.consume("bag", potion, 1)], T1, limits, { permanentOnly: true }).player;
    expect(given.inventories.bag?.expiring?.[potion]).toEqual([{ expiresAt: at(1000), quantity: 5 }]);
  });

  it("moves expiring units with their time", () => {
    const held = applyOps(aPlayer(), [op.grant("bag", potion, 1), grantFor(2, 1000)], T1, limits).player;
    const moved = applyOps(held, [op.move("bag", "vault", potion, 3)], T1, limits).player;
    expect(moved.inventories.bag).toBeUndefined();
    expect(moved.inventories.vault).toEqual(
      anInventory({ stacks: { [potion]: 1 }, expiring: { [potion]: [{ expiresAt: at(1000), quantity: 2 }] } }),
    );
  });

  it("bounds the distinct lots per stack and per player with a typed refusal", () => {
    const many = Array.from({ length: 65 }, (_, i) => grantFor(1, 1000 + i));
    expect(codeOf(() => applyOps(aPlayer(), many.slice(0, 64), T1, limits))).toBeUndefined();
    expect(codeOf(() => applyOps(aPlayer(), many, T1, limits))).toBe("INVENTORY_EXPIRY_LOT_LIMIT_EXCEEDED");
    const tight = { ...limits, expiryLots: 3 };
    const spread = ["a", "b", "c", "d"].map((category, i) => grantFor(1, 1000 + i, category));
    expect(codeOf(() => applyOps(aPlayer(), spread.slice(0, 3), T1, tight))).toBeUndefined();
    expect(codeOf(() => applyOps(aPlayer(), spread, T1, tight))).toBe("INVENTORY_EXPIRY_LOT_LIMIT_EXCEEDED");
    // Lots count toward the state's size too.
    expect(codeOf(() => applyOps(aPlayer(), many.slice(0, 60), T1, { ...limits, stateBytes: 2000 }))).toBe("PLAYER_STATE_LIMIT_EXCEEDED");
  });
});

describe("expireDue (the sweep's rule) and the read filter", () => {
  const held = applyOps(
    aPlayer(),
    [op.grant("bag", potion, 1), grantFor(2, 1000), grantFor(3, 5000), grantFor(4, 1000, "vault")],
    T1,
    limits,
  ).player;

  it("removes exactly the lots at or past their time, as one version that names each, and nothing before", () => {
    expect(expireDue(held, at(999))).toBeUndefined();
    const due = expireDue(held, at(1000));
    expect(due?.ops).toEqual([
      { type: "expire", category: "bag", itemId: potion, quantity: 2, expiresAt: at(1000) },
      { type: "expire", category: "vault", itemId: potion, quantity: 4, expiresAt: at(1000) },
    ]);
    expect(due?.player.version).toBe(held.version + 1);
    expect(due?.player.inventories.vault).toBeUndefined();
    expect(nextExpiryOf(due?.player as Player)).toBe(at(5000));
    expect(applyChanges(held, due?.changes ?? {}, held.version + 1, at(1000))).toEqual(due?.player);
    // Twice is nothing: what left is gone.
    expect(expireDue(due?.player as Player, at(1000))).toBeUndefined();
  });

  it("hides lots past their time from readers before any sweep, and shows the swept state exactly", () => {
    expect(withoutExpired(held, Date.parse(at(999)))).toBe(held);
    const shown = withoutExpired(held, Date.parse(at(1000)));
    expect(shown).toEqual(
      expireDue(held, at(1000))?.player && { ...expireDue(held, at(1000))?.player, version: held.version, updatedAt: held.updatedAt },
    );
    expect(held.inventories.vault).toBeDefined();
  });

  it("conserves units: what a reader sees = grants − consumes − expiries, at every time (property)", () => {
    const step = fc.oneof(
      fc.record({
        kind: fc.constant("grant" as const),
        quantity: fc.integer({ min: 1, max: 5 }),
        ms: fc.option(fc.integer({ min: 1, max: 50 })),
      }),
      fc.record({ kind: fc.constant("consume" as const), quantity: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ kind: fc.constant("sweep" as const) }),
      fc.record({ kind: fc.constant("move" as const), quantity: fc.integer({ min: 1, max: 5 }) }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(step, fc.integer({ min: 0, max: 20 })), { maxLength: 40 }), (steps) => {
        let player = aPlayer();
        let clock = 0;
        let net = 0;
        for (const [s, advance] of steps) {
          clock += advance;
          const now = at(clock);
          if (s.kind === "sweep") {
            const due = expireDue(player, now);
            if (due) {
              net -= due.ops.reduce((sum, o) => sum + o.quantity, 0);
              player = due.player;
            }
            continue;
          }
          const ops =
            s.kind === "grant"
              ? [s.ms === null ? op.grant("bag", potion, s.quantity) : grantFor(s.quantity, s.ms)]
              : s.kind === "consume"
                ? [op.consume("bag", potion, s.quantity)]
                : [op.move("bag", "vault", potion, s.quantity), op.move("vault", "bag", potion, s.quantity)];
          try {
            player = applyOps(player, ops, now, limits).player;
            net += s.kind === "grant" ? s.quantity : s.kind === "consume" ? -s.quantity : 0;
          } catch (error) {
            expect((error as HoardError).code).toBe("INVENTORY_INSUFFICIENT_ITEMS");
          }
          // Held units = acked grants − consumes − swept expiries; what readers see drops lots past time on top.
          expect(units(player)).toBe(net);
          const hidden = units(player) - units(player, now);
          expect(hidden).toBe(expireDue(player, now)?.ops.reduce((sum, o) => sum + o.quantity, 0) ?? 0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
