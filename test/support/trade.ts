import { randomUUID } from "node:crypto";
import type { HoardClient, TradeBundleInput } from "@hoard/client-sdk";
import { itemDefinition } from "./server";

/** Builders for trade fixtures: items with values, stocked players, bundles. */

export async function defineItems<K extends string>(gm: HoardClient, values: Record<K, number | undefined>): Promise<Record<K, string>> {
  const ids = {} as Record<K, string>;
  for (const [key, value] of Object.entries(values) as Array<[K, number | undefined]>) {
    const definition = value === undefined ? { name: `${key}-${randomUUID().slice(0, 8)}` } : itemDefinition({ name: key, value });
    ids[key] = (await gm.items.create(definition)).item.id;
  }
  return ids;
}

export interface Stock {
  gold?: number;
  /** item id → quantity, all in `bag`. */
  bag?: Record<string, number>;
  capacity?: number;
}

/** A new player with a unique id (prefix-xxxx) holding exactly `stock`. */
export async function stockedPlayer(gm: HoardClient, prefix: string, stock: Stock = {}): Promise<string> {
  const id = `${prefix}-${randomUUID().slice(0, 8)}`;
  await gm.players.create({ id });
  const ops = [
    ...(stock.gold ? [{ type: "credit" as const, currency: "gold", amount: stock.gold }] : []),
    ...Object.entries(stock.bag ?? {}).map(([itemId, quantity]) => ({ type: "grant" as const, category: "bag", itemId, quantity })),
    ...(stock.capacity === undefined ? [] : [{ type: "setCapacity" as const, category: "bag", capacity: stock.capacity }]),
  ];
  if (ops.length > 0) await gm.inventory.apply(id, ops);
  return id;
}

export function items(lines: Record<string, number>, category = "bag"): TradeBundleInput {
  return { items: Object.entries(lines).map(([itemId, quantity]) => ({ category, itemId, quantity })) };
}

export function gold(amount: number): TradeBundleInput {
  return { currencies: { gold: amount } };
}

/** What a player holds: its bag and its gold. */
/** Gold and the units in `bag` as a read shows them: permanent and expiring units (none past their time) together. */
export async function holdings(client: HoardClient, playerId: string): Promise<{ gold: number; bag: Record<string, number> }> {
  const { player } = await client.players.get(playerId);
  const bag = { ...(player.inventories.bag?.stacks ?? {}) };
  for (const [itemId, lots] of Object.entries(player.inventories.bag?.expiring ?? {})) {
    for (const lot of lots) bag[itemId] = (bag[itemId] ?? 0) + lot.quantity;
  }
  return { gold: player.wallet.gold ?? 0, bag };
}
