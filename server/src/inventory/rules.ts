import {
  type AppliedOp,
  type Changes,
  type ExpireOp,
  type ExpiryLot,
  HoardError,
  type Inventory,
  type InventoryOp,
  isEmptyInventory,
  isExpired,
  type Kit,
  MAX_EXPIRY_LOTS_PER_STACK,
  type Player,
  playerOpTypes,
} from "@hoard/protocol";

/**
 * Pure inventory rules: no I/O, no clock. The service loads, these decide, the store commits.
 */

/**
 * How far one player's state may grow (HOARD_PLAYER_MAX_*, HOARD_INVENTORY_MAX_STACKS). Every
 * change of a player's holdings (inventory ops, kits, trades, checkout) goes through `applyOps`,
 * so these hold on every path and engine. A batch is refused only when it grows what is over a
 * limit: a state over a lowered limit can still shrink.
 */
export interface StateLimits {
  /** Inventories (categories) per player. */
  categories: number;
  /** Stacks per inventory. */
  stacks: number;
  /** Metrics per player, over all its inventories. */
  metrics: number;
  /**
   * The player's state as stored (JSON without the cart, which has limits of its own), in
   * bytes: a commit writes it whole, and a MongoDB document must stay under 16 MiB.
   */
  stateBytes: number;
  /** Distinct expiry lots per player, over all its stacks (each is also bounded per stack). */
  expiryLots: number;
}

export const DEFAULT_STATE_LIMITS: Readonly<StateLimits> = {
  categories: 1000,
  stacks: 1000,
  metrics: 1000,
  stateBytes: 256 * 1024,
  expiryLots: 1000,
};

