import type { Migration } from "./schema";

/** The shop catalog's tables: one row per item and currency; the sale columns are all set or all null. */
export const shopMigrations: Migration[] = [
  {
    name: "shop-001-prices",
    sql: `
    CREATE TABLE shop_prices (
      item_id TEXT NOT NULL,
      currency TEXT NOT NULL,
      price INTEGER NOT NULL,
      sale_price INTEGER,
      sale_starts_at TEXT,
      sale_expires_at TEXT,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (item_id, currency)
    ) WITHOUT ROWID;
    `,
  },
];
