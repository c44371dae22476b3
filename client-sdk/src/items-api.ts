import type { EventInput, ItemDefinition, Kit, StoredItem } from "@hoard/protocol/client";
import type { HoardClient } from "./client.js";
import { cachedForever } from "./immutable-cache.js";

/** `hoard.items`: item definitions, content-addressed: fetched once, then served from memory forever. */
export function itemsApi(client: HoardClient) {
  return {
    /** @example const { item } = await hoard.items.create({ name: "Potion", value: 5 }); */
    create: (definition: ItemDefinition) => client.call("items:create", { definition }),
    /** @example const potion = await hoard.items.get(itemId); */
    get: cachedForever((id): Promise<StoredItem> => client.call("items:get", { id })),
    /** @example const { items, next } = await hoard.items.list({ limit: 50 }); */
    list: (page: EventInput<"items:list"> = {}) => client.call("items:list", page),
  };
}

/** `hoard.kits`: named bundles of items and currency given to new players of a class. */
export function kitsApi(client: HoardClient) {
  return {
    /** @example await hoard.kits.put({ name: "warrior", currencies: { gold: 100 } }); */
    put: (kit: Kit) => client.call("kits:put", { kit }),
    /** @example const { kit } = await hoard.kits.get("warrior"); */
    get: (name: string) => client.call("kits:get", { name }),
    /** @example const { kits } = await hoard.kits.list(); */
    list: () => client.call("kits:list", {}),
  };
}
