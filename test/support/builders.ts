import { randomUUID } from "node:crypto";
import type { Actor, Inventory, InventoryOp, ItemDefinition, Kit, LootTable, Player, StoredItem, StoredLootTable } from "@hoard/protocol";
import { itemId } from "@hoard/server/internal/items/service";
import { sha256Hex } from "@hoard/server/internal/lib/canonical";
import { lootTableId } from "@hoard/server/internal/loot/rules";

/**
 * Small fixture builders shared by unit and contract tests. Each returns a fresh object, so a
 * test may change what it gets without touching another test's fixture.
 */

/** A fixed instant for tests of pure code, which takes the clock as an argument. */
export const T0 = "2030-01-01T00:00:00.000Z";

export function anOpId(): string {
  return `op-${randomUUID()}`;
}

export function anActor(overrides: Partial<Actor> = {}): Actor {
  return { role: "server", sub: "game", ...overrides };
}

export function aDefinition(overrides: Partial<ItemDefinition> = {}): ItemDefinition {
  return { name: `item-${randomUUID().slice(0, 8)}`, kind: "consumable", value: 10, ...overrides };
}

/** A stored item whose id is the real content id of its definition. */
export function aStoredItem(overrides: Partial<ItemDefinition> = {}, createdAt = new Date().toISOString()): StoredItem {
  const definition = aDefinition(overrides);
  return { id: itemId(definition), definition, createdAt };
}

/** A well-formed item id (64 hex) derived from a label, for rules that never look items up. */
export function anItemId(label: string): string {
  return sha256Hex(`item:${label}`);
}

export function aKit(overrides: Partial<Kit> = {}): Kit {
  return {
    name: "warrior",
    currencies: { gold: 100 },
    items: [{ itemId: anItemId("sword"), category: "equipment.weapons", quantity: 1 }],
    ...overrides,
  };
}

/** A loot table: one roll of a common potion (weight 3) or 10–20 gold (weight 1), and a guaranteed key. */
export function aLootTable(overrides: Partial<LootTable> = {}): LootTable {
  return {
    name: `chest-${randomUUID().slice(0, 8)}`,
    guaranteed: [{ type: "item", itemId: anItemId("key"), category: "bag", quantity: { min: 1, max: 1 } }],
    rolls: 1,
    entries: [
      { type: "item", itemId: anItemId("potion"), category: "bag", quantity: { min: 1, max: 3 }, weight: 3 },
      { type: "currency", currency: "gold", amount: { min: 10, max: 20 }, weight: 1 },
    ],
    ...overrides,
  };
}

/** A stored loot table whose id is the real content id of its definition. */
export function aStoredLootTable(overrides: Partial<LootTable> = {}, createdAt = new Date().toISOString()): StoredLootTable {
  const definition = aLootTable(overrides);
  return { id: lootTableId(definition), definition, createdAt };
}

export function anInventory(overrides: Partial<Inventory> = {}): Inventory {
  return { stacks: {}, metrics: {}, ...overrides };
}

/** A stored player state; version 1 unless told otherwise. */
export function aPlayer(overrides: Partial<Player> = {}): Player {
  return { id: "alice", version: 1, wallet: {}, inventories: {}, createdAt: T0, updatedAt: T0, ...overrides };
}

/** Op builders, so a batch reads as what it does. */
export const op = {
  grant: (category: string, itemId: string, quantity: number): InventoryOp => ({ type: "grant", category, itemId, quantity }),
  consume: (category: string, itemId: string, quantity: number): InventoryOp => ({ type: "consume", category, itemId, quantity }),
  move: (from: string, to: string, itemId: string, quantity: number): InventoryOp => ({ type: "move", from, to, itemId, quantity }),
  setMetric: (category: string, name: string, value: number): InventoryOp => ({ type: "setMetric", category, name, value }),
  incrementMetric: (category: string, name: string, by: number): InventoryOp => ({ type: "incrementMetric", category, name, by }),
  setCapacity: (category: string, capacity: number | null): InventoryOp => ({ type: "setCapacity", category, capacity }),
  credit: (currency: string, amount: number): InventoryOp => ({ type: "credit", currency, amount }),
  debit: (currency: string, amount: number): InventoryOp => ({ type: "debit", currency, amount }),
};
