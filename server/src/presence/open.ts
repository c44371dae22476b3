import type { RedisConnections } from "../cluster/redis";
import type { Config } from "../config";
import type { Logger } from "../log";
import { MemoryRegistry } from "./memory-registry";
import { RedisRegistry } from "./redis-registry";
import type { PresenceRegistry } from "./registry";

/** Picks the engine: Redis when the node has Redis connections (many nodes), in-process otherwise (one node). */
export function openPresenceRegistry(config: Config, log: Logger, redis: RedisConnections | undefined): PresenceRegistry {
  const settings = { eventTtlMs: config.presence.eventTtlMs, eventIdWindowMs: config.presence.eventIdWindowMs };
  if (!redis) return new MemoryRegistry(settings);
  return new RedisRegistry({ ...settings, redis, nodeId: config.nodeId, nodeTtlMs: config.presence.nodeTtlMs, log });
}
