import type { ShopPrice } from "@hoard/protocol";
import type Database from "better-sqlite3";
import { type PriceQuery, type ShopCatalog, SUPPLY_GUARD, type Supply, type SupplyData, type SupplyQuery } from "../../cart/port";
import type { GuardTable } from "./guard-table";

interface PriceRow {
  item_id: string;
  currency: string;
  price: number;
  sale_price: number | null;
  sale_starts_at: string | null;
  sale_expires_at: string | null;
  updated_at: string;
}

interface SupplyRow {
  item_id: string;
  supply: number | null;
  held: number;
  sold: number;
  version: number;
}

/** The shop catalog on the embedded engine's handle (tables from shop-schema.ts). */
export class SqliteShopCatalog implements ShopCatalog {
  /** The supply documents, for SqliteStore's commits (cart/port.ts SUPPLY_GUARD). */
  readonly guardTables: Readonly<Record<string, GuardTable>>;
  private readonly stmt;

  /** `enqueue`: the store's group commit, which every write goes through (and, under FULL, its sync). */
  constructor(
    db: Database.Database,
    private readonly enqueue: <T>(work: () => T) => Promise<T>,
  ) {
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
      getSupply: db.prepare("SELECT item_id, supply, held, sold, version FROM shop_supplies WHERE item_id = ?"),
      setSupply: db.prepare(
        `INSERT INTO shop_supplies (item_id, supply, held, sold, version) VALUES (?, ?, 0, 0, 1)
         ON CONFLICT (item_id) DO UPDATE SET supply = excluded.supply, version = version + 1
         RETURNING item_id, supply, held, sold, version`,
      ),
      listSupplies: db.prepare("SELECT item_id, supply, held, sold, version FROM shop_supplies WHERE item_id > ? ORDER BY item_id LIMIT ?"),
      insertSupply: db.prepare(
        "INSERT INTO shop_supplies (item_id, supply, held, sold, version) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      ),
      updateSupply: db.prepare("UPDATE shop_supplies SET supply = ?, held = ?, sold = ?, version = ? WHERE item_id = ? AND version = ?"),
    };
    const stmt = this.stmt;
    this.guardTables = {
      [SUPPLY_GUARD]: {
        read(itemId) {
          const row = stmt.getSupply.get(itemId) as SupplyRow | undefined;
          return row ? { kind: SUPPLY_GUARD, id: itemId, version: row.version, data: dataOf(row) } : undefined;
        },
        write(doc, expected) {
          const { supply, held, sold } = doc.data as SupplyData;
          if (expected === 0) return stmt.insertSupply.run(doc.id, supply, held, sold, doc.version).changes === 1;
          return stmt.updateSupply.run(supply, held, sold, doc.version, doc.id, expected).changes === 1;
        },
      },
    };
  }

  async setPrice(entry: ShopPrice): Promise<void> {
    const sale = entry.sale;
    await this.enqueue(() =>
      this.stmt.set.run(
        entry.itemId,
        entry.currency,
        entry.price,
        sale?.price ?? null,
        sale?.startsAt ?? null,
        sale?.expiresAt ?? null,
        entry.updatedAt,
      ),
    );
  }

  withdrawPrice(itemId: string, currency: string): Promise<boolean> {
    return this.enqueue(() => this.stmt.withdraw.run(itemId, currency).changes === 1);
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

  setSupply(itemId: string, supply: number | null): Promise<Supply> {
    return this.enqueue(() => supplyOf(this.stmt.setSupply.get(itemId, supply) as SupplyRow));
  }

  async listSupplies(query: SupplyQuery): Promise<Supply[]> {
    if (query.itemId !== undefined) {
      const row = this.stmt.getSupply.get(query.itemId) as SupplyRow | undefined;
      return row && (query.after === undefined || row.item_id > query.after) ? [supplyOf(row)] : [];
    }
    return (this.stmt.listSupplies.all(query.after ?? "", query.limit) as SupplyRow[]).map(supplyOf);
  }
}

function dataOf(row: SupplyRow): SupplyData {
  return { supply: row.supply, held: row.held, sold: row.sold };
}

function supplyOf(row: SupplyRow): Supply {
  return { itemId: row.item_id, version: row.version, ...dataOf(row) };
}

function priceFromRow(row: PriceRow): ShopPrice {
  const entry: ShopPrice = { itemId: row.item_id, currency: row.currency, price: row.price, updatedAt: row.updated_at };
  if (row.sale_price !== null && row.sale_expires_at !== null) {
    entry.sale = { price: row.sale_price, expiresAt: row.sale_expires_at };
    if (row.sale_starts_at !== null) entry.sale.startsAt = row.sale_starts_at;
  }
  return entry;
}
