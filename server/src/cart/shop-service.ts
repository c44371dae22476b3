import type { EventOutput, ParsedInput, ShopOffer, ShopPrice } from "@hoard/protocol";
import type { ItemService } from "../items/service";
import type { Store } from "../store/port";
import { currentPrice } from "./pricing";
import { supplyView } from "./supply";

export interface ShopDeps {
  store: Store;
  items: ItemService;
}

/** The shop catalog: prices and sales per item definition and currency (servers and admins set them). */
export class ShopService {
  constructor(private readonly deps: ShopDeps) {}

  async put(input: ParsedInput<"shop:put">): Promise<EventOutput<"shop:put">> {
    await this.deps.items.requireDefined([input.itemId]);
    const entry: ShopPrice = {
      itemId: input.itemId,
      currency: input.currency,
      price: input.price,
      ...(input.sale === undefined ? {} : { sale: input.sale }),
      updatedAt: new Date().toISOString(),
    };
    await this.deps.store.shop.setPrice(entry);
    return { entry: offerOf(entry, Date.now()) };
  }

  /** Entries with what they cost now by the server's clock, so a client can offer exactly that. */
  async list(input: ParsedInput<"shop:list">): Promise<EventOutput<"shop:list">> {
    const limit = input.limit ?? 100;
    const entries = await this.deps.store.shop.listPrices({ itemId: input.itemId, after: parseCursor(input.after), limit });
    const now = Date.now();
    const last = entries.at(-1);
    return {
      entries: entries.map((entry) => offerOf(entry, now)),
      next: entries.length === limit && last ? `${last.itemId}/${last.currency}` : null,
    };
  }

  async remove(input: ParsedInput<"shop:remove">): Promise<EventOutput<"shop:remove">> {
    return { removed: await this.deps.store.shop.withdrawPrice(input.itemId, input.currency) };
  }

  /** Limits (or, with null, lifts the limit of) what the shop sells of an item in all; what carts hold and what was sold stay. */
  async supply(input: ParsedInput<"shop:supply">): Promise<EventOutput<"shop:supply">> {
    await this.deps.items.requireDefined([input.itemId]);
    return { supply: supplyView(await this.deps.store.shop.setSupply(input.itemId, input.supply)) };
  }

  async supplies(input: ParsedInput<"shop:supplies">): Promise<EventOutput<"shop:supplies">> {
    const limit = input.limit ?? 100;
    const supplies = await this.deps.store.shop.listSupplies({ itemId: input.itemId, after: input.after, limit });
    const last = supplies.at(-1);
    return { supplies: supplies.map(supplyView), next: supplies.length === limit && last ? last.itemId : null };
  }
}

function offerOf(entry: ShopPrice, now: number): ShopOffer {
  return { ...entry, current: currentPrice(entry, now) };
}

/** Catalog cursors are `{itemId}/{currency}` of the last entry of the previous page. */
function parseCursor(cursor: string | undefined): { itemId: string; currency: string } | undefined {
  if (cursor === undefined) return undefined;
  const [itemId = "", currency = ""] = cursor.split("/", 2);
  return { itemId, currency };
}
