import type { ShopPrice } from "@hoard/protocol";

/**
 * The shop catalog, a sub-port of the store (`store.shop`): the price of each item definition
 * in each currency, with an optional sale. Configuration written by servers and admins, read
 * by every cart change and checkout. Each engine keeps it beside its player documents.
 */
export interface ShopCatalog {
  /** Sets the price of an item in a currency, replacing any earlier price and sale. */
  setPrice(entry: ShopPrice): Promise<void>;
  /** Takes an item off sale in a currency; false when it had no price there. */
  withdrawPrice(itemId: string, currency: string): Promise<boolean>;
  /** Every price of these items, in every currency. */
  pricesOf(itemIds: readonly string[]): Promise<ShopPrice[]>;
  /** Prices by item id, then currency, after the cursor; optionally of one item only. */
  listPrices(query: PriceQuery): Promise<ShopPrice[]>;
}

export interface PriceQuery {
  itemId?: string | undefined;
  after?: { itemId: string; currency: string } | undefined;
  limit: number;
}
