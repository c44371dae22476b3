import { describe, expect, it } from "vitest";
import { type RateClass, RateLimits, rateClasses, rateClassOf } from "./rate-classes";
import { TokenBuckets } from "./rate-limit";

describe("rate classes", () => {
  it.each([
    ["trades:propose", "trade"],
    ["trades:accept", "trade"],
    ["cart:checkout", "checkout"],
    ["cart:add", "default"],
    ["inventory:apply", "default"],
    ["trades:list", "default"],
  ])("%s → %s", (event, name) => {
    expect(rateClassOf(event).name).toBe(name);
  });

  it("trades and checkout are strict, the rest standard", () => {
    expect(Object.fromEntries(rateClasses.map((rateClass) => [rateClass.name, rateClass.tier]))).toEqual({
      trade: "strict",
      checkout: "strict",
      default: "standard",
    });
  });

  it("a table without a catch-all row is a wiring mistake, caught at the first unmatched event", () => {
    const classes: RateClass[] = [{ name: "only", tier: "strict", matches: (event) => event === "x:y" }];
    expect(() => rateClassOf("inventory:apply", classes)).toThrow(/catch-all/);
  });
});

describe("RateLimits", () => {
  const limits = () =>
    new RateLimits({
      rates: { standard: { perSecond: 1, burst: 3 }, strict: { perSecond: 1, burst: 1 } },
      limiter: (_, rate) => new TokenBuckets(rate.perSecond, rate.burst, () => 0),
    });
  const allowed = async (rateLimits: RateLimits, event: string, key: string, n: number) => {
    const replies = [];
    for (let i = 0; i < n; i++) replies.push(await rateLimits.take(event, key));
    return replies.filter((reply) => reply.ok).length;
  };

  it("gives each class its own bucket per key, at its tier's rate", async () => {
    const rateLimits = limits();
    expect(await allowed(rateLimits, "trades:propose", "player:ann", 3)).toBe(1);
    expect(await allowed(rateLimits, "cart:checkout", "player:ann", 3)).toBe(1);
    expect(await allowed(rateLimits, "players:get", "player:ann", 5)).toBe(3);
    expect(await allowed(rateLimits, "trades:accept", "player:bob", 3)).toBe(1);
  });

  it("answers how long to wait", async () => {
    const rateLimits = limits();
    await rateLimits.take("trades:propose", "player:ann");
    expect(await rateLimits.take("trades:propose", "player:ann")).toEqual({ ok: false, retryAfterMs: 1000 });
  });
});
