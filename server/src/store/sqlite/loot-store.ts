import type { StoredLootTable } from "@hoard/protocol";
import type Database from "better-sqlite3";
import type { LootTableStore } from "../../loot/port";
import type { Migration } from "./schema";

/** Loot tables: one row per content id, never changed. */
export const lootMigrations: Migration[] = [
  {
    name: "loot-001-tables",
    sql: "CREATE TABLE loot_tables (id TEXT PRIMARY KEY, definition TEXT NOT NULL, created_at TEXT NOT NULL) WITHOUT ROWID;",
  },
];

interface TableRow {
  id: string;
  definition: string;
  created_at: string;
}

/** Loot tables on the embedded engine's handle. */
export class SqliteLootTables implements LootTableStore {
  private readonly stmt;

  /** `enqueue`: the store's group commit, which every write goes through (and, under FULL, its sync). */
  constructor(
    db: Database.Database,
    private readonly enqueue: <T>(work: () => T) => Promise<T>,
  ) {
    this.stmt = {
      insert: db.prepare("INSERT INTO loot_tables (id, definition, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING"),
      get: db.prepare("SELECT id, definition, created_at FROM loot_tables WHERE id = ?"),
      list: db.prepare("SELECT id, definition, created_at FROM loot_tables WHERE id > ? ORDER BY id LIMIT ?"),
    };
  }

  async save(table: StoredLootTable): Promise<{ table: StoredLootTable; created: boolean }> {
    const created = await this.enqueue(
      () => this.stmt.insert.run(table.id, JSON.stringify(table.definition), table.createdAt).changes === 1,
    );
    if (created) return { table, created: true };
    const stored = (await this.get([table.id])).get(table.id);
    return { table: stored ?? table, created: false };
  }

  async get(ids: readonly string[]): Promise<Map<string, StoredLootTable>> {
    const found = new Map<string, StoredLootTable>();
    for (const id of new Set(ids)) {
      const row = this.stmt.get.get(id) as TableRow | undefined;
      if (row) found.set(id, fromRow(row));
    }
    return found;
  }

  async list(page: { after?: string | undefined; limit: number }): Promise<StoredLootTable[]> {
    return (this.stmt.list.all(page.after ?? "", page.limit) as TableRow[]).map(fromRow);
  }
}

function fromRow(row: TableRow): StoredLootTable {
  return { id: row.id, definition: JSON.parse(row.definition), createdAt: row.created_at };
}
