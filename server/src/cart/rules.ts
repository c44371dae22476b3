import {
  applyCartChange,
  type Cart,
  type CartChange,
  type CartLine,
  type Changes,
  type CurrentPrice,
  HoardError,
  type InventoryOp,
  MAX_CART_LINES,
  MAX_CART_TOTAL,
  MAX_ITEM_COUNT,
  type Order,
  type Player,
  type ShopPrice,
} from "@hoard/protocol";
import type { StateLimits } from "../config";
import { applyOps } from "../inventory/rules";
import { currentPrice, type PriceBook, sameInstant, samePrice } from "./pricing";
import { heldBy, holdFor, NotLoaded, notLimited, type SupplyLedger } from "./supply";

/**
 * Pure cart rules: no I/O. The clock is the commit's `at` (the server's), which is what
 * judges sale windows. Each rule returns what changes in the cart (absolute lines, null =
 * removed) or throws a HoardError and changes nothing.
 */

/** What a caller offers when adding an item. */
export interface Offer {
  itemId: string;
  currency: string;
  offeredPrice: number;
  itemCount: number;
  specialSale?: boolean | undefined;
  saleExpiration?: string | undefined;
  category: string;
  /** Hold the line's units of a limited item this long. */
  reserveForMs?: number | undefined;
}

/** The player after a cart-only change (version + 1) and what changed. */
export function withCartChange(player: Player, change: CartChange, at: string): { player: Player; changes: Changes } {
  return { player: withCart({ ...player, version: player.version + 1, updatedAt: at }, change), changes: { cart: change } };
}

/** The player with the change made to its cart (same version: for a commit that changes more). */
export function withCart(player: Player, change: CartChange): Player {
  const next: Player = { ...player };
  const cart = applyCartChange(player.cart, change);
  if (cart) next.cart = cart;
  else delete next.cart;
  return next;
}

/**
 * Adds an offer to the cart. The offer must be the item's current price in that currency
 * (and, when it says so, the same sale); an item already in the cart adds to its count and
 * takes the terms checked now. A line that holds keeps holding (the added units too) until
 * its time; an offer with `reserveForMs` makes a line of a limited item hold from now. A line
 * of a limited item that holds nothing must still be available (SHOP_SOLD_OUT otherwise).
 */
export function addLine(player: Player, offer: Offer, price: ShopPrice | undefined, at: string, supplies: SupplyLedger): CartChange {
  if (!price) throw notForSale(offer.itemId, offer.currency);
  const now = currentPrice(price, Date.parse(at));
  const term = differingTerm(offer, now);
  if (term) {
    const offered = { offeredPrice: offer.offeredPrice, specialSale: offer.specialSale, saleExpiration: offer.saleExpiration };
    throw new HoardError("CART_PRICE_CHANGED", `${offer.itemId}: ${term.says}`, {
      details: { itemId: offer.itemId, currency: offer.currency, term: term.name, offered, current: now },
    });
  }
  const existing = player.cart?.lines[offer.itemId];
  if (existing && (existing.currency !== offer.currency || existing.category !== offer.category)) {
    throw new HoardError("CART_LINE_CONFLICT", `${offer.itemId} is already in the cart in ${existing.currency} for ${existing.category}`, {
      details: { itemId: offer.itemId, line: existing },
    });
  }
  if (!existing && lineCount(player.cart) >= MAX_CART_LINES) {
    throw new HoardError("CART_LIMIT_EXCEEDED", `a cart holds at most ${MAX_CART_LINES} items`, { details: { maxLines: MAX_CART_LINES } });
  }
  const itemCount = countWithin((existing?.itemCount ?? 0) + offer.itemCount, offer.itemId);
  const reservedUntil = heldUntil(existing, at) ?? reservation(offer, at, supplies);
  if (reservedUntil === undefined) supplies.requireAvailable(offer.itemId, itemCount);
  const line = lineAt(now, {
    currency: offer.currency,
    itemCount,
    category: offer.category,
    addedAt: existing?.addedAt ?? at,
    ...(reservedUntil === undefined ? {} : { reservedUntil }),
  });
  return checked(player.cart, { lines: { [offer.itemId]: line } });
}

/** A line's reservation while it still holds at `at`. */
function heldUntil(line: CartLine | undefined, at: string): string | undefined {
  return line?.reservedUntil !== undefined && line.reservedUntil > at ? line.reservedUntil : undefined;
}

/** When a new reservation the offer asks for ends; only a limited item can be reserved. */
function reservation(offer: Offer, at: string, supplies: SupplyLedger): string | undefined {
  if (offer.reserveForMs === undefined) return undefined;
  if (!supplies.isLimited(offer.itemId)) throw notLimited(offer.itemId);
  return new Date(Date.parse(at) + offer.reserveForMs).toISOString();
}

