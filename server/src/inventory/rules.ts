import { type Changes, HoardError, type Inventory, type InventoryOp, type Kit, type Player, playerOpTypes } from "@hoard/protocol";

/**
 * Pure inventory rules: no I/O, no clock. The service loads, these decide, the store commits.
 */

export function newPlayer(fields: { id: string; name?: string; class?: string }, at: string): Player {
  const player: Player = { id: fields.id, version: 0, wallet: {}, inventories: {}, createdAt: at, updatedAt: at };
  if (fields.name !== undefined) player.name = fields.name;
  if (fields.class !== undefined) player.class = fields.class;
  return player;
}

/** The ops that grant a kit. */
export function kitOps(kit: Kit): InventoryOp[] {
  const ops: InventoryOp[] = [];
  for (const [currency, amount] of Object.entries(kit.currencies ?? {})) ops.push({ type: "credit", currency, amount });
  for (const item of kit.items ?? []) ops.push({ type: "grant", ...item });
  return ops;
}

/** Item ids an op batch brings into existence (they must be defined). */
export function grantedItemIds(ops: readonly InventoryOp[]): string[] {
  return [...new Set(ops.flatMap((op) => (op.type === "grant" ? [op.itemId] : [])))];
}

/** Ops a player may not apply to itself. */
export function opsForbiddenToPlayers(ops: readonly InventoryOp[]): string[] {
  return [...new Set(ops.map((op) => op.type).filter((type) => !playerOpTypes.includes(type)))];
}

/**
 * Applies an atomic batch to a player. Returns the next state (version + 1) and what changed,
 * as absolute values; throws a HoardError and changes nothing when any op is refused.
 * Stacks and wallets never go below zero at any step; capacities hold once the batch is done
 * (so a batch may move items out and then grant new ones in).
 */
export function applyOps(player: Player, ops: readonly InventoryOp[], at: string): { player: Player; changes: Changes } {
  // Copy on write: the wallet always, an inventory on its first change. What no op touches
  // (the cart, other categories) is shared with `player`, which is never changed: the stores
  // hand out frozen states and write only what is not the very object they read.
  const next: Player = { ...player, wallet: { ...player.wallet }, inventories: { ...player.inventories } };
  const copied = new Set<string>();
  const inventoryOf = (category: string): Inventory => {
    const current = next.inventories[category];
    if (copied.has(category) && current) return current;
    copied.add(category);
    const copy: Inventory = current
      ? { ...current, stacks: { ...current.stacks }, metrics: { ...current.metrics } }
      : { stacks: {}, metrics: {} };
    next.inventories[category] = copy;
    return copy;
  };
  /** The inventory to take from, or undefined when the player has none of that category. */
  const existing = (category: string): Inventory | undefined => (next.inventories[category] ? inventoryOf(category) : undefined);
  const touched = {
    wallet: new Set<string>(),
    stacks: new Map<string, Set<string>>(),
    metrics: new Map<string, Set<string>>(),
    capacity: new Set<string>(),
  };
  const touch = (map: Map<string, Set<string>>, category: string, key: string) => {
    const keys = map.get(category) ?? new Set<string>();
    map.set(category, keys.add(key));
  };

  for (const op of ops) {
    switch (op.type) {
      case "grant":
        addStack(inventoryOf(op.category), op.itemId, op.quantity);
        touch(touched.stacks, op.category, op.itemId);
        break;
      case "consume":
        takeStack(existing(op.category), op.category, op.itemId, op.quantity);
        touch(touched.stacks, op.category, op.itemId);
        break;
      case "move":
        takeStack(existing(op.from), op.from, op.itemId, op.quantity);
        addStack(inventoryOf(op.to), op.itemId, op.quantity);
        touch(touched.stacks, op.from, op.itemId);
        touch(touched.stacks, op.to, op.itemId);
        break;
      case "setMetric":
        inventoryOf(op.category).metrics[op.name] = op.value;
        touch(touched.metrics, op.category, op.name);
        break;
      case "incrementMetric": {
        const metrics = inventoryOf(op.category).metrics;
        metrics[op.name] = finite((metrics[op.name] ?? 0) + op.by, op.name);
        touch(touched.metrics, op.category, op.name);
        break;
      }
      case "setCapacity": {
        const inventory = inventoryOf(op.category);
        if (op.capacity === null) delete inventory.capacity;
        else inventory.capacity = op.capacity;
        touched.capacity.add(op.category);
        break;
      }
      case "credit":
        next.wallet[op.currency] = safeSum(next.wallet[op.currency] ?? 0, op.amount, op.currency);
        touched.wallet.add(op.currency);
        break;
      case "debit": {
        const have = next.wallet[op.currency] ?? 0;
        if (have < op.amount) {
          throw new HoardError("WALLET_INSUFFICIENT_FUNDS", `needs ${op.amount} ${op.currency}, has ${have}`, {
            details: { currency: op.currency, have, need: op.amount },
          });
        }
        if (have === op.amount) delete next.wallet[op.currency];
        else next.wallet[op.currency] = have - op.amount;
        touched.wallet.add(op.currency);
        break;
      }
    }
  }

  const categories = new Set([...touched.stacks.keys(), ...touched.capacity]);
  for (const category of categories) {
    const inventory = next.inventories[category];
    if (inventory?.capacity === undefined) continue;
    const units = unitsIn(inventory);
    if (units > inventory.capacity) {
      throw new HoardError("INVENTORY_CAPACITY_EXCEEDED", `${category} holds at most ${inventory.capacity} units, would hold ${units}`, {
        details: { category, capacity: inventory.capacity, units },
      });
    }
  }

  next.version = player.version + 1;
  next.updatedAt = at;
  return { player: next, changes: diff(next, touched) };
}

