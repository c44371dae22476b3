import type { Cart, CartChange } from "./cart.js";
import type { Changes, ExpiryLot, Inventory, Player } from "./inventory.js";

/**
 * Applies the absolute changes of one committed version to a player state: what a subscriber
 * does with an inventory push or a delta resync. Returns a new object.
 *
 * @example
 * state = applyChanges(state, push.entry.changes, push.entry.version, push.entry.at);
 */
export function applyChanges(player: Player, changes: Changes, version: number, at: string): Player {
  const next = structuredClone(player);
  for (const [currency, amount] of Object.entries(changes.wallet ?? {})) {
    if (amount === 0) delete next.wallet[currency];
    else next.wallet[currency] = amount;
  }
  for (const [category, change] of Object.entries(changes.inventories ?? {})) {
    let inventory: Inventory | undefined = next.inventories[category];
    if (!inventory) {
      inventory = { stacks: {}, metrics: {} };
      next.inventories[category] = inventory;
    }
    for (const [itemId, quantity] of Object.entries(change.stacks ?? {})) {
      if (quantity === 0) delete inventory.stacks[itemId];
      else inventory.stacks[itemId] = quantity;
    }
    for (const [name, value] of Object.entries(change.metrics ?? {})) {
      if (value === null) delete inventory.metrics[name];
      else inventory.metrics[name] = value;
    }
    for (const [itemId, lots] of Object.entries(change.expiring ?? {})) {
      const expiring = { ...inventory.expiring };
      if (lots.length === 0) delete expiring[itemId];
      else expiring[itemId] = lots;
      if (Object.keys(expiring).length === 0) delete inventory.expiring;
      else inventory.expiring = expiring;
    }
    if (change.capacity === null) delete inventory.capacity;
    else if (change.capacity !== undefined) inventory.capacity = change.capacity;
    // The server drops an inventory a commit left empty; so does every subscriber.
    if (isEmptyInventory(inventory)) delete next.inventories[category];
  }
  if (changes.cart) {
    const cart = applyCartChange(next.cart, changes.cart);
    if (cart) next.cart = cart;
    else delete next.cart;
  }
  next.version = version;
  next.updatedAt = at;
  return next;
}

/** No stacks, no metrics, no capacity: a commit that leaves an inventory so removes it. */
export function isEmptyInventory(inventory: Inventory): boolean {
  for (const _ in inventory.stacks) return false;
  for (const _ in inventory.metrics) return false;
  for (const _ in inventory.expiring) return false;
  return inventory.capacity === undefined;
}

/** Whether a lot is past its time at `atMs` (it leaves at exactly `expiresAt`). */
export function isExpired(lot: ExpiryLot, atMs: number): boolean {
  return Date.parse(lot.expiresAt) <= atMs;
}

/**
 * The player as a reader sees it at `atMs`: without the lots past their time, which the node's
 * sweep removes in a commit of its own, perhaps a little later. Returns `player` itself when
 * nothing is past its time.
 *
 * @example
 * const shown = withoutExpired(player, Date.now());
 */
export function withoutExpired(player: Player, atMs: number): Player {
  let next: Player | undefined;
  for (const [category, inventory] of Object.entries(player.inventories)) {
    if (!inventory.expiring) continue;
    let expiring: Record<string, ExpiryLot[]> | undefined;
    for (const [itemId, lots] of Object.entries(inventory.expiring)) {
      const live = lots.filter((lot) => !isExpired(lot, atMs));
      if (live.length === lots.length) continue;
      expiring ??= { ...inventory.expiring };
      if (live.length === 0) delete expiring[itemId];
      else expiring[itemId] = live;
    }
    if (!expiring) continue;
    next ??= { ...player, inventories: { ...player.inventories } };
    const shown: Inventory = { ...inventory, expiring };
    if (Object.keys(expiring).length === 0) delete shown.expiring;
    if (isEmptyInventory(shown)) delete next.inventories[category];
    else next.inventories[category] = shown;
  }
  return next ?? player;
}

/**
 * Applies a cart change to a cart; an empty result is `undefined` (an empty cart is not
 * stored). The server's cart rules use it too, so a subscriber's cart is the stored one.
 *
 * @example
 * const cart = applyCartChange(player.cart, { lines: { [itemId]: null } });
 */
export function applyCartChange(cart: Cart | undefined, change: CartChange): Cart | undefined {
  const lines = { ...cart?.lines };
  for (const [itemId, line] of Object.entries(change.lines)) {
    if (line === null) delete lines[itemId];
    else lines[itemId] = line;
  }
  return Object.keys(lines).length === 0 ? undefined : { lines };
}
