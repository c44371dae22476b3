import type { ShopPrice } from "@hoard/protocol";
import type { Collection, Filter } from "mongodb";
import { type PriceQuery, type ShopCatalog, SUPPLY_GUARD, type Supply, type SupplyData, type SupplyQuery } from "../../cart/port";
import type { MongoPortDeps } from "./context";
import { type GuardCollection, insertNew } from "./guards";
import { count, text, texts } from "./scalars";
import type { DomainSchema } from "./schema";

/** `shop_prices`: one document per item and currency, the ShopPrice as it is (a sale is set whole or absent). */
export type PriceDoc = ShopPrice;

/** `shop_supplies`: one document per limited item, `_id` = the item id; `version` is the guard's compare-and-set key. */
interface SupplyDoc extends SupplyData {
  _id: string;
  version: number;
}

export const shopSchema: DomainSchema = {
  collections: ["shop_prices", "shop_supplies"],
  indexes: [
    // One price per (item, currency); listing pages in this order, pricesOf reads its prefix.
    { collection: "shop_prices", key: { itemId: 1, currency: 1 }, options: { name: "itemId_currency", unique: true } },
  ],
};

/** The shop catalog on MongoDB (the sqlite one is sqlite/shop-store.ts). Plain single-document writes: no transaction needed. */
export class MongoShopCatalog implements ShopCatalog {
  /** The supply documents, for MongoStore's commits (cart/port.ts SUPPLY_GUARD). */
  readonly guardCollections: ReadonlyMap<string, GuardCollection>;
  private readonly prices: Collection<PriceDoc>;
  private readonly supplies: Collection<SupplyDoc>;

  constructor(private readonly deps: MongoPortDeps) {
    this.prices = deps.context.db.collection<PriceDoc>("shop_prices");
    const supplies = deps.context.db.collection<SupplyDoc>("shop_supplies");
    this.supplies = supplies;
    this.guardCollections = new Map<string, GuardCollection>([
      [
        SUPPLY_GUARD,
        {
          async read(ids, session) {
            const docs = await supplies.find({ _id: { $in: texts(ids, "item id") } }, { session }).toArray();
            return docs.map((doc) => ({ kind: SUPPLY_GUARD, id: doc._id, version: doc.version, data: dataOf(doc) }));
          },
          async write(doc, expected, session) {
            const { supply, held, sold } = doc.data as SupplyData;
            const _id = text(doc.id, "item id");
            if (expected === 0) return insertNew(supplies, { _id, supply, held, sold, version: doc.version }, session);
            const update = { $set: { supply, held, sold, version: doc.version } };
            return (await supplies.updateOne({ _id, version: expected }, update, { session })).matchedCount === 1;
          },
        },
      ],
    ]);
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

  setSupply(itemId: string, supply: number | null): Promise<Supply> {
    return this.deps.run(async () => {
      // One atomic upsert: held and sold stay as the commits left them.
      const doc = await this.supplies.findOneAndUpdate(
        { _id: text(itemId, "item id") },
        { $set: { supply }, $inc: { version: 1 }, $setOnInsert: { held: 0, sold: 0 } },
        { upsert: true, returnDocument: "after" },
      );
      if (!doc) throw new Error(`the supply of ${itemId} was not written`);
      return supplyOf(doc);
    });
  }

  listSupplies(query: SupplyQuery): Promise<Supply[]> {
    return this.deps.run(async () => {
      const docs = await this.supplies.find(supplyListFilter(query), { sort: { _id: 1 }, limit: count(query.limit, "limit") }).toArray();
      return docs.map(supplyOf);
    });
  }
}

/** Supplies after the cursor, optionally of one item; no condition at all is every supply (`_id: {}` would match none). */
export function supplyListFilter(query: SupplyQuery): Filter<SupplyDoc> {
  const id: Record<string, string> = {};
  if (query.after !== undefined) id.$gt = text(query.after, "after");
  if (query.itemId !== undefined) id.$eq = text(query.itemId, "item id");
  return Object.keys(id).length === 0 ? {} : { _id: id };
}

function dataOf(doc: SupplyDoc): SupplyData {
  return { supply: doc.supply, held: doc.held, sold: doc.sold };
}

function supplyOf(doc: SupplyDoc): Supply {
  return { itemId: doc._id, version: doc.version, ...dataOf(doc) };
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
