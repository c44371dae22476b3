import { lootMigrations } from "./loot-store";
import { presenceMigrations } from "./presence-schema";
import { shopMigrations } from "./shop-schema";
import { stockMigrations } from "./stock-schema";
import { tradeMigrations } from "./trade-schema";

/** A named schema change. Applied once per database, in list order; never edited once released. */
export interface Migration {
  name: string;
  sql: string;
}

const core: Migration[] = [
  {
    name: "core-001-players-items-oplog",
    sql: `
    CREATE TABLE items (id TEXT PRIMARY KEY, definition TEXT NOT NULL, created_at TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE kits (name TEXT PRIMARY KEY, kit TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE players (id TEXT PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE op_log (
      player_id TEXT NOT NULL,
      version INTEGER NOT NULL,
      op_key TEXT NOT NULL,
      entry TEXT NOT NULL,
      PRIMARY KEY (player_id, version)
    ) WITHOUT ROWID;
    CREATE TABLE op_results (
      op_key TEXT PRIMARY KEY,
      request_hash TEXT NOT NULL,
      result TEXT,
      at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX op_results_at ON op_results (at);
    `,
  },
  {
    name: "core-002-records",
    sql: `
    CREATE TABLE records (kind TEXT NOT NULL, id TEXT NOT NULL, at TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID;
    CREATE INDEX records_at ON records (kind, at, id);
    CREATE TABLE record_players (kind TEXT NOT NULL, player_id TEXT NOT NULL, at TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (kind, player_id, at, id)) WITHOUT ROWID;
    `,
  },
  {
    // Cart lines leave the player document for rows of their own (store/sqlite/player-rows.ts).
    name: "core-003-cart-lines",
    sql: `
    CREATE TABLE cart_lines (player_id TEXT NOT NULL, item_id TEXT NOT NULL, line TEXT NOT NULL, PRIMARY KEY (player_id, item_id)) WITHOUT ROWID;
    INSERT INTO cart_lines (player_id, item_id, line)
      SELECT p.id, l.key, l.value FROM players p, json_each(p.state, '$.cart.lines') l;
    UPDATE players SET state = json_remove(state, '$.cart') WHERE json_type(state, '$.cart') IS NOT NULL;
    `,
  },
  {
    // The soonest expiry lot per player, for the expiry sweep (store/sqlite/expiry-index.ts).
    name: "core-004-player-expiries",
    sql: `
    CREATE TABLE player_expiries (player_id TEXT PRIMARY KEY, next_at TEXT NOT NULL) WITHOUT ROWID;
    CREATE INDEX player_expiries_next_at ON player_expiries (next_at);
    `,
  },
  {
    // One appended record per op, carrying its result and its op-log entries (store/sqlite/op-results.ts).
    // Results move over in the order they were stored; the op log written so far stays where it
    // is, read below a player's first record, so opening an old file copies no history.
    name: "core-005-op-records",
    sql: `
    CREATE TABLE ops (
      seq INTEGER PRIMARY KEY,
      op_key TEXT NOT NULL UNIQUE,
      request_hash TEXT NOT NULL,
      at INTEGER NOT NULL,
      result TEXT,
      entries TEXT
    );
    INSERT INTO ops (op_key, request_hash, at, result) SELECT op_key, request_hash, at, result FROM op_results ORDER BY at, op_key;
    DROP TABLE op_results;
    ALTER TABLE players ADD COLUMN spine TEXT;
    CREATE TABLE store_meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
    `,
  },
];

/** Every migration of the embedded engine: core first, then each domain's own list. */
export const migrations: readonly Migration[] = [
  ...core,
  ...shopMigrations,
  ...tradeMigrations,
  ...presenceMigrations,
  ...stockMigrations,
  ...lootMigrations,
];
