import { type ConnectedSocket, NodeCard } from "@hoard/protocol";
import type { ActionSet } from "../actions";
import { roles } from "../auth/policy";

export interface ClusterView {
  nodeId: string;
  nodeTtlMs: number;
  /** Redis: the heartbeat values of the live nodes; without Redis, absent. */
  liveCards?: () => Promise<string[]>;
  /** This node's card now. */
  localCard: () => NodeCard;
  /** The connections of a player on every node. */
  sockets: (sub: string) => Promise<ConnectedSocket[]>;
}

/**
 * `cluster:*`: what the console's Cluster page reads (admin and viewer). The nodes come from
 * the presence heartbeats (one registry of nodes, with its TTL); a card that does not parse (a
 * node of an older version beats a bare timestamp) is left out rather than failing the list.
 */
export function clusterActions(view: ClusterView): ActionSet<"cluster:nodes" | "cluster:sockets"> {
  const operators = roles("admin", "viewer");
  return {
    "cluster:nodes": {
      authorize: operators,
      handle: async () => {
        const base = { servedBy: view.nodeId, nodeTtlMs: view.nodeTtlMs };
        const local = view.localCard();
        if (!view.liveCards) return { ...base, source: "local" as const, nodes: [local] };
        // Redis away: this node is all that can be known (its card says Redis is down).
        const texts = await view.liveCards().catch(() => undefined);
        if (!texts) return { ...base, source: "local" as const, nodes: [local] };
        const cards = texts.flatMap((text) => {
          const parsed = NodeCard.safeParse(safeJson(text));
          return parsed.success ? [parsed.data] : [];
        });
        // This node's own card is fresher than its last heartbeat (and there even before the first).
        const nodes = [local, ...cards.filter((card) => card.nodeId !== view.nodeId)].sort((a, b) => a.nodeId.localeCompare(b.nodeId));
        return { ...base, source: "redis" as const, nodes };
      },
    },
    "cluster:sockets": {
      authorize: operators,
      handle: async (_ctx, { playerId }) => ({ playerId, sockets: await view.sockets(playerId) }),
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
