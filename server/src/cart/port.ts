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
  /**
   * Sets how many units of an item the shop sells in all (null lifts the limit), keeping what
   * is held and sold; creates the item's supply document at version 1, bumps it otherwise.
   */
  setSupply(itemId: string, supply: number | null): Promise<Supply>;
  /** Supplies by item id after the cursor; optionally of one item only. */
  listSupplies(query: SupplyQuery): Promise<Supply[]>;
}

/**
 * The guard kind (commit/plan.ts) of a limited item's supply, id = the item id: carts hold and
 * release units and checkouts sell them in the same commit as the player's cart, so nothing is
 * oversold or returned twice. Each engine keeps these documents beside the prices.
 */
export const SUPPLY_GUARD = "shop-supply";

/** A supply document's data (`Guarded<SupplyData>`). */
export interface SupplyData {
  /** Units for sale in all, held and sold ones included; null = unlimited. */
  supply: number | null;
  held: number;
  sold: number;
}

export interface Supply extends SupplyData {
  itemId: string;
  version: number;
}

export interface SupplyQuery {
  itemId?: string | undefined;
  after?: string | undefined;
  limit: number;
}

export interface PriceQuery {
  itemId?: string | undefined;
  after?: { itemId: string; currency: string } | undefined;
  limit: number;
}
