import type { Migration } from "./schema";

/**
 * The stock ledger, laid out for the origin's 50M-entry shape: one WITHOUT ROWID row per
 * (key, day, partition) holding only small integers (the key and the partition are interned,
 * the day is days since 1970-01-01), so a row costs about 15 bytes on disk. `stock_ops`
 * remembers every op key for good: once its result is pruned from op_results, a late repeat
 * is refused with OP_ID_EXPIRED instead of being applied again.
 */
export const stockMigrations: Migration[] = [
  {
    name: "stock-001-ledger",
    sql: `
    CREATE TABLE stock_keys (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL);
    CREATE TABLE stock_partitions (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
    CREATE TABLE stock_counts (
      key_id INTEGER NOT NULL,
      day INTEGER NOT NULL,
      partition_id INTEGER NOT NULL,
      count INTEGER NOT NULL,
      PRIMARY KEY (key_id, day, partition_id)
    ) WITHOUT ROWID;
    CREATE TABLE stock_ops (op_key TEXT PRIMARY KEY, key_id INTEGER NOT NULL, version INTEGER NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID;
    `,
  },
];
