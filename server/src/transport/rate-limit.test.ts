import { describe, expect, it } from "vitest";
import { TokenBuckets } from "./rate-limit";

/** A limiter on a clock the test moves by hand. */
function limiter(options: { perSecond: number; burst: number }) {
  const clock = { now: 1_000 };
  const buckets = new TokenBuckets(options.perSecond, options.burst, () => clock.now);
  return {
    buckets,
    advance: (ms: number) => {
      clock.now += ms;
    },
    /** Takes `n` times and returns how many were allowed. */
    takeMany: (key: string, n: number) => Array.from({ length: n }, () => buckets.take(key)).filter((reply) => reply.ok).length,
  };
}

describe("TokenBuckets", () => {
  it("allows a burst, then refuses with how long to wait for the next token", () => {
    const { buckets, takeMany } = limiter({ perSecond: 2, burst: 3 });

    expect(takeMany("alice", 3)).toBe(3);
    expect(buckets.take("alice")).toEqual({ ok: false, retryAfterMs: 500 });
  });

  it("keeps a bucket per key", () => {
    const { buckets, takeMany } = limiter({ perSecond: 2, burst: 3 });

    takeMany("alice", 3);

    expect(buckets.take("alice").ok).toBe(false);
    expect(buckets.take("bob")).toEqual({ ok: true });
  });

  it("refills at the rate, and the wait shrinks as it refills", () => {
    const { buckets, advance, takeMany } = limiter({ perSecond: 2, burst: 3 });
    takeMany("alice", 3);

    advance(250);
    expect(buckets.take("alice")).toEqual({ ok: false, retryAfterMs: 250 });
    advance(250);
    expect(buckets.take("alice")).toEqual({ ok: true });
    expect(buckets.take("alice").ok).toBe(false);
  });

  it("never holds more than the burst, however long it waits", () => {
    const { advance, takeMany } = limiter({ perSecond: 2, burst: 3 });
    takeMany("alice", 3);

    advance(3_600_000);

    expect(takeMany("alice", 10)).toBe(3);
  });

  it("sweep keeps a bucket that still limits", () => {
    const { buckets, advance, takeMany } = limiter({ perSecond: 2, burst: 3 });
    takeMany("alice", 3);

    advance(1_000);
    buckets.sweep();

    // Two tokens came back in a second: a dropped bucket would allow three.
    expect(takeMany("alice", 3)).toBe(2);
  });

  // Whether sweep freed the bucket is not visible through take() (a kept full bucket acts the
  // same), so this proves only that sweeping a refilled key loses nothing and grants nothing extra.
  it("a key swept once refilled starts again from exactly a full burst", () => {
    const { buckets, advance, takeMany } = limiter({ perSecond: 2, burst: 3 });
    takeMany("alice", 3);

    advance(1_500);
    buckets.sweep();

    expect(takeMany("alice", 4)).toBe(3);
  });
});
