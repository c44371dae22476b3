import type { ShopPrice } from "@hoard/protocol";
import type Database from "better-sqlite3";
import type { PriceQuery, ShopCatalog } from "../../cart/port";

interface PriceRow {
  item_id: string;
  currency: string;
  price: number;
  sale_price: number | null;
  sale_starts_at: string | null;
  sale_expires_at: string | null;
  updated_at: string;
}

/** The shop catalog on the embedded engine's handle (tables from shop-schema.ts). */
export class SqliteShopCatalog implements ShopCatalog {
  private readonly stmt;

  constructor(db: Database.Database) {
    const columns = "item_id, currency, price, sale_price, sale_starts_at, sale_expires_at, updated_at";
    this.stmt = {
      set: db.prepare(
        `INSERT INTO shop_prices (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (item_id, currency) DO UPDATE SET price = excluded.price, sale_price = excluded.sale_price,
           sale_starts_at = excluded.sale_starts_at, sale_expires_at = excluded.sale_expires_at, updated_at = excluded.updated_at`,
      ),
      withdraw: db.prepare("DELETE FROM shop_prices WHERE item_id = ? AND currency = ?"),
      // A point lookup on the key's prefix per item (an IN over json_each scanned the table).
      pricesOf: db.prepare(`SELECT ${columns} FROM shop_prices WHERE item_id = ? ORDER BY currency`),
      list: db.prepare(`SELECT ${columns} FROM shop_prices WHERE (item_id, currency) > (?, ?) ORDER BY item_id, currency LIMIT ?`),
      listItem: db.prepare(
        `SELECT ${columns} FROM shop_prices WHERE item_id = ? AND (item_id, currency) > (?, ?) ORDER BY item_id, currency LIMIT ?`,
      ),
    };
  }

  async setPrice(entry: ShopPrice): Promise<void> {
    const sale = entry.sale;
    this.stmt.set.run(
      entry.itemId,
      entry.currency,
      entry.price,
      sale?.price ?? null,
      sale?.startsAt ?? null,
      sale?.expiresAt ?? null,
      entry.updatedAt,
    );
  }

  async withdrawPrice(itemId: string, currency: string): Promise<boolean> {
    return this.stmt.withdraw.run(itemId, currency).changes === 1;
  }

  async pricesOf(itemIds: readonly string[]): Promise<ShopPrice[]> {
    return [...new Set(itemIds)].flatMap((itemId) => (this.stmt.pricesOf.all(itemId) as PriceRow[]).map(priceFromRow));
  }

  async listPrices(query: PriceQuery): Promise<ShopPrice[]> {
    const after = [query.after?.itemId ?? "", query.after?.currency ?? ""] as const;
    const rows =
      query.itemId === undefined ? this.stmt.list.all(...after, query.limit) : this.stmt.listItem.all(query.itemId, ...after, query.limit);
    return (rows as PriceRow[]).map(priceFromRow);
  }
}

function priceFromRow(row: PriceRow): ShopPrice {
  const entry: ShopPrice = { itemId: row.item_id, currency: row.currency, price: row.price, updatedAt: row.updated_at };
  if (row.sale_price !== null && row.sale_expires_at !== null) {
    entry.sale = { price: row.sale_price, expiresAt: row.sale_expires_at };
    if (row.sale_starts_at !== null) entry.sale.startsAt = row.sale_starts_at;
  }
  return entry;
}
