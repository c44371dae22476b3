import type { ModeCount } from "./rules";

/**
 * The presence registry port: who is where, and how many play each mode of each area. Named
 * after what presence does, not after Redis commands, so the in-process engine is plain code.
 * Two engines: `memory` (one node; memory-registry.ts) and `redis` (many nodes;
 * redis-registry.ts). One test suite (test/integration/presence.test.ts) runs against both.
 *
 * Every method takes the time it acts at (`now`, epoch ms), so engines never read a clock and
 * the tests can move time by hand. Counts are kept incrementally by every change; nothing
 * ever scans users or sockets to count.
 */
export interface PresenceRegistry {
  readonly engine: "memory" | "redis";

  /** Binds the user to a connection of this node; a presence elsewhere moves here. */
  login(input: { userId: string; areaCode: string; mode: string; connectionId: string; now: number }): Promise<void>;
  /** Ends the user's presence if this connection holds it; answers whether it did. */
  endSession(input: { userId: string; connectionId: string; now: number }): Promise<boolean>;
  /**
   * Applies game servers' LOGIN/LOGOUT events in order. An event whose key was seen within the
   * id window changes nothing and is counted as a duplicate. LOGIN presences expire `ttlMs`
   * after their latest LOGIN.
   */
  ingest(events: readonly IngestEvent[], now: number): Promise<{ duplicates: number }>;
  /** Ends the event presences whose TTL has passed (and forgets long-empty areas); answers how many. */
  expire(now: number): Promise<number>;

  stats(areaCode: string): Promise<AreaCounts>;
  areas(limit: number): Promise<AreaOverview>;

  /**
   * Says this node is alive and reaps the nodes that stopped saying so (their players are
   * logged out). The in-process engine has no other nodes: nothing to do. `card` is what the
   * node says about itself (opaque JSON, see cluster/node-card.ts): it lives as long as the
   * heartbeat, so `liveNodes` lists exactly the nodes not yet reaped.
   */
  heartbeat(now: number, card?: string): Promise<{ reaped: string[] }>;
  /** The cards of every node whose heartbeat is alive (in-process: this node's last card). */
  liveNodes(): Promise<string[]>;
  /** Ends every presence held by a connection of that node; answers how many. */
  reapNode(nodeId: string, now: number): Promise<number>;

  /** Called with the areas whose counts changed, whichever node changed them. */
  onChange(listener: (areaCodes: readonly string[]) => void): () => void;
  /**
   * Resolves once `onChange` hears every change (the Redis engine subscribes to other nodes'
   * changes asynchronously; until then changes, its own included, go unheard). Never rejects.
   */
  whenListening(): Promise<void>;
  /**
   * True while `onChange` hears every change (the Redis engine's subscription is in place on a
   * live connection); false while Redis is away or the subscription is being renewed, when this
   * node sends no area pushes. /health and /ready report it.
   */
  readonly hearsChanges: boolean;
  close(): Promise<void>;
}

export interface IngestEvent {
  /** The event id scoped to its sender (role:sub:eventId). */
  key: string;
  userId: string;
  areaCode: string;
  mode: string;
  event: "LOGIN" | "LOGOUT";
}

export interface AreaCounts {
  areaCode: string;
  /** Most played first (sortModes). */
  modes: ModeCount[];
  total: number;
  /** Grows with every change that moved the area's counts (seq.ts); 0 for an area never seen. */
  seq: number;
}

export interface AreaOverview {
  /** Busiest first. */
  areas: Array<{ areaCode: string; players: number }>;
  areaCount: number;
  players: number;
}

export interface RegistrySettings {
  /** How long a game server's LOGIN lasts unless another LOGIN for the user refreshes it. */
  eventTtlMs: number;
  /** Event ids are remembered at least this long (and at most twice as long). */
  eventIdWindowMs: number;
}
