import type { ActionSet } from "../actions";
import { anyRole, roles, selfOrTrusted } from "../auth/policy";
import type { LootService } from "./service";

export function lootActions(loot: LootService): ActionSet<"loot:create" | "loot:get" | "loot:list" | "loot:replay"> {
  return {
    // Who may define what others draw from: those who may define items.
    "loot:create": { authorize: roles("server", "admin"), handle: (_ctx, { table }) => loot.create(table) },
    // A table's odds are public, like item definitions: players may read what a chest can give.
    "loot:get": { authorize: anyRole, handle: (_ctx, { id }) => loot.get(id) },
    "loot:list": { authorize: anyRole, handle: (_ctx, page) => loot.list(page) },
    // A draw's seed is in the op log once it is drawn: the player may check its own draws, as may support.
    "loot:replay": {
      authorize: selfOrTrusted<{ playerId: string }>((input) => input.playerId),
      handle: (_ctx, input) => loot.replay(input),
    },
  };
}
