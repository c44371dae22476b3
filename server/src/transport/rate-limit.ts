export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

/** A sustained rate and the burst a full bucket allows. */
export interface Rate {
  perSecond: number;
  burst: number;
}

/**
 * Takes one token from the bucket of `key`, or answers how long to wait for the next one.
 * In process (`TokenBuckets`, one node) or cluster-wide (`RedisTokenBuckets`, cluster/).
 */
export interface RateLimiter {
  take(key: string): RateDecision | Promise<RateDecision>;
  /** Frees memory of idle buckets, where the engine keeps any. */
  sweep?(): void;
}

/** Token buckets per key, in process. */
export class TokenBuckets implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  take(key: string): RateDecision {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) * this.perSecond) / 1000);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) * 1000) / this.perSecond) };
  }

  /** Drops buckets that have refilled: they hold nothing a new bucket would not. */
  sweep(): void {
    const now = this.now();
    const refillMs = (this.burst * 1000) / this.perSecond;
    for (const [key, bucket] of this.buckets) if (now - bucket.at >= refillMs) this.buckets.delete(key);
  }
}
