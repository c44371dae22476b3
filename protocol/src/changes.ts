import type { Cart, CartChange } from "./cart.js";
import type { Changes, Inventory, Player } from "./inventory.js";

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
  return inventory.capacity === undefined;
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
