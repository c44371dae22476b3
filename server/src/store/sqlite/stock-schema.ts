import type { Migration } from "./schema";

/**
 * The stock ledger, laid out for the origin's 50M-entry shape (an entry being one key's day
 * with its partitions): one WITHOUT ROWID row per (key, day) holding small integers and the
 * day's partitions packed in a blob (stock-codec.ts), about 35 bytes for a day of 10
 * partitions. Keys and partition names are interned; days are days since 1970-01-01.
 * A row per (key, day, partition) was measured first: ten times the rows, about 150 bytes
 * and ten B-tree inserts per day, too slow for the bulk-load target.
 * `stock_ops` is the stock audit trail: every op on a key, with the version it made.
 */
export const stockMigrations: Migration[] = [
  {
    name: "stock-001-ledger",
    sql: `
    CREATE TABLE stock_keys (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, version INTEGER NOT NULL);
    CREATE TABLE stock_partitions (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
    CREATE TABLE stock_days (
      key_id INTEGER NOT NULL,
      day INTEGER NOT NULL,
      counts BLOB NOT NULL,
      PRIMARY KEY (key_id, day)
    ) WITHOUT ROWID;
    CREATE TABLE stock_ops (op_key TEXT PRIMARY KEY, key_id INTEGER NOT NULL, version INTEGER NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID;
    `,
  },
];
