import type { Actor } from "@hoard/protocol";
import { describe, expect, it } from "vitest";
import { DEFAULT_STATE_LIMITS } from "../config";
import { InventoryService } from "../inventory/service";
import { ItemService } from "../items/service";
import { createLogger } from "../log";
import { LootService } from "../loot/service";
import { SqliteStore } from "../store/sqlite/sqlite-store";
import { ExpirySweeper } from "./sweeper";

const actor: Actor = { role: "server", sub: "game" };
const START = Date.parse("2030-01-01T00:00:00.000Z");

describe("the expiry sweep", () => {
  it("drains a backlog larger than one batch in one sweep (a flash sale's holds all due at once)", async () => {
    let now = START;
    const store = new SqliteStore({ path: ":memory:", now: () => now });
    try {
      const items = new ItemService(store);
      const loot = new LootService({ store, items });
      const inventory = new InventoryService({ store, items, loot, publisher: { publish: () => {} }, limits: DEFAULT_STATE_LIMITS });
      const { item } = await items.create({ name: "Ticket", kind: "material", value: 1 });
      const players = 1_200;
      await Promise.all(
        Array.from({ length: players }, async (_, i) => {
          await inventory.createPlayer(actor, { id: `p${i}`, opId: `create-${i}-op` });
          await inventory.apply(actor, {
            playerId: `p${i}`,
            opId: `grant-${i}-op`,
            ops: [{ type: "grant", category: "bag", itemId: item.id, quantity: 1, expiresInMs: 60_000 }],
          });
        }),
      );
      now += 60_000;
      const sweeper = new ExpirySweeper({
        store,
        publisher: { publish: () => {} },
        log: createLogger({ nodeId: "test", level: "silent" }),
        now: () => now,
      });

      expect(await sweeper.sweep()).toBe(players);
      expect(await store.listDueExpiries(new Date(now).toISOString(), 10)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
