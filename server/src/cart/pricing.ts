import type { CurrentPrice, ShopPrice } from "@hoard/protocol";

/**
 * What an item costs at `now` (ms since the epoch, the server's clock): the sale price from
 * the sale's start (inclusive; no start = already on) until its expiry (exclusive), the
 * regular price otherwise.
 */
export function currentPrice(entry: ShopPrice, now: number): CurrentPrice {
  const sale = entry.sale;
  if (sale && (sale.startsAt === undefined || Date.parse(sale.startsAt) <= now) && now < Date.parse(sale.expiresAt)) {
    return { price: sale.price, specialSale: true, saleExpiration: sale.expiresAt };
  }
  return { price: entry.price, specialSale: false };
}

/** True when two prices are the same terms: amount, sale or not, and the same sale expiry. */
export function samePrice(a: CurrentPrice, b: CurrentPrice): boolean {
  return a.price === b.price && a.specialSale === b.specialSale && sameInstant(a.saleExpiration, b.saleExpiration);
}

export function sameInstant(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined ? a === b : Date.parse(a) === Date.parse(b);
}

/**
 * The catalog entries a service loaded for a commit. It knows which items it loaded, so the
 * rules can tell "no price" (the item is not for sale) from "not loaded" (the cart gained an
 * item after the service read it, and the service must load again).
 */
export class PriceBook {
  private readonly loaded: ReadonlySet<string>;
  private readonly entries = new Map<string, ShopPrice>();

  constructor(options: { itemIds: Iterable<string>; entries: readonly ShopPrice[] }) {
    this.loaded = new Set(options.itemIds);
    for (const entry of options.entries) this.entries.set(`${entry.itemId}/${entry.currency}`, entry);
  }

  /** The items loaded (their supplies too, for a checkout). */
  get itemIds(): Iterable<string> {
    return this.loaded;
  }

  has(itemId: string): boolean {
    return this.loaded.has(itemId);
  }

  get(itemId: string, currency: string): ShopPrice | undefined {
    return this.entries.get(`${itemId}/${currency}`);
  }
}
