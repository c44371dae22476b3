import type { Migration } from "./schema";

/**
 * The shop catalog's tables: one row per item and currency (the sale columns are all set or all
 * null), and one per limited item's supply.
 */
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
  {
    // A limited item's supply: a commit guard (cart/port.ts SUPPLY_GUARD), compare-and-set on version.
    name: "shop-002-supplies",
    sql: `
    CREATE TABLE shop_supplies (
      item_id TEXT PRIMARY KEY,
      supply INTEGER,
      held INTEGER NOT NULL,
      sold INTEGER NOT NULL,
      version INTEGER NOT NULL
    ) WITHOUT ROWID;
    `,
  },
];
