import { type CartChange, HoardError, type Player, type ShopPrice } from "@hoard/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Guarded, guardKey } from "../commit/plan";
import { DEFAULT_STATE_LIMITS as limits } from "../config";
import { newPlayer } from "../inventory/rules";
import { SUPPLY_GUARD, type SupplyData } from "./port";
import { PriceBook } from "./pricing";
import { addLine, checkout, clearCart, removeLine, setLineCount, withCart, withCartChange } from "./rules";
import { availableOf, dueReleases, heldBy, holdFor, NotLoaded, SupplyLedger } from "./supply";

const T0 = Date.parse("2026-06-01T12:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();
const item = "a".repeat(64);
const other = "b".repeat(64);
const price: ShopPrice = { itemId: item, currency: "gold", price: 1, updatedAt: iso(T0) };
const MINUTE = 60_000;

/** The shop and the players as a store would keep them: each change is all or nothing, the supply compare-and-set. */
class World {
  supply: Guarded<SupplyData> | undefined;
  readonly players = new Map<string, Player>();
  sold = 0;

  constructor(units: number | null) {
    if (units !== null) this.supply = { kind: SUPPLY_GUARD, id: item, version: 1, data: { supply: units, held: 0, sold: 0 } };
  }

  player(id: string): Player {
    const stored = this.players.get(id) ?? { ...newPlayer({ id }, iso(T0)), version: 1, wallet: { gold: 1_000_000 } };
    this.players.set(id, stored);
    return stored;
  }

  /** Runs a cart commit as CartService does; a refusal (HoardError) changes nothing. */
  commit(id: string, run: (player: Player, supplies: SupplyLedger) => Player): HoardError | undefined {
    const guards = new Map(this.supply ? [[guardKey(this.supply), this.supply]] : []);
    const supplies = new SupplyLedger(guards, new Set([item]));
    try {
      const next = run(this.player(id), supplies);
      for (const write of supplies.writes()) {
        expect(write.version).toBe((this.supply?.version ?? 0) + 1);
        this.supply = write as Guarded<SupplyData>;
      }
      this.players.set(id, next);
      return undefined;
    } catch (error) {
      if (error instanceof HoardError) return error;
      throw error;
    }
  }

  edit(id: string, at: number, rule: (player: Player, supplies: SupplyLedger) => CartChange | undefined): HoardError | undefined {
    return this.commit(id, (player, supplies) => {
      const change = rule(player, supplies);
      if (!change) return player;
      holdFor(supplies, player.cart, change);
      return withCartChange(player, change, iso(at)).player;
    });
  }

  /** The return sweep's cart part (expiry/sweeper.ts). */
  sweep(id: string, at: number): void {
    this.commit(id, (player, supplies) => {
      const release = dueReleases(player.cart, iso(at));
      if (!release) return player;
      holdFor(supplies, player.cart, release);
      return withCart({ ...player, version: player.version + 1 }, release);
    });
  }

  checkout(id: string, at: number): HoardError | undefined {
    return this.commit(id, (player, supplies) => {
      const plan = checkout(player, new PriceBook({ itemIds: [item], entries: [price] }), {
        opId: "op-checkout",
        at: iso(at),
        limits,
        supplies,
      });
      if (plan.outcome !== "order") throw new Error("no price changes here");
      this.sold += plan.order.lines.reduce((sum, line) => sum + line.itemCount, 0);
      return plan.player;
    });
  }

  heldByCarts(): number {
    return [...this.players.values()].reduce((sum, player) => sum + heldBy(player.cart?.lines[item]), 0);
  }
}

const offer = (itemCount: number, reserveForMs?: number) => ({
  itemId: item,
  currency: "gold",
  offeredPrice: 1,
  itemCount,
  category: "bag",
  ...(reserveForMs === undefined ? {} : { reserveForMs }),
});

describe("supply rules", () => {
  it("holds, refuses past what is left, releases on remove, converts at checkout", () => {
    const world = new World(5);
    expect(world.edit("alice", T0, (p, s) => addLine(p, offer(3, MINUTE), price, iso(T0), s))).toBeUndefined();
    expect(world.supply?.data).toEqual({ supply: 5, held: 3, sold: 0 });
    expect(world.player("alice").cart?.lines[item]?.reservedUntil).toBe(iso(T0 + MINUTE));

    const refused = world.edit("bob", T0, (p, s) => addLine(p, offer(3, MINUTE), price, iso(T0), s));
    expect(refused).toMatchObject({ code: "SHOP_SOLD_OUT", details: { itemId: item, available: 2, asked: 3 } });
    expect(world.player("bob").cart).toBeUndefined();

    // Adding to a line that holds holds the added units too, until the line's first time.
    expect(world.edit("alice", T0 + 1000, (p, s) => addLine(p, offer(1), price, iso(T0 + 1000), s))).toBeUndefined();
    expect(world.supply?.data.held).toBe(4);
    expect(world.player("alice").cart?.lines[item]?.reservedUntil).toBe(iso(T0 + MINUTE));

    expect(world.edit("alice", T0, (p) => setLineCount(p, item, 2))).toBeUndefined();
    expect(world.supply?.data.held).toBe(2);
    expect(world.checkout("alice", T0 + 2000)).toBeUndefined();
    expect(world.supply?.data).toEqual({ supply: 5, held: 0, sold: 2 });

    expect(world.edit("bob", T0, (p, s) => addLine(p, offer(3, MINUTE), price, iso(T0), s))).toBeUndefined();
    expect(world.edit("bob", T0, (p) => removeLine(p, item))).toBeUndefined();
    expect(world.supply?.data).toEqual({ supply: 5, held: 0, sold: 2 });
  });

  it("an unreserved line of a limited item is sold only while units are left", () => {
    const world = new World(2);
    expect(world.edit("alice", T0, (p, s) => addLine(p, offer(2), price, iso(T0), s))).toBeUndefined();
    expect(world.edit("bob", T0, (p, s) => addLine(p, offer(2), price, iso(T0), s))).toBeUndefined();
    expect(world.supply?.data.held).toBe(0);
    expect(world.checkout("bob", T0)).toBeUndefined();
    expect(world.checkout("alice", T0)).toMatchObject({ code: "SHOP_SOLD_OUT", details: { available: 0, asked: 2 } });
    expect(world.player("alice").inventories.bag).toBeUndefined();
    expect(world.edit("carol", T0, (p, s) => addLine(p, offer(1), price, iso(T0), s))).toMatchObject({ code: "SHOP_SOLD_OUT" });
  });

  it("refuses to reserve an item without a supply, and lets the return sweep release a reservation once", () => {
    expect(new World(null).edit("alice", T0, (p, s) => addLine(p, offer(1, MINUTE), price, iso(T0), s))).toMatchObject({
      code: "SHOP_ITEM_NOT_LIMITED",
    });
    const world = new World(3);
    world.edit("alice", T0, (p, s) => addLine(p, offer(3, MINUTE), price, iso(T0), s));
    world.sweep("alice", T0 + MINUTE - 1);
    expect(world.supply?.data.held).toBe(3);
    world.sweep("alice", T0 + MINUTE);
    world.sweep("alice", T0 + MINUTE);
    expect(world.supply?.data.held).toBe(0);
    expect(world.player("alice").cart?.lines[item]).toMatchObject({ itemCount: 3 });
    expect(world.player("alice").cart?.lines[item]?.reservedUntil).toBeUndefined();
  });

  it("asks for the supply again when a line's item was not loaded", () => {
    const supplies = new SupplyLedger(new Map(), new Set([item]));
    expect(() => supplies.hold(other, 1)).toThrow(NotLoaded);
  });

  it("never sells or holds more than the supply, and what the carts hold is always what the supply says is held", () => {
    const players = ["p1", "p2", "p3"];
    const id = fc.constantFrom(...players);
    const command = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({ type: fc.constant("add" as const), id, count: fc.integer({ min: 1, max: 4 }), reserve: fc.boolean() }),
      },
      { weight: 1, arbitrary: fc.record({ type: fc.constant("update" as const), id, count: fc.integer({ min: 0, max: 5 }) }) },
      { weight: 1, arbitrary: fc.record({ type: fc.constant("clear" as const), id }) },
      { weight: 3, arbitrary: fc.record({ type: fc.constant("checkout" as const), id }) },
      { weight: 1, arbitrary: fc.record({ type: fc.constant("sweep" as const), id }) },
      { weight: 1, arbitrary: fc.record({ type: fc.constant("wait" as const), ms: fc.integer({ min: 1, max: 2 * MINUTE }) }) },
    );

    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8 }), fc.array(command, { maxLength: 40 }), (units, commands) => {
        const world = new World(units);
        let now = T0;
        for (const next of commands) {
          const at = iso(now);
          if (next.type === "wait") now += next.ms;
          else if (next.type === "add")
            world.edit(next.id, now, (p, s) => addLine(p, offer(next.count, next.reserve ? MINUTE : undefined), price, at, s));
          else if (next.type === "update")
            world.edit(next.id, now, (p) => (p.cart?.lines[item] ? setLineCount(p, item, next.count) : undefined));
          else if (next.type === "clear") world.edit(next.id, now, (p) => clearCart(p));
          else if (next.type === "checkout") world.checkout(next.id, now);
          else world.sweep(next.id, now);

          const data = world.supply?.data as SupplyData;
          expect(data.held).toBe(world.heldByCarts());
          expect(data.sold).toBe(world.sold);
          expect(data.held + data.sold).toBeLessThanOrEqual(units);
          expect(availableOf(data)).toBe(units - data.held - data.sold);
        }
        // Everything still held returns once its time has passed.
        for (const id of players) world.sweep(id, now + 2 * MINUTE);
        expect(world.supply?.data.held).toBe(0);
        expect(world.supply?.data.sold).toBe(world.sold);
      }),
      { numRuns: 1000 },
    );
  });
});
