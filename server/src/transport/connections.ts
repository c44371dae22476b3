import { type ConnectedSocket, HoardError, type WireError } from "@hoard/protocol";
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
function disconnectNotice(reason: string, by: string): WireError {
  return new HoardError("CONNECTION_CLOSED_BY_OPERATOR", `an operator closed the connection: ${reason}`, {
    details: { reason, by },
  }).toWire();
}

/**
 * The node's connections as the domains and the node's status see them: made before the services,
 * like the push hub, and attached once the socket server exists (the socket server needs the
 * dispatcher, which needs the services). Before `attach`, the node has no connections.
 */
export class ConnectionDirectory {
  private io: HoardIo | undefined;

  attach(io: HoardIo): void {
    this.io = io;
  }

  /** Connections open on this node. */
  count(): number {
    return this.io?.engine.clientsCount ?? 0;
  }

  /** A player's connections on every node (its room): through the adapter, so across Redis too. */
  async socketsOf(playerId: string): Promise<ConnectedSocket[]> {
    if (!this.io) return [];
    const room = playerRoom(playerId);
    const sockets = await this.io.in(room).fetchSockets();
    return sockets.map((socket) => ({
      nodeId: socket.data.nodeId,
      socketId: socket.id,
      role: socket.data.principal.role,
      transport: socket.data.transport,
      connectedAt: new Date(socket.data.connectedAt).toISOString(),
      topics: [...socket.rooms].filter((name) => name !== socket.id && name !== room).sort(),
    }));
  }

  /** Tells each of a player's connections, on every node, why, then closes them; resolves to how many there were. */
  async disconnect(playerId: string, reason: string, by: string): Promise<number> {
    if (!this.io) return 0;
    const room = this.io.in(playerRoom(playerId));
    const found = await room.fetchSockets();
    room.emit("closing", disconnectNotice(reason, by));
    room.disconnectSockets(true);
    return found.length;
  }
}

export function connectionActions(connections: ConnectionDirectory, log: Logger): ActionSet<"players:disconnect"> {
  return {
    "players:disconnect": {
      authorize: roles("admin"),
      handle: async (ctx, { playerId, reason }) => {
        const count = await connections.disconnect(playerId, reason, ctx.principal.sub);
        log.info({ playerId, connections: count, by: ctx.principal.sub, reason }, "operator disconnected a player");
        return { playerId, connections: count };
      },
    },
  };
}
