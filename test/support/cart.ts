import type { HoardClient, ShopSale } from "@hoard/client-sdk";
import { itemDefinition } from "./server";

/** Defines a fresh item and puts it in the shop; resolves to its id. */
export async function shopItem(
  gm: HoardClient,
  options: { name?: string; price: number; currency?: string; sale?: ShopSale },
): Promise<string> {
  const { item } = await gm.items.create(itemDefinition(options.name === undefined ? {} : { name: options.name }));
  await gm.shop.put({
    itemId: item.id,
    price: options.price,
    ...(options.currency === undefined ? {} : { currency: options.currency }),
    ...(options.sale === undefined ? {} : { sale: options.sale }),
  });
  return item.id;
}

/** Creates a player holding `gold`. */
export async function playerWithGold(gm: HoardClient, id: string, gold: number): Promise<void> {
  await gm.players.create({ id });
  if (gold > 0) await gm.inventory.credit(id, "gold", gold);
}

/** An ISO time `ms` from now. */
export function fromNow(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}