export function unitsIn(inventory: Inventory): number {
  let units = 0;
  for (const quantity of Object.values(inventory.stacks)) units += quantity;
  return units;
}

function addStack(inventory: Inventory, itemId: string, quantity: number): void {
  inventory.stacks[itemId] = safeSum(inventory.stacks[itemId] ?? 0, quantity, itemId);
}

function takeStack(inventory: Inventory | undefined, category: string, itemId: string, quantity: number): void {
  const have = inventory?.stacks[itemId] ?? 0;
  if (!inventory || have < quantity) {
    throw new HoardError("INVENTORY_INSUFFICIENT_ITEMS", `needs ${quantity} of ${itemId} in ${category}, has ${have}`, {
      details: { category, itemId, have, need: quantity },
    });
  }
  if (have === quantity) delete inventory.stacks[itemId];
  else inventory.stacks[itemId] = have - quantity;
}

function safeSum(a: number, b: number, what: string): number {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw new HoardError("INVENTORY_LIMIT_EXCEEDED", `${what} would exceed ${Number.MAX_SAFE_INTEGER}`);
  return sum;
}

function finite(value: number, what: string): number {
  if (!Number.isFinite(value)) throw new HoardError("INVENTORY_LIMIT_EXCEEDED", `metric ${what} would not be finite`);
  return value;
}

function diff(
  next: Player,
  touched: { wallet: Set<string>; stacks: Map<string, Set<string>>; metrics: Map<string, Set<string>>; capacity: Set<string> },
): Changes {
  const changes: Changes = {};
  if (touched.wallet.size > 0) {
    changes.wallet = {};
    for (const currency of touched.wallet) changes.wallet[currency] = next.wallet[currency] ?? 0;
  }
  const categories = new Set([...touched.stacks.keys(), ...touched.metrics.keys(), ...touched.capacity]);
  if (categories.size > 0) {
    changes.inventories = {};
    for (const category of categories) {
      const inventory = next.inventories[category] ?? { stacks: {}, metrics: {} };
      const change: NonNullable<Changes["inventories"]>[string] = {};
      const stacks = touched.stacks.get(category);
      if (stacks) {
        change.stacks = {};
        for (const itemId of stacks) change.stacks[itemId] = inventory.stacks[itemId] ?? 0;
      }
      const metrics = touched.metrics.get(category);
      if (metrics) {
        change.metrics = {};
        for (const name of metrics) change.metrics[name] = inventory.metrics[name] ?? null;
      }
      if (touched.capacity.has(category)) change.capacity = inventory.capacity ?? null;
      changes.inventories[category] = change;
    }
  }
  return changes;
}
