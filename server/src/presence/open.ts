import type { Config } from "../config";
import type { Logger } from "../log";
import { MemoryRegistry } from "./memory-registry";
import { RedisRegistry } from "./redis-registry";
import type { PresenceRegistry } from "./registry";

/** Picks the engine: Redis when REDIS_URL is set (many nodes), in-process otherwise (one node). */
export function openPresenceRegistry(config: Config, log: Logger): PresenceRegistry {
  const settings = { eventTtlMs: config.presence.eventTtlMs, eventIdWindowMs: config.presence.eventIdWindowMs };
  if (!config.redisUrl) return new MemoryRegistry(settings);
  return new RedisRegistry({ ...settings, url: config.redisUrl, nodeId: config.nodeId, nodeTtlMs: config.presence.nodeTtlMs, log });
}
