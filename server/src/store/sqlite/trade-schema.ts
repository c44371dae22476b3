import type { Migration } from "./schema";

/** Tables of the trade domain: offers (mutable status, settled through commit guards) and feed sequences. */
export const tradeMigrations: Migration[] = [
  {
    name: "trade-001-offers-feeds",
    sql: `
    CREATE TABLE trade_offers (
      id TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      from_id TEXT NOT NULL,
      to_id TEXT NOT NULL,
      status TEXT NOT NULL,
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      offer TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX trade_offers_from ON trade_offers (from_id, created_at, id);
    CREATE INDEX trade_offers_to ON trade_offers (to_id, created_at, id);
    CREATE INDEX trade_offers_lapsing ON trade_offers (expires_at) WHERE status = 'pending';
    CREATE TABLE trade_feeds (key TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
    -- Partial indexes over the trade records (the economy questions), so counting a period
    -- reads no JSON and the most imbalanced trades come off the top of an index.
    CREATE INDEX records_trade_outcome ON records (at, data ->> '$.data.outcome', data ->> '$.data.suspicious') WHERE kind = 'trade';
    CREATE INDEX records_trade_imbalance ON records (data ->> '$.data.imbalance', at)
      WHERE kind = 'trade' AND data ->> '$.data.outcome' = 'executed';
    `,
  },
];
