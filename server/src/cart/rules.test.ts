import { applyChanges, type CartChange, type HoardError, MAX_CART_LINES, type Player, type ShopPrice } from "@hoard/protocol";
import { describe, expect, it } from "vitest";
import { DEFAULT_STATE_LIMITS as limits } from "../config";
import { newPlayer } from "../inventory/rules";
import { currentPrice, PriceBook } from "./pricing";
import { addLine, cartTotals, checkout, clearCart, type Offer, removeLine, setLineCount, withCartChange } from "./rules";
import { NotLoaded, SupplyLedger } from "./supply";

const T0 = "2026-06-01T12:00:00.000Z";
const later = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();
const HOUR = 3_600_000;
const itemA = "a".repeat(64);
const itemB = "b".repeat(64);
/** No item is limited: every item is declared, none has a supply. */
const open = new SupplyLedger(new Map(), { has: () => true });

function price(overrides: Partial<ShopPrice> = {}): ShopPrice {
  return { itemId: itemA, currency: "gold", price: 50, updatedAt: T0, ...overrides };
}

function offer(overrides: Partial<Offer> = {}): Offer {
  return { itemId: itemA, currency: "gold", offeredPrice: 50, itemCount: 1, category: "bag", ...overrides };
}

function player(wallet: Record<string, number> = {}): Player {
  return { ...newPlayer({ id: "alice" }, T0), version: 1, wallet };
}

/** Commits a cart change the way the service does, and checks a subscriber would see the same state. */
function commit(before: Player, change: CartChange | undefined, at = T0): Player {
  if (!change) return before;
  const next = withCartChange(before, change, at);
  expect(applyChanges(before, next.changes, next.player.version, at)).toEqual(next.player);
  return next.player;
}

function refusal(run: () => unknown): HoardError {
  try {
    run();
  } catch (error) {
    return error as HoardError;
  }
  throw new Error("expected a refusal");
}

describe("currentPrice", () => {
  const sale = price({ sale: { price: 40, startsAt: later(HOUR), expiresAt: later(2 * HOUR) } });

  it("is the regular price before a sale starts, the sale price while it runs, and regular again at its expiry", () => {
    expect(currentPrice(sale, Date.parse(T0))).toEqual({ price: 50, specialSale: false });
    expect(currentPrice(sale, Date.parse(later(HOUR)))).toEqual({ price: 40, specialSale: true, saleExpiration: later(2 * HOUR) });
    expect(currentPrice(sale, Date.parse(later(2 * HOUR)))).toEqual({ price: 50, specialSale: false });
  });
});

