import type { EventInput, LootTable } from "@hoard/protocol/client";
import type { HoardClient } from "./client.js";
import { cachedForever } from "./immutable-cache.js";

/**
 * `hoard.loot`: loot tables, content-addressed like items (fetched once, then from memory), and
 * the replay of a logged draw. Drawing is an inventory op: `hoard.inventory.grantLoot`.
 */
export function lootApi(client: HoardClient) {
  return {
    /**
     * Defines a table (`server` or `admin`); the same table always gets the same id.
     * @example
     * const { table } = await hoard.loot.create({
     *   name: "Chest", rolls: 2,
     *   guaranteed: [{ type: "currency", currency: "gold", amount: { min: 10, max: 20 } }],
     *   entries: [
     *     { type: "item", itemId, category: "bag", quantity: { min: 1, max: 3 }, weight: 9 },
     *     { type: "nothing", weight: 1 },
     *   ],
     * });
     */
    create: (table: LootTable) => client.call("loot:create", { table }),
    /** @example const { definition } = await hoard.loot.get(tableId); */
    get: cachedForever((id) => client.call("loot:get", { id })),
    /** @example const { tables, next } = await hoard.loot.list({ limit: 50 }); */
    list: (page: EventInput<"loot:list"> = {}) => client.call("loot:list", page),
    /**
     * Draws again from the table and seed logged in one op log entry and says whether the outcome
     * is the logged one (the player itself, `server`, `admin` or `viewer`).
     * @example const { matches, draws } = await hoard.loot.replay("alice", 12);
     */
    replay: (playerId: string, version: number) => client.call("loot:replay", { playerId, version }),
  };
}