/** Sets a line's count; 0 removes the line. */
export function setLineCount(player: Player, itemId: string, itemCount: number): CartChange {
  const existing = lineOf(player, itemId);
  if (itemCount === 0) return { lines: { [itemId]: null } };
  return checked(player.cart, { lines: { [itemId]: { ...existing, itemCount: countWithin(itemCount, itemId) } } });
}

export function removeLine(player: Player, itemId: string): CartChange {
  lineOf(player, itemId);
  return { lines: { [itemId]: null } };
}

/** Empties the cart; undefined when it is already empty (nothing to commit). */
export function clearCart(player: Player): CartChange | undefined {
  const itemIds = Object.keys(player.cart?.lines ?? {});
  if (itemIds.length === 0) return undefined;
  return { lines: Object.fromEntries(itemIds.map((itemId) => [itemId, null])) };
}

/** What a cart adds up to, per currency, at the prices of its lines. */
export function cartTotals(cart: Cart | undefined): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const line of Object.values(cart?.lines ?? {})) {
    totals[line.currency] = (totals[line.currency] ?? 0) + line.offeredPrice * line.itemCount;
  }
  return totals;
}

/** A line whose terms changed since it was added: its new terms, or null when it is no longer for sale. */
interface Repriced {
  itemId: string;
  currency: string;
  offeredPrice: number;
  current: CurrentPrice | null;
}

export type CheckoutPlan =
  | { outcome: "order"; player: Player; ops: InventoryOp[]; changes: Changes; order: Order }
  | { outcome: "repriced"; player: Player; changes: Changes; repriced: Repriced[] };

/**
 * Checks out the whole cart, all or nothing. Every line is priced again by the catalog at
 * `at`: when any line's terms changed (a sale ended, a price moved, an item was withdrawn),
 * the plan only updates those lines (withdrawn ones leave the cart) and charges nothing, so
 * the caller can show the new prices and check out again (withdrawn lines release what they
 * held). Otherwise it debits the totals, grants every line into its category (the inventory
 * rules, capacities included), sells the lines' units of limited items (a line that holds
 * converts its hold; SHOP_SOLD_OUT when another is not available), empties the cart and
 * writes the receipt.
 */
export function checkout(
  player: Player,
  book: PriceBook,
  context: { opId: string; at: string; limits: StateLimits; supplies: SupplyLedger },
): CheckoutPlan {
  const { at } = context;
  // In the order they were added (ties by item id): the receipt lists the same lines in the
  // same order however the cart was read.
  const lines = Object.entries(player.cart?.lines ?? {}).sort(([a, lineA], [b, lineB]) =>
    lineA.addedAt === lineB.addedAt ? compareText(a, b) : compareText(lineA.addedAt, lineB.addedAt),
  );
  if (lines.length === 0) throw new HoardError("CART_EMPTY", undefined, { details: { playerId: player.id } });

  const clock = Date.parse(at);
  const repriced: Repriced[] = [];
  const change: CartChange = { lines: {} };
  for (const [itemId, line] of lines) {
    if (!book.has(itemId)) throw new NotLoaded(itemId);
    const entry = book.get(itemId, line.currency);
    const now = entry ? currentPrice(entry, clock) : null;
    if (now && samePrice(now, termsOf(line))) continue;
    repriced.push({ itemId, currency: line.currency, offeredPrice: line.offeredPrice, current: now });
    change.lines[itemId] = now ? lineAt(now, line) : null;
  }
  if (repriced.length > 0) {
    holdFor(context.supplies, player.cart, change);
    return { outcome: "repriced", ...withCartChange(player, change, at), repriced };
  }
  for (const [itemId, line] of lines) context.supplies.sell(itemId, line.itemCount, heldBy(line) > 0);

  const totals = totalsWithin(cartTotals(player.cart));
  const ops: InventoryOp[] = [
    ...Object.entries(totals)
      .filter(([, amount]) => amount > 0)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([currency, amount]): InventoryOp => ({ type: "debit", currency, amount })),
    ...lines.map(([itemId, line]): InventoryOp => ({ type: "grant", category: line.category, itemId, quantity: line.itemCount })),
  ];
  // The inventory rules debit and grant (funds, capacities, limits); then the cart empties.
  const applied = applyOps(player, ops, at, context.limits);
  const next = applied.player;
  delete next.cart;
  const emptied: CartChange = { lines: Object.fromEntries(lines.map(([itemId]) => [itemId, null])) };
  const order: Order = {
    orderId: `${player.id}.${next.version}`,
    playerId: player.id,
    opId: context.opId,
    version: next.version,
    lines: lines.map(([itemId, line]) => ({
      itemId,
      currency: line.currency,
      itemCount: line.itemCount,
      unitPrice: line.offeredPrice,
      specialSale: line.specialSale,
      ...(line.saleExpiration === undefined ? {} : { saleExpiration: line.saleExpiration }),
      category: line.category,
      lineTotal: line.offeredPrice * line.itemCount,
    })),
    totals,
    at,
  };
  return { outcome: "order", player: next, ops, changes: { ...applied.changes, cart: emptied }, order };
}

