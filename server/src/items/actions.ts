import type { ActionSet } from "../actions";
import { anyRole, roles } from "../auth/policy";
import type { ItemService } from "./service";

const trusted = roles("server", "admin");

export function itemActions(
  items: ItemService,
): ActionSet<"items:create" | "items:get" | "items:list" | "kits:put" | "kits:get" | "kits:list"> {
  return {
    "items:create": { authorize: trusted, handle: (_ctx, { definition }) => items.create(definition) },
    "items:get": { authorize: anyRole, handle: (_ctx, { id }) => items.get(id) },
    "items:list": { authorize: anyRole, handle: (_ctx, page) => items.list(page) },
    "kits:put": { authorize: trusted, handle: async (_ctx, { kit }) => ({ kit: await items.putKit(kit) }) },
    "kits:get": { authorize: anyRole, handle: async (_ctx, { name }) => ({ kit: await items.getKit(name) }) },
    "kits:list": { authorize: anyRole, handle: async () => ({ kits: await items.listKits() }) },
  };
}
