import { HoardError, LOOT_LIMITS, type LootOutcome, type LootReward, type LootTable } from "@hoard/protocol";
import { canonicalJson, sha256Hex } from "../lib/canonical";
import { below, sfc32, type Uint32Source } from "./prng";

/**
 * Pure loot rules: a table's id, whether a table (with the tables it nests) is within bounds,
 * and the draw, a function of (seed, tables) only. No I/O, no clock, no Math.random: the service
 * makes the seed and loads the tables, and anyone can draw again from the logged seed.
 */

/** A table's id: the SHA-256 of its canonical JSON, as for item definitions. */
export function lootTableId(table: LootTable): string {
  return sha256Hex(canonicalJson(table));
}

/** The tables a table names directly (in its guaranteed rewards and its entries). */
export function nestedTableIds(table: LootTable): string[] {
  const ids = [...(table.guaranteed ?? []), ...table.entries].flatMap((reward) => (reward.type === "table" ? [reward.tableId] : []));
  return [...new Set(ids)];
}

/**
 * Checks a table with every table below it (`tables` must hold them all): no table missing
 * (LOOT_TABLE_NOT_FOUND), none containing itself (LOOT_TABLE_CYCLE; content addressing makes a
 * cycle impossible to build, this says so plainly should a store ever hold one), no deeper than
 * LOOT_LIMITS.depth below the root (LOOT_TABLE_TOO_DEEP), and no draw able to give more than
 * LOOT_LIMITS.rewards rewards (LOOT_TABLE_TOO_LARGE). Returns that worst case.
 */
export function checkLootTable(table: LootTable, tables: ReadonlyMap<string, LootTable>): number {
  const worst = (current: LootTable, path: readonly string[]): number => {
    const size = (reward: LootReward | LootTable["entries"][number]): number => {
      if (reward.type === "nothing") return 0;
      if (reward.type !== "table") return 1;
      if (path.includes(reward.tableId)) {
        throw new HoardError("LOOT_TABLE_CYCLE", `table ${reward.tableId} contains itself`, { details: { tableId: reward.tableId } });
      }
      if (path.length >= LOOT_LIMITS.depth) {
        throw new HoardError("LOOT_TABLE_TOO_DEEP", `tables nest at most ${LOOT_LIMITS.depth} levels below the root`, {
          details: { limit: LOOT_LIMITS.depth, tableId: reward.tableId },
        });
      }
      const nested = tables.get(reward.tableId);
      if (!nested)
        throw new HoardError("LOOT_TABLE_NOT_FOUND", `unknown loot table ${reward.tableId}`, { details: { id: reward.tableId } });
      return worst(nested, [...path, reward.tableId]);
    };
    let total = 0;
    for (const reward of current.guaranteed ?? []) total += size(reward);
    let largest = 0;
    for (const entry of current.entries) largest = Math.max(largest, size(entry));
    total += current.rolls * largest;
    if (total > LOOT_LIMITS.rewards) {
      throw new HoardError("LOOT_TABLE_TOO_LARGE", `a draw could give ${total} rewards, at most ${LOOT_LIMITS.rewards}`, {
        details: { limit: LOOT_LIMITS.rewards, rewards: total },
      });
    }
    return total;
  };
  return worst(table, []);
}

/**
 * Draws from the table `tableId` with the seed: guaranteed rewards first, then `rolls` weighted
 * picks (with replacement; a nested table draws its own guaranteed rewards and rolls), quantities
 * uniform within their ranges, all from one sfc32 stream in this order. The same (seed, tables)
 * always gives the same outcome. `tables` holds the table and every table below it (checked).
 */
export function drawLoot(tableId: string, tables: ReadonlyMap<string, LootTable>, seed: string): LootOutcome {
  const next = sfc32(seed);
  const stacks = new Map<string, LootOutcome["items"][number]>();
  const currencies: Record<string, number> = {};
  const give = (reward: LootReward): void => {
    switch (reward.type) {
      case "item": {
        const key = `${reward.category}\u0000${reward.itemId}`;
        const quantity = between(next, reward.quantity);
        const stack = stacks.get(key);
        if (stack) stack.quantity += quantity;
        else stacks.set(key, { category: reward.category, itemId: reward.itemId, quantity });
        break;
      }
      case "currency":
        currencies[reward.currency] = (currencies[reward.currency] ?? 0) + between(next, reward.amount);
        break;
      case "table":
        draw(reward.tableId);
        break;
    }
  };
  const draw = (id: string): void => {
    const table = tables.get(id);
    if (!table) throw new HoardError("LOOT_TABLE_NOT_FOUND", `unknown loot table ${id}`, { details: { id } });
    for (const reward of table.guaranteed ?? []) give(reward);
    if (table.rolls === 0) return;
    let total = 0;
    for (const entry of table.entries) total += entry.weight;
    for (let roll = 0; roll < table.rolls; roll++) {
      let pick = below(next, total);
      for (const entry of table.entries) {
        pick -= entry.weight;
        if (pick >= 0) continue;
        if (entry.type !== "nothing") give(entry);
        break;
      }
    }
  };
  draw(tableId);
  return { items: [...stacks.values()], currencies };
}

function between(next: Uint32Source, range: { min: number; max: number }): number {
  return range.min === range.max ? range.min : range.min + below(next, range.max - range.min + 1);
}

/** The class a random pick gives: one of the starter kits (sorted by name), uniformly, from the seed. */
export function pickClass(starters: readonly string[], seed: string): string {
  const picked = starters.length === 0 ? undefined : starters[below(sfc32(seed), starters.length)];
  if (picked === undefined) throw new HoardError("KIT_NOT_FOUND", "there are no starter kits to pick a random class from");
  return picked;
}
