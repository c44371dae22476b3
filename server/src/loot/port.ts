import type { StoredLootTable } from "@hoard/protocol";

/**
 * The loot sub-port of the store: immutable, content-addressed tables, stored once under their
 * id like item definitions (a table never changes nor goes away, so readers may cache it forever).
 */
export interface LootTableStore {
  /** Saves a table under its content id; `created` is false when it was already there (the first createdAt stays). */
  save(table: StoredLootTable): Promise<{ table: StoredLootTable; created: boolean }>;
  get(ids: readonly string[]): Promise<Map<string, StoredLootTable>>;
  /** Tables by id, after `after`. */
  list(page: { after?: string | undefined; limit: number }): Promise<StoredLootTable[]>;
}