describe("cart edits", () => {
  it("adds at the current price, merges counts of the same item, and sets and removes lines", () => {
    let alice = commit(player(), addLine(player(), offer({ itemCount: 2 }), price(), T0, open));
    alice = commit(alice, addLine(alice, offer({ itemCount: 3 }), price(), later(1), open));
    expect(alice.cart?.lines[itemA]).toMatchObject({ itemCount: 5, offeredPrice: 50, specialSale: false, addedAt: T0 });
    alice = commit(
      alice,
      addLine(alice, offer({ itemId: itemB, offeredPrice: 10, itemCount: 3 }), price({ itemId: itemB, price: 10 }), T0, open),
    );
    expect(cartTotals(alice.cart)).toEqual({ gold: 280 });

    alice = commit(alice, setLineCount(alice, itemA, 1));
    expect(cartTotals(alice.cart)).toEqual({ gold: 80 });
    alice = commit(alice, removeLine(alice, itemA));
    expect(Object.keys(alice.cart?.lines ?? {})).toEqual([itemB]);
    alice = commit(alice, setLineCount(alice, itemB, 0));
    expect(alice.cart).toBeUndefined();
    expect(clearCart(alice)).toBeUndefined();
  });

  it("refuses an offer that is not the current price, and says what the price is", () => {
    const onSale = price({ sale: { price: 40, expiresAt: later(HOUR) } });
    expect(refusal(() => addLine(player(), offer({ offeredPrice: 1 }), price(), T0, open))).toMatchObject({
      code: "CART_PRICE_CHANGED",
      details: { current: { price: 50, specialSale: false } },
    });
    expect(refusal(() => addLine(player(), offer({ offeredPrice: 50 }), onSale, T0, open))).toMatchObject({ code: "CART_PRICE_CHANGED" });
    expect(refusal(() => addLine(player(), offer({ offeredPrice: 40 }), onSale, later(HOUR), open))).toMatchObject({
      code: "CART_PRICE_CHANGED",
      details: { current: { price: 50 } },
    });
    expect(refusal(() => addLine(player(), offer({ offeredPrice: 40, specialSale: false }), onSale, T0, open)).code).toBe(
      "CART_PRICE_CHANGED",
    );
    const stale = offer({ offeredPrice: 40, saleExpiration: later(2 * HOUR) });
    expect(refusal(() => addLine(player(), stale, onSale, T0, open)).code).toBe("CART_PRICE_CHANGED");

    // The right price with the wrong sale terms: the message names the term, never "costs 40 now, not 40".
    const wrongSale = refusal(() => addLine(player(), offer({ offeredPrice: 40, specialSale: false }), onSale, T0, open));
    expect(wrongSale).toMatchObject({ details: { term: "specialSale" } });
    expect(wrongSale.message).toBe(`${itemA}: is on sale until ${later(HOUR)} now (specialSale true, not false)`);
    const wrongEnd = refusal(() => addLine(player(), stale, onSale, T0, open));
    expect(wrongEnd).toMatchObject({ details: { term: "saleExpiration" } });
    expect(wrongEnd.message).toBe(`${itemA}: is on sale until ${later(HOUR)} now, not on a sale ending ${later(2 * HOUR)}`);
    const noSale = refusal(() => addLine(player(), offer({ offeredPrice: 50, specialSale: true }), price(), T0, open));
    expect(noSale.message).toBe(`${itemA}: is not on sale now (specialSale false, not true)`);
    expect(refusal(() => addLine(player(), offer({ offeredPrice: 1 }), price(), T0, open)).message).toBe(
      `${itemA}: costs 50 gold now, not 1`,
    );

    const accepted = addLine(player(), offer({ offeredPrice: 40, specialSale: true, saleExpiration: later(HOUR) }), onSale, T0, open);
    expect(accepted.lines[itemA]).toMatchObject({ offeredPrice: 40, specialSale: true, saleExpiration: later(HOUR) });
  });

  it("refuses items without a price, a second line of an item in another currency, and missing lines", () => {
    expect(refusal(() => addLine(player(), offer(), undefined, T0, open)).code).toBe("SHOP_ITEM_NOT_FOR_SALE");
    const alice = commit(player(), addLine(player(), offer(), price(), T0, open));
    const inGems = offer({ currency: "gems", offeredPrice: 5 });
    expect(refusal(() => addLine(alice, inGems, price({ currency: "gems", price: 5 }), T0, open)).code).toBe("CART_LINE_CONFLICT");
    expect(refusal(() => addLine(alice, offer({ category: "chest" }), price(), T0, open)).code).toBe("CART_LINE_CONFLICT");
    expect(refusal(() => setLineCount(alice, itemB, 2)).code).toBe("CART_LINE_NOT_FOUND");
    expect(refusal(() => removeLine(alice, itemB)).code).toBe("CART_LINE_NOT_FOUND");
  });

  it("keeps a cart within its limits: lines, units per line, total cost", () => {
    let alice = player();
    for (let i = 0; i < MAX_CART_LINES; i++) {
      const itemId = i.toString(16).padStart(64, "0");
      alice = commit(alice, addLine(alice, offer({ itemId, offeredPrice: 1 }), price({ itemId, price: 1 }), T0, open));
    }
    expect(refusal(() => addLine(alice, offer(), price(), T0, open)).code).toBe("CART_LIMIT_EXCEEDED");

    const full = commit(player(), addLine(player(), offer({ itemCount: 100_000 }), price(), T0, open));
    expect(refusal(() => addLine(full, offer(), price(), T0, open)).code).toBe("CART_LIMIT_EXCEEDED");
    const dear = price({ price: 1_000_000_000 });
    const rich = commit(player(), addLine(player(), offer({ offeredPrice: 1e9, itemCount: 1000 }), dear, T0, open));
    expect(refusal(() => setLineCount(rich, itemA, 1001)).code).toBe("CART_LIMIT_EXCEEDED");
    // The line's new count replaces its old one in the total: lowering it is always allowed.
    expect(setLineCount(rich, itemA, 999).lines[itemA]?.itemCount).toBe(999);
  });
});

