import type { ShopPrice } from "@hoard/protocol";
import type { Collection, Filter } from "mongodb";
import type { PriceQuery, ShopCatalog } from "../../cart/port";
import type { MongoPortDeps } from "./context";
import { count, text, texts } from "./scalars";
import type { DomainSchema } from "./schema";

/** `shop_prices`: one document per item and currency, the ShopPrice as it is (a sale is set whole or absent). */
export type PriceDoc = ShopPrice;

export const shopSchema: DomainSchema = {
  collections: ["shop_prices"],
  indexes: [
    // One price per (item, currency); listing pages in this order, pricesOf reads its prefix.
    { collection: "shop_prices", key: { itemId: 1, currency: 1 }, options: { name: "itemId_currency", unique: true } },
  ],
};

/** The shop catalog on MongoDB (the sqlite one is sqlite/shop-store.ts). Plain single-document writes: no transaction needed. */
export class MongoShopCatalog implements ShopCatalog {
  private readonly prices: Collection<PriceDoc>;

  constructor(private readonly deps: MongoPortDeps) {
    this.prices = deps.context.db.collection<PriceDoc>("shop_prices");
  }

  setPrice(entry: ShopPrice): Promise<void> {
    return this.deps.run(async () => {
      // Replaced whole: a new price without a sale drops the old sale. Concurrent upserts of one
      // (item, currency) do not fail on the unique index: the server retries such an upsert.
      await this.prices.replaceOne(priceKey(entry.itemId, entry.currency), entry, { upsert: true });
    });
  }

  withdrawPrice(itemId: string, currency: string): Promise<boolean> {
    return this.deps.run(async () => (await this.prices.deleteOne(priceKey(itemId, currency))).deletedCount === 1);
  }

  pricesOf(itemIds: readonly string[]): Promise<ShopPrice[]> {
    return this.deps.run(async () => {
      const ids = [...new Set(texts(itemIds, "item id"))];
      if (ids.length === 0) return [];
      const docs = await this.prices.find({ itemId: { $in: ids } }, { sort: { itemId: 1, currency: 1 }, projection: { _id: 0 } }).toArray();
      // As the sqlite engine answers: the items in the order asked, each by currency.
      const order = new Map(ids.map((id, index) => [id, index]));
      return docs.sort((a, b) => (order.get(a.itemId) ?? 0) - (order.get(b.itemId) ?? 0));
    });
  }

  listPrices(query: PriceQuery): Promise<ShopPrice[]> {
    return this.deps.run(() =>
      this.prices
        .find(priceListFilter(query), { sort: { itemId: 1, currency: 1 }, limit: count(query.limit, "limit"), projection: { _id: 0 } })
        .toArray(),
    );
  }
}

function priceKey(itemId: string, currency: string): Filter<PriceDoc> {
  return { itemId: text(itemId, "item id"), currency: text(currency, "currency") };
}

/** Prices after the (itemId, currency) cursor, optionally of one item. */
export function priceListFilter(query: PriceQuery): Filter<PriceDoc> {
  const filter: Filter<PriceDoc> = {};
  if (query.itemId !== undefined) filter.itemId = text(query.itemId, "item id");
  if (query.after !== undefined) {
    const afterItem = text(query.after.itemId, "after.itemId");
    filter.$or = [{ itemId: { $gt: afterItem } }, { itemId: afterItem, currency: { $gt: text(query.after.currency, "after.currency") } }];
  }
  return filter;
}