/**
 * The first term of an offer that is not the current one, and a message naming it: an offer at
 * the right price with the wrong sale terms must not read "costs 40 now, not 40".
 */
function differingTerm(offer: Offer, now: CurrentPrice): { name: "price" | "specialSale" | "saleExpiration"; says: string } | undefined {
  if (offer.offeredPrice !== now.price) {
    return { name: "price", says: `costs ${now.price} ${offer.currency} now, not ${offer.offeredPrice}` };
  }
  const sale = now.specialSale ? `on sale until ${now.saleExpiration}` : "not on sale";
  if (offer.specialSale !== undefined && offer.specialSale !== now.specialSale) {
    return { name: "specialSale", says: `is ${sale} now (specialSale ${now.specialSale}, not ${offer.specialSale})` };
  }
  if (offer.saleExpiration !== undefined && !sameInstant(offer.saleExpiration, now.saleExpiration)) {
    return { name: "saleExpiration", says: `is ${sale} now, not on a sale ending ${offer.saleExpiration}` };
  }
  return undefined;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function termsOf(line: CartLine): CurrentPrice {
  return {
    price: line.offeredPrice,
    specialSale: line.specialSale,
    ...(line.saleExpiration === undefined ? {} : { saleExpiration: line.saleExpiration }),
  };
}

function lineAt(now: CurrentPrice, rest: Pick<CartLine, "currency" | "itemCount" | "category" | "addedAt" | "reservedUntil">): CartLine {
  const line: CartLine = {
    currency: rest.currency,
    offeredPrice: now.price,
    itemCount: rest.itemCount,
    specialSale: now.specialSale,
    category: rest.category,
    addedAt: rest.addedAt,
  };
  if (now.saleExpiration !== undefined) line.saleExpiration = now.saleExpiration;
  if (rest.reservedUntil !== undefined) line.reservedUntil = rest.reservedUntil;
  return line;
}

function lineOf(player: Player, itemId: string): CartLine {
  const line = player.cart?.lines[itemId];
  if (!line) throw new HoardError("CART_LINE_NOT_FOUND", undefined, { details: { itemId } });
  return line;
}

function lineCount(cart: Cart | undefined): number {
  return cart ? Object.keys(cart.lines).length : 0;
}

function countWithin(itemCount: number, itemId: string): number {
  if (itemCount > MAX_ITEM_COUNT) {
    throw new HoardError("CART_LIMIT_EXCEEDED", `a cart line holds at most ${MAX_ITEM_COUNT} units`, {
      details: { itemId, itemCount, max: MAX_ITEM_COUNT },
    });
  }
  return itemCount;
}

/**
 * Refuses a change after which the cart would cost more than one debit may take. The totals
 * after the change are the cart's, less the lines it replaces, plus their new terms: no copy
 * of the cart (this runs on every add of a cart that may hold 200 lines).
 */
function checked(cart: Cart | undefined, change: CartChange): CartChange {
  const totals = cartTotals(cart);
  for (const [itemId, line] of Object.entries(change.lines)) {
    const before = cart?.lines[itemId];
    if (before) totals[before.currency] = (totals[before.currency] ?? 0) - before.offeredPrice * before.itemCount;
    if (line) totals[line.currency] = (totals[line.currency] ?? 0) + line.offeredPrice * line.itemCount;
  }
  totalsWithin(totals);
  return change;
}

function totalsWithin(totals: Record<string, number>): Record<string, number> {
  for (const [currency, total] of Object.entries(totals)) {
    if (total > MAX_CART_TOTAL) {
      throw new HoardError("CART_LIMIT_EXCEEDED", `the cart would cost more than ${MAX_CART_TOTAL} ${currency}`, {
        details: { currency, total, max: MAX_CART_TOTAL },
      });
    }
  }
  return totals;
}

function notForSale(itemId: string, currency: string): HoardError {
  return new HoardError("SHOP_ITEM_NOT_FOR_SALE", `${itemId} has no price in ${currency}`, { details: { itemId, currency } });
}