describe("checkout", () => {
  const prices = [price(), price({ itemId: itemB, price: 10 })];
  const book = (entries: ShopPrice[] = prices) => new PriceBook({ itemIds: [itemA, itemB], entries });
  function filled(wallet: Record<string, number>): Player {
    let alice = player(wallet);
    alice = commit(alice, addLine(alice, offer({ itemCount: 2 }), price(), T0, open));
    return commit(
      alice,
      addLine(alice, offer({ itemId: itemB, offeredPrice: 10, itemCount: 3 }), price({ itemId: itemB, price: 10 }), T0, open),
    );
  }

  it("debits the total, grants every line, empties the cart and writes the receipt, in one version", () => {
    const before = filled({ gold: 130 });
    const plan = checkout(before, book(), { opId: "op-checkout-1", at: later(1), limits, supplies: open });
    if (plan.outcome !== "order") throw new Error(plan.outcome);
    expect(plan.player.version).toBe(before.version + 1);
    expect(plan.player.wallet).toEqual({});
    expect(plan.player.inventories.bag?.stacks).toEqual({ [itemA]: 2, [itemB]: 3 });
    expect(plan.player.cart).toBeUndefined();
    expect(plan.order).toMatchObject({ orderId: `alice.${plan.player.version}`, totals: { gold: 130 }, opId: "op-checkout-1" });
    expect(plan.order.lines.map((line) => line.lineTotal)).toEqual([100, 30]);
    expect(applyChanges(before, plan.changes, plan.player.version, later(1))).toEqual(plan.player);
  });

  it("lists the receipt's lines in the order they were added, ties by item id, whatever the cart's key order", () => {
    const line = (addedAt: string, offeredPrice: number) => ({
      currency: "gold",
      offeredPrice,
      itemCount: 1,
      specialSale: false,
      category: "bag",
      addedAt,
    });
    const [low, high] = [itemA, itemB];
    const third = "c".repeat(64);
    const cart = { lines: { [high]: line(later(5), 10), [third]: line(later(9), 50), [low]: line(later(5), 50) } };
    const entries = [price({ itemId: low }), price({ itemId: high, price: 10 }), price({ itemId: third })];

    const plan = checkout({ ...player({ gold: 110 }), cart }, new PriceBook({ itemIds: [low, high, third], entries }), {
      opId: "op-x",
      at: later(10),
      limits,
      supplies: open,
    });
    if (plan.outcome !== "order") throw new Error(plan.outcome);
    expect(plan.order.lines.map((orderLine) => orderLine.itemId)).toEqual([low, high, third]);
  });

  it("refuses an empty cart, too little gold and a full inventory, changing nothing", () => {
    expect(refusal(() => checkout(player({ gold: 100 }), book(), { opId: "op-x", at: T0, limits, supplies: open })).code).toBe(
      "CART_EMPTY",
    );
    expect(refusal(() => checkout(filled({ gold: 129 }), book(), { opId: "op-x", at: T0, limits, supplies: open }))).toMatchObject({
      code: "WALLET_INSUFFICIENT_FUNDS",
      details: { have: 129, need: 130 },
    });
    const cramped = { ...filled({ gold: 130 }), inventories: { bag: { stacks: {}, metrics: {}, capacity: 4 } } };
    expect(refusal(() => checkout(cramped, book(), { opId: "op-x", at: T0, limits, supplies: open })).code).toBe(
      "INVENTORY_CAPACITY_EXCEEDED",
    );
  });

  it("re-prices instead of charging when a sale ended or an item was withdrawn", () => {
    const onSale = price({ sale: { price: 40, expiresAt: later(HOUR) } });
    let alice = player({ gold: 1000 });
    alice = commit(alice, addLine(alice, offer({ offeredPrice: 40, itemCount: 2 }), onSale, T0, open));
    alice = commit(alice, addLine(alice, offer({ itemId: itemB, offeredPrice: 10 }), price({ itemId: itemB, price: 10 }), T0, open));

    const plan = checkout(alice, book([onSale]), { opId: "op-x", at: later(HOUR), limits, supplies: open });
    if (plan.outcome !== "repriced") throw new Error(plan.outcome);
    expect(plan.repriced).toEqual([
      { itemId: itemA, currency: "gold", offeredPrice: 40, current: { price: 50, specialSale: false } },
      { itemId: itemB, currency: "gold", offeredPrice: 10, current: null },
    ]);
    expect(plan.player.wallet).toEqual({ gold: 1000 });
    expect(plan.player.cart?.lines).toEqual({
      [itemA]: { ...alice.cart?.lines[itemA], offeredPrice: 50, specialSale: false, saleExpiration: undefined },
    });
    expect(cartTotals(plan.player.cart)).toEqual({ gold: 100 });
    expect(applyChanges(alice, plan.changes, plan.player.version, later(HOUR))).toEqual(plan.player);
  });

  it("asks for prices again when the cart holds an item that was not loaded", () => {
    const alice = filled({ gold: 130 });
    expect(
      refusal(() =>
        checkout(alice, new PriceBook({ itemIds: [itemA], entries: prices }), { opId: "op-x", at: T0, limits, supplies: open }),
      ),
    ).toBeInstanceOf(NotLoaded);
  });
});
