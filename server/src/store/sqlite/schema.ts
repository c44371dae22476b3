/**
 * Schema migrations, applied in order under `PRAGMA user_version`. Append only: a released
 * migration never changes.
 */
export const migrations: readonly string[] = [
  `
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
  CREATE INDEX op_log_op_key ON op_log (op_key);
  CREATE TABLE op_results (
    op_key TEXT PRIMARY KEY,
    request_hash TEXT NOT NULL,
    result TEXT NOT NULL,
    at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX op_results_at ON op_results (at);
  `,
];
