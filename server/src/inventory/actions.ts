import { HoardError, PlayerId } from "@hoard/protocol";
import { type ActionSet, actorOf } from "../actions";
import { forbidden, roles, selfOrTrusted } from "../auth/policy";
import type { TopicSource } from "../subscriptions/topics";
import { opsForbiddenToPlayers } from "./rules";
import type { InventoryService } from "./service";

const ownPlayer = selfOrTrusted<{ playerId: string }>((input) => input.playerId);

export function inventoryActions(
  inventory: InventoryService,
): ActionSet<
  | "players:create"
  | "players:get"
  | "players:list"
  | "inventory:apply"
  | "inventory:reverse"
  | "inventory:list"
  | "inventory:history"
  | "inventory:resync"
> {
  return {
    "players:create": {
      // A player may create only itself; servers and admins create anyone.
      authorize: (principal, input) => {
        if (principal.role === "player" && input.id !== undefined && input.id !== principal.sub) {
          throw forbidden("a player may only create itself");
        }
        // The id then defaults to the token's sub, which no schema has checked yet.
        if (principal.role === "player" && !PlayerId.safeParse(principal.sub).success) {
          throw forbidden("this token's sub is not a valid player id");
        }
      },
      handle: (ctx, input) => inventory.createPlayer(actorOf(ctx.principal), input),
    },
    "players:get": { authorize: ownPlayer, handle: async (_ctx, { playerId }) => ({ player: await inventory.getPlayer(playerId) }) },
    "players:list": { authorize: roles("server", "admin", "viewer"), handle: (_ctx, input) => inventory.listPlayers(input) },
    "inventory:apply": {
      authorize: (principal, input) => {
        ownPlayer(principal, input);
        const denied = principal.role === "player" ? opsForbiddenToPlayers(input.ops) : [];
        if (denied.length > 0) throw forbidden(`a player may not ${denied.join(", ")}; that needs the server or admin role`);
        // An operator's change is audited: the op log says who and why.
        if (principal.role === "admin" && input.reason === undefined) throw new HoardError("INVENTORY_REASON_REQUIRED");
      },
      handle: (ctx, input) => inventory.apply(actorOf(ctx.principal), input),
    },
    // Undoing an entry is the console's act; a game server applies the change it means instead.
    "inventory:reverse": { authorize: roles("admin"), handle: (ctx, input) => inventory.reverse(actorOf(ctx.principal), input) },
    "inventory:list": { authorize: ownPlayer, handle: (_ctx, input) => inventory.listInventories(input) },
    "inventory:history": { authorize: ownPlayer, handle: (_ctx, input) => inventory.history(input) },
    "inventory:resync": { authorize: ownPlayer, handle: (_ctx, input) => inventory.resync(input) },
  };
}

/** `inventory/{playerId}`: the player itself, servers and admins. */
export function inventoryTopic(inventory: InventoryService): TopicSource {
  return {
    authorize: (principal, playerId) => ownPlayer(principal, { playerId }),
    currentSeq: (playerId) => inventory.currentVersion(playerId),
  };
}
