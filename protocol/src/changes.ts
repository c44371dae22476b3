import type { Changes, Inventory, Player } from "./inventory";

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
  }
  next.version = version;
  next.updatedAt = at;
  return next;
}
