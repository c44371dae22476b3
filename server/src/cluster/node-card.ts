import { monitorEventLoopDelay } from "node:perf_hooks";
import type { NodeCard } from "@hoard/protocol";

export interface NodeCardSources {
  nodeId: string;
  version: string;
  store: string;
  startedAt: number;
  /** Open socket connections now. */
  connections: () => number;
  /** Requests handled, refused (typed errors) and INTERNAL, since the node started. */
  totals: () => { requests: number; refused: number; internal: number };
  /** Undefined without Redis. */
  redisUp?: () => boolean;
  now?: () => number;
}

/**
 * What a node says about itself with each presence heartbeat (every second): its card rides in
 * the heartbeat key, so with Redis the cards of the live nodes are the cluster, and a node that
 * died drops out with its key (node TTL). Rates are differences between two cards.
 */
export function nodeCards(sources: NodeCardSources): {
  /** A new card: rates and lag over the time since the previous one (the heartbeat calls this). */
  next(): NodeCard;
  /** The last card made (a new one before the first heartbeat), so a read does not shorten the heartbeat's period. */
  latest(): NodeCard;
  close(): void;
} {
  const now = sources.now ?? Date.now;
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  let last = { at: now(), ...sources.totals() };
  let latest: NodeCard | undefined;
  return {
    latest() {
      latest ??= this.next();
      return latest;
    },
    next() {
      const at = now();
      const totals = sources.totals();
      const seconds = Math.max((at - last.at) / 1000, 0.001);
      const perSecond = (key: "requests" | "refused") => Math.max(0, totals[key] - last[key]) / seconds;
      const card: NodeCard = {
        nodeId: sources.nodeId,
        version: sources.version,
        store: sources.store,
        startedAt: new Date(sources.startedAt).toISOString(),
        at: new Date(at).toISOString(),
        uptime: Math.max(0, (at - sources.startedAt) / 1000),
        connections: sources.connections(),
        eventsPerSecond: perSecond("requests"),
        refusedPerSecond: perSecond("refused"),
        internalErrors: totals.internal,
        // The histogram is in ns; an idle loop reads a few ms at this resolution.
        eventLoopLagMs: lag.count > 0 ? lag.percentile(99) / 1e6 : 0,
        redis: sources.redisUp === undefined ? "off" : sources.redisUp() ? "up" : "down",
      };
      lag.reset();
      last = { at, ...totals };
      latest = card;
      return card;
    },
    close() {
      lag.disable();
    },
  };
}