/** How a batch takes units. */
export interface ApplyOptions {
  /**
   * Consumes take permanent units only: a trade's give side, so expiring units (rentals, trial
   * items) stay bound to their player instead of arriving permanent on the other side.
   */
  permanentOnly?: boolean;
}

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
  if (kit.loot !== undefined) ops.push({ type: "grantLoot", tableId: kit.loot });
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
export function applyOps(
  player: Player,
  ops: readonly AppliedOp[],
  at: string,
  limits: StateLimits,
  options: ApplyOptions = {},
): { player: Player; changes: Changes } {
  const atMs = Date.parse(at);
  // Copy on write: the wallet always, an inventory on its first change. What no op touches
  // (the cart, other categories) is shared with `player`, which is never changed: the stores
  // hand out frozen states and write only what is not the very object they read.
  const next: Player = { ...player, wallet: { ...player.wallet }, inventories: { ...player.inventories } };
  const copied = new Set<string>();
  /** What the batch added keys to, for the limits; `any` once an op may have grown the state. */
  const grew = { categories: false, stacks: new Set<string>(), metrics: false, lots: false, any: false };
  const inventoryOf = (category: string): Inventory => {
    const current = next.inventories[category];
    if (copied.has(category) && current) return current;
    copied.add(category);
    if (!current) grew.categories = true;
    const copy: Inventory = current
      ? { ...current, stacks: { ...current.stacks }, metrics: { ...current.metrics } }
      : { stacks: {}, metrics: {} };
    if (current?.expiring) copy.expiring = { ...current.expiring };
    next.inventories[category] = copy;
    return copy;
  };
  const addStack = (category: string, itemId: string, quantity: number) => {
    const stacks = inventoryOf(category).stacks;
    if (stacks[itemId] === undefined) grew.stacks.add(category);
    stacks[itemId] = safeSum(stacks[itemId] ?? 0, quantity, itemId);
  };
  const addLot = (category: string, itemId: string, lot: ExpiryLot) => {
    const inventory = inventoryOf(category);
    const lots = [...(inventory.expiring?.[itemId] ?? [])];
    const same = lots.findIndex((candidate) => candidate.expiresAt === lot.expiresAt);
    if (same >= 0) {
      const existing = lots[same] as ExpiryLot;
      lots[same] = { expiresAt: lot.expiresAt, quantity: safeSum(existing.quantity, lot.quantity, itemId) };
    } else {
      grew.lots = true;
      const after = lots.findIndex((candidate) => candidate.expiresAt > lot.expiresAt);
      lots.splice(after < 0 ? lots.length : after, 0, { ...lot });
      if (lots.length > MAX_EXPIRY_LOTS_PER_STACK) {
        throw new HoardError("INVENTORY_EXPIRY_LOT_LIMIT_EXCEEDED", `${itemId} in ${category} would hold ${lots.length} expiry lots`, {
          details: { category, itemId, limit: MAX_EXPIRY_LOTS_PER_STACK, count: lots.length },
        });
      }
    }
    setLots(inventory, itemId, lots);
    touch(touched.expiring, category, itemId);
  };
  /** Takes units, soonest-expiring live lot first, then permanent ones; returns the lots it took. */
  const take = (category: string, itemId: string, quantity: number): ExpiryLot[] => {
    const inventory = existing(category);
    const lots = options.permanentOnly ? [] : (inventory?.expiring?.[itemId] ?? []);
    let live = 0;
    for (const lot of lots) if (!isExpired(lot, atMs)) live += lot.quantity;
    const permanent = inventory?.stacks[itemId] ?? 0;
    if (!inventory || permanent + live < quantity) {
      throw new HoardError("INVENTORY_INSUFFICIENT_ITEMS", `needs ${quantity} of ${itemId} in ${category}, has ${permanent + live}`, {
        details: { category, itemId, have: permanent + live, need: quantity },
      });
    }
    let left = quantity;
    const taken: ExpiryLot[] = [];
    if (live > 0) {
      const kept: ExpiryLot[] = [];
      for (const lot of lots) {
        const part = isExpired(lot, atMs) ? 0 : Math.min(left, lot.quantity);
        left -= part;
        if (part > 0) taken.push({ expiresAt: lot.expiresAt, quantity: part });
        if (part < lot.quantity) kept.push(part === 0 ? lot : { expiresAt: lot.expiresAt, quantity: lot.quantity - part });
      }
      setLots(inventory, itemId, kept);
      touch(touched.expiring, category, itemId);
    }
    if (left > 0) takeStack(inventory, category, itemId, left);
    return taken;
  };
  const metricsOf = (category: string, name: string) => {
    const metrics = inventoryOf(category).metrics;
    if (metrics[name] === undefined) grew.metrics = true;
    return metrics;
  };
  /** The inventory to take from, or undefined when the player has none of that category. */
  const existing = (category: string): Inventory | undefined => (next.inventories[category] ? inventoryOf(category) : undefined);
  const touched = {
    wallet: new Set<string>(),
    stacks: new Map<string, Set<string>>(),
    metrics: new Map<string, Set<string>>(),
    capacity: new Set<string>(),
    expiring: new Map<string, Set<string>>(),
  };
  const touch = (map: Map<string, Set<string>>, category: string, key: string) => {
    const keys = map.get(category) ?? new Set<string>();
    map.set(category, keys.add(key));
  };

  for (const op of ops) {
    if (op.type !== "consume" && op.type !== "debit" && !(op.type === "setCapacity" && op.capacity === null)) grew.any = true;
    switch (op.type) {
      case "grant": {
        const expiresAt = grantExpiry(op, atMs);
        if (expiresAt === undefined) {
          addStack(op.category, op.itemId, op.quantity);
          touch(touched.stacks, op.category, op.itemId);
        } else addLot(op.category, op.itemId, { expiresAt, quantity: op.quantity });
        break;
      }
      case "consume":
        take(op.category, op.itemId, op.quantity);
        touch(touched.stacks, op.category, op.itemId);
        break;
      case "move": {
        // Expiring units keep their time wherever they go.
        const lots = take(op.from, op.itemId, op.quantity);
        let permanent = op.quantity;
        for (const lot of lots) {
          addLot(op.to, op.itemId, lot);
          permanent -= lot.quantity;
        }
        if (permanent > 0) addStack(op.to, op.itemId, permanent);
        touch(touched.stacks, op.from, op.itemId);
        touch(touched.stacks, op.to, op.itemId);
        break;
      }
      case "setMetric":
        if (op.value === null) {
          const inventory = existing(op.category);
          if (inventory) delete inventory.metrics[op.name];
        } else metricsOf(op.category, op.name)[op.name] = op.value;
        touch(touched.metrics, op.category, op.name);
        break;
      case "incrementMetric": {
        const metrics = metricsOf(op.category, op.name);
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
      case "lootDrawn":
        for (const stack of op.outcome.items) {
          addStack(stack.category, stack.itemId, stack.quantity);
          touch(touched.stacks, stack.category, stack.itemId);
        }
        for (const [currency, amount] of Object.entries(op.outcome.currencies)) {
          next.wallet[currency] = safeSum(next.wallet[currency] ?? 0, amount, currency);
          touched.wallet.add(currency);
        }
        break;
      case "classPicked":
        // A record of how the class was picked; the class itself is the new player's field.
        break;
      case "grantLoot":
        // The service draws before the commit (loot/service.ts); reaching here is a wiring bug.
        throw new Error("a grantLoot op must be drawn (lootDrawn) before it is applied");
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

  const categories = new Set([...touched.stacks.keys(), ...touched.expiring.keys(), ...touched.capacity]);
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

  // An inventory the batch left with nothing in it is dropped, or empty categories would pile
  // up without limit (a chain of moves leaves one behind per step). applyChanges drops it too.
  for (const category of copied) {
    const inventory = next.inventories[category];
    if (inventory && isEmptyInventory(inventory)) delete next.inventories[category];
  }

  next.version = player.version + 1;
  next.updatedAt = at;
  requireWithinLimits(player, next, ops, grew, limits);
  return { player: next, changes: diff(next, touched, atMs) };
}

/** The lot time of a grant (UTC ISO, ms), or undefined for permanent units; refuses a time not after the commit. */
function grantExpiry(op: Extract<InventoryOp, { type: "grant" }>, atMs: number): string | undefined {
  if (op.expiresAt === undefined && op.expiresInMs === undefined) return undefined;
  if (op.expiresAt !== undefined && op.expiresInMs !== undefined) {
    throw new HoardError("INVENTORY_EXPIRY_INVALID", "give expiresAt or expiresInMs, not both");
  }
  const endMs = op.expiresAt === undefined ? atMs + (op.expiresInMs as number) : Date.parse(op.expiresAt);
  if (!Number.isFinite(endMs) || endMs <= atMs) {
    throw new HoardError("INVENTORY_EXPIRY_INVALID", `the units would expire at ${op.expiresAt}, not after the commit`, {
      details: { expiresAt: op.expiresAt, at: new Date(atMs).toISOString() },
    });
  }
  return new Date(endMs).toISOString();
}

function setLots(inventory: Inventory, itemId: string, lots: ExpiryLot[]): void {
  const expiring = { ...inventory.expiring };
  if (lots.length > 0) expiring[itemId] = lots;
  else delete expiring[itemId];
  if (Object.keys(expiring).length > 0) inventory.expiring = expiring;
  else delete inventory.expiring;
}

/**
 * The expiry sweep's rule: removes every lot past its time at `at` from a player, as one
 * version; undefined when nothing is due. The op log entry names each lot that left.
 */
export function expireDue(player: Player, at: string): { player: Player; ops: ExpireOp[]; changes: Changes } | undefined {
  const atMs = Date.parse(at);
  const ops: ExpireOp[] = [];
  const inventories = { ...player.inventories };
  const touched = new Map<string, Set<string>>();
  for (const [category, inventory] of Object.entries(player.inventories)) {
    if (!inventory.expiring) continue;
    const copy: Inventory = { ...inventory };
    for (const [itemId, lots] of Object.entries(inventory.expiring)) {
      const due = lots.filter((lot) => isExpired(lot, atMs));
      if (due.length === 0) continue;
      for (const lot of due) ops.push({ type: "expire", category, itemId, quantity: lot.quantity, expiresAt: lot.expiresAt });
      setLots(
        copy,
        itemId,
        lots.filter((lot) => !isExpired(lot, atMs)),
      );
      touched.set(category, (touched.get(category) ?? new Set<string>()).add(itemId));
    }
    if (isEmptyInventory(copy)) delete inventories[category];
    else inventories[category] = copy;
  }
  if (ops.length === 0) return undefined;
  const next: Player = { ...player, inventories, version: player.version + 1, updatedAt: at };
  const changes = diff(next, { wallet: new Set(), stacks: new Map(), metrics: new Map(), capacity: new Set(), expiring: touched }, atMs);
  return { player: next, ops, changes };
}

/** Throws the limit a batch would break by growing `before` into `next`. */
function requireWithinLimits(
  before: Player,
  next: Player,
  ops: readonly AppliedOp[],
  grew: { categories: boolean; stacks: Set<string>; metrics: boolean; lots: boolean; any: boolean },
  limits: StateLimits,
): void {
  if (grew.lots) {
    const count = lotsIn(next);
    if (count > limits.expiryLots && count > lotsIn(before)) {
      throw new HoardError(
        "INVENTORY_EXPIRY_LOT_LIMIT_EXCEEDED",
        `${next.id} would hold ${count} expiry lots, at most ${limits.expiryLots}`,
        {
          details: { playerId: next.id, limit: limits.expiryLots, count },
        },
      );
    }
  }
  if (grew.categories) {
    const count = Object.keys(next.inventories).length;
    if (count > limits.categories && count > Object.keys(before.inventories).length) {
      throw new HoardError("PLAYER_CATEGORY_LIMIT_EXCEEDED", `${next.id} would hold ${count} inventories, at most ${limits.categories}`, {
        details: { playerId: next.id, limit: limits.categories, count },
      });
    }
  }
  for (const category of grew.stacks) {
    const stacks = next.inventories[category]?.stacks ?? {};
    const count = Object.keys(stacks).length;
    if (count > limits.stacks && count > Object.keys(before.inventories[category]?.stacks ?? {}).length) {
      throw new HoardError("INVENTORY_STACK_LIMIT_EXCEEDED", `${category} would hold ${count} stacks, at most ${limits.stacks}`, {
        details: { playerId: next.id, category, limit: limits.stacks, count },
      });
    }
  }
  if (grew.metrics) {
    const count = metricsIn(next);
    if (count > limits.metrics && count > metricsIn(before)) {
      throw new HoardError("PLAYER_METRIC_LIMIT_EXCEEDED", `${next.id} would hold ${count} metrics, at most ${limits.metrics}`, {
        details: { playerId: next.id, limit: limits.metrics, count },
      });
    }
  }
  if (grew.any) requireSizeWithin(before, next, ops, limits.stateBytes);
  else {
    // Nothing grew: the state's bound carries over (16: the version may gain a digit).
    const known = sizeBounds.get(before);
    if (known !== undefined) sizeBounds.set(next, known + 16);
  }
}

/**
 * Upper bounds of the stored size of states already judged, by identity: the stores hand back
 * the very objects a commit produced (sqlite caches them), so the next commit of a player starts
 * from its bound instead of encoding the whole state again (~0.25 ms for 1,000 stacks).
 * Only a bound over the limit is checked by encoding, so the outcome is the same as measuring
 * every time.
 */
const sizeBounds = new WeakMap<Player, number>();

/** The most one op can add to the JSON: its names (ASCII), plus a new key's quotes, a number and a new inventory's braces. */
function growthBound(op: AppliedOp): number {
  if (op.type === "consume" || op.type === "debit" || (op.type === "setCapacity" && op.capacity === null)) return 0;
  let bound = 100;
  if (op.type === "lootDrawn") {
    for (const stack of op.outcome.items) bound += 100 + stack.category.length + stack.itemId.length;
    for (const currency of Object.keys(op.outcome.currencies)) bound += 100 + currency.length;
    return bound;
  }
  for (const value of Object.values(op)) if (typeof value === "string") bound += value.length;
  // A lot: the item's key under `expiring`, its time and quantity; a move may carry every lot of a stack.
  if (op.type === "grant" && (op.expiresAt !== undefined || op.expiresInMs !== undefined)) bound += 200;
  if (op.type === "move") bound += MAX_EXPIRY_LOTS_PER_STACK * 64 + 200;
  return bound;
}

function requireSizeWithin(before: Player, next: Player, ops: readonly AppliedOp[], limit: number): void {
  // 16: the version may gain a digit; updatedAt keeps its length.
  let bound = (sizeBounds.get(before) ?? stateBytes(before)) + 16;
  for (const op of ops) bound += growthBound(op);
  if (bound > limit) {
    bound = stateBytes(next);
    if (bound > limit && bound > stateBytes(before)) {
      throw new HoardError("PLAYER_STATE_LIMIT_EXCEEDED", `${next.id}'s state would take ${bound} bytes, at most ${limit}`, {
        details: { playerId: next.id, limit, bytes: bound },
      });
    }
  }
  sizeBounds.set(next, bound);
}

function lotsIn(player: Player): number {
  let count = 0;
  for (const inventory of Object.values(player.inventories)) {
    for (const lots of Object.values(inventory.expiring ?? {})) count += lots.length;
  }
  return count;
}

function metricsIn(player: Player): number {
  let count = 0;
  for (const inventory of Object.values(player.inventories)) count += Object.keys(inventory.metrics).length;
  return count;
}

/** The size of the player's stored state: its JSON without the cart, as the stores encode it. */
export function stateBytes(player: Player): number {
  const { cart: _cart, ...state } = player;
  return Buffer.byteLength(JSON.stringify(state));
}

/** Permanent and expiring units (lots past their time count until the sweep removes them). */
export function unitsIn(inventory: Inventory): number {
  let units = 0;
  for (const quantity of Object.values(inventory.stacks)) units += quantity;
  for (const lots of Object.values(inventory.expiring ?? {})) for (const lot of lots) units += lot.quantity;
  return units;
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
  touched: {
    wallet: Set<string>;
    stacks: Map<string, Set<string>>;
    metrics: Map<string, Set<string>>;
    capacity: Set<string>;
    expiring: Map<string, Set<string>>;
  },
  atMs: number,
): Changes {
  const changes: Changes = {};
  if (touched.wallet.size > 0) {
    changes.wallet = {};
    for (const currency of touched.wallet) changes.wallet[currency] = next.wallet[currency] ?? 0;
  }
  const categories = new Set([...touched.stacks.keys(), ...touched.metrics.keys(), ...touched.capacity, ...touched.expiring.keys()]);
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
      const expiring = touched.expiring.get(category);
      if (expiring) {
        // As a reader sees them: a lot past its time is gone already, whether or not swept.
        change.expiring = {};
        for (const itemId of expiring)
          change.expiring[itemId] = (inventory.expiring?.[itemId] ?? []).filter((lot) => !isExpired(lot, atMs));
      }
      changes.inventories[category] = change;
    }
  }
  return changes;
}
