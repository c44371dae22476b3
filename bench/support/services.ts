import { DEFAULT_STATE_LIMITS } from "@hoard/server/internal/inventory/rules";
import { InventoryService } from "@hoard/server/internal/inventory/service";
import { ItemService } from "@hoard/server/internal/items/service";
import { LootService } from "@hoard/server/internal/loot/service";
import type { Store } from "@hoard/server/internal/store/port";

/** The inventory path without a node (no socket, pushes dropped), for benchmarks that time the service and store alone. */
export function inventoryOn(store: Store): { items: ItemService; loot: LootService; inventory: InventoryService } {
  const items = new ItemService(store);
  const loot = new LootService({ store, items });
  const inventory = new InventoryService({ store, items, loot, publisher: { publish: () => {} }, limits: DEFAULT_STATE_LIMITS });
  return { items, loot, inventory };
}
