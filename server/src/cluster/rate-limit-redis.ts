import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "../log";
import type { RateClass } from "../transport/rate-classes";
import { type Rate, type RateDecision, type RateLimiter, TokenBuckets } from "../transport/rate-limit";

/**
 * One token bucket per key in a Redis hash, taken atomically by a script, so every node
 * draws from the same bucket. The clock is Redis's (TIME), the same for every node.
 * KEYS[1]: the bucket; ARGV: tokens per second, burst. Returns {1, 0} or {0, retry after ms}.
 */
const TAKE_TOKEN = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1])
local at = tonumber(bucket[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
if now > at then
  tokens = math.min(burst, tokens + (now - at) * rate / 1000)
  at = now
end
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'at', string.format('%.3f', at))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return {allowed, wait}
`;
const TAKE_TOKEN_SHA = createHash("sha1").update(TAKE_TOKEN).digest("hex");

export interface RedisRateOptions {
  /** The `command` connection of RedisConnections: it fails fast while Redis is away. */
  redis: Redis;
  log: Logger;
  /** A bucket that Redis has not answered within this time falls back (default 100 ms). */
  timeoutMs?: number;
  /** Told each time a request is limited in process because Redis did not answer. */
  onFallback?: () => void;
}

/**
 * Cluster-wide limiters, one per class of events, for `RateLimits`.
 *
 * When Redis does not answer (down, or slower than `timeoutMs`) a request is not refused and
 * not let through unlimited: it is limited by an in-process bucket of the same rate on this
 * node, so each node still holds a player to the rate while the cluster-wide total may reach
 * rate × nodes. One line is logged when that starts and one when Redis answers again.
 */
export function redisRateLimiters(options: RedisRateOptions): (rateClass: RateClass, rate: Rate) => RateLimiter {
  const timeoutMs = options.timeoutMs ?? 100;
  let degraded = false;

  const run = async (key: string, rate: Rate): Promise<[number, number]> => {
    const args = [1, key, rate.perSecond, rate.burst] as const;
    try {
      return (await options.redis.evalsha(TAKE_TOKEN_SHA, ...args)) as [number, number];
    } catch (error) {
      // A restarted Redis has forgotten the script: send it whole once, then by hash again.
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return (await options.redis.eval(TAKE_TOKEN, ...args)) as [number, number];
    }
  };

  return (rateClass, rate) => {
    const local = new TokenBuckets(rate.perSecond, rate.burst);
    return {
      async take(key: string): Promise<RateDecision> {
        let timer: NodeJS.Timeout | undefined;
        try {
          const [allowed, retryAfterMs] = await Promise.race([
            run(`hoard:rate:${rateClass.name}:${key}`, rate),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`redis did not answer within ${timeoutMs} ms`)), timeoutMs);
            }),
          ]);
          if (degraded) {
            degraded = false;
            options.log.info("rate limits are cluster-wide again");
          }
          return allowed === 1 ? { ok: true } : { ok: false, retryAfterMs };
        } catch (error) {
          if (!degraded) options.log.warn({ err: error }, "rate limits fall back to this node's own buckets until redis answers");
          degraded = true;
          options.onFallback?.();
          return local.take(key);
        } finally {
          clearTimeout(timer);
        }
      },
      sweep: () => local.sweep(),
    };
  };
}
