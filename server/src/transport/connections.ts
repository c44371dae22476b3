import { HoardError, type WireError } from "@hoard/protocol";
import type { ActionSet } from "../actions";
import { roles } from "../auth/policy";
import type { Logger } from "../log";
import type { HoardIo } from "./socket";

/**
 * An operator closing a player's connections, on every node. Each connection of a player joins
 * the player's room when it connects, so the cluster adapter (Redis) reaches them wherever they
 * are: the `closing` notice, then the hang-up, published in that order on one Redis connection,
 * so every node sends the notice before it closes (engine.io drains what is queued first).
 */

/** The room of a player's own connections (a name no push topic can take: topics are `kind/key`). */
export function playerRoom(playerId: string): string {
  return `player:${playerId}`;
}

/** What the client hears before an operator's hang-up. */
export function disconnectNotice(reason: string, by: string): WireError {
  return new HoardError("CONNECTION_CLOSED_BY_OPERATOR", `an operator closed the connection: ${reason}`, {
    details: { reason, by },
  }).toWire();
}

/** `io` is made after the actions (it needs the dispatcher): asked for at call time. */
export function connectionActions(io: () => HoardIo, log: Logger): ActionSet<"players:disconnect"> {
  return {
    "players:disconnect": {
      authorize: roles("admin"),
      handle: async (ctx, { playerId, reason }) => {
        const room = io().in(playerRoom(playerId));
        const found = await room.fetchSockets();
        room.emit("closing", disconnectNotice(reason, ctx.principal.sub));
        room.disconnectSockets(true);
        log.info({ playerId, connections: found.length, by: ctx.principal.sub, reason }, "operator disconnected a player");
        return { playerId, connections: found.length };
      },
    },
  };
}
