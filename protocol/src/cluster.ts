import { z } from "zod";
import { PlayerId, Role, Timestamp } from "./common.js";

const Count = z.number().int().min(0);
const Rate = z.number().min(0);

/**
 * What a node says about itself with every heartbeat (cluster:nodes). With Redis, each node's
 * card lives in its heartbeat key and vanishes with it (node TTL); without Redis the node
 * serving the request is the whole cluster.
 */
export const NodeCard = z.strictObject({
  nodeId: z.string().max(128),
  version: z.string().max(64),
  store: z.string().max(32),
  /** When the node started, and when it wrote this card. */
  startedAt: Timestamp,
  at: Timestamp,
  /** Seconds since the node started, as of `at`. */
  uptime: z.number().min(0),
  connections: Count,
  /** Requests handled per second over the last heartbeat period. */
  eventsPerSecond: Rate,
  /** Requests refused with a typed error per second, and INTERNAL errors since the node started. */
  refusedPerSecond: Rate,
  internalErrors: Count,
  /** p99 of the event-loop delay over the last heartbeat period, in ms. */
  eventLoopLagMs: z.number().min(0),
  /** `off` when the node runs without Redis. */
  redis: z.enum(["up", "down", "off"]),
});
export type NodeCard = z.infer<typeof NodeCard>;

export const ClusterNodesInput = z.strictObject({});
export const ClusterNodesOutput = z.strictObject({
  /** `redis`: every node whose heartbeat is alive; `local`: this node only (no Redis). */
  source: z.enum(["redis", "local"]),
  /** The node that answered. */
  servedBy: z.string().max(128),
  /** A node silent longer than this is gone from the list. */
  nodeTtlMs: Count,
  nodes: z.array(NodeCard),
});

/** One connection of a caller, on whichever node holds it. */
export const ConnectedSocket = z.strictObject({
  nodeId: z.string().max(128),
  socketId: z.string().max(64),
  role: Role,
  /** `websocket` or `polling` (as of the last upgrade). */
  transport: z.string().max(32),
  connectedAt: Timestamp,
  /** The push topics it is subscribed to. */
  topics: z.array(z.string()),
});
export type ConnectedSocket = z.infer<typeof ConnectedSocket>;

export const ClusterSocketsInput = z.strictObject({ playerId: PlayerId });
export const ClusterSocketsOutput = z.strictObject({ playerId: PlayerId, sockets: z.array(ConnectedSocket) });
