import type { Rate, RateDecision, RateLimiter } from "./rate-limit";

/** How tight a class of events is limited: `standard` (HOARD_RATE_*) or `strict` (HOARD_RATE_STRICT_*). */
export type RateTier = "standard" | "strict";

export interface RateClass {
  /** Names the bucket: a player has one bucket per class. */
  name: string;
  tier: RateTier;
  matches(event: string): boolean;
}

const oneOf =
  (...events: string[]) =>
  (event: string) =>
    events.includes(event);

/**
 * Classes of events, each with its own bucket per player; the first row that matches wins.
 * Events that move value between players or out of the shop are strict, so a scripted client
 * cannot hammer them however many nodes it spreads over. A new event joins a class by
 * matching one of these rows, or gets its own row above `default`.
 */
export const rateClasses: readonly RateClass[] = [
  { name: "trade", tier: "strict", matches: oneOf("trades:propose", "trades:accept", "trades:decline", "trades:cancel", "trades:execute") },
  { name: "checkout", tier: "strict", matches: oneOf("cart:checkout") },
  { name: "default", tier: "standard", matches: () => true },
];

export function rateClassOf(event: string, classes: readonly RateClass[] = rateClasses): RateClass {
  const found = classes.find((rateClass) => rateClass.matches(event));
  if (!found) throw new Error(`no rate class matches ${event}: the table needs a catch-all row`);
  return found;
}

/** One limiter per class of events, each with the rate of its tier. */
export class RateLimits {
  private readonly classes: readonly RateClass[];
  private readonly limiters = new Map<string, RateLimiter>();

  constructor(options: {
    rates: Record<RateTier, Rate>;
    /** Makes the limiter of one class: in process, or through Redis. */
    limiter: (rateClass: RateClass, rate: Rate) => RateLimiter;
    classes?: readonly RateClass[];
  }) {
    this.classes = options.classes ?? rateClasses;
    for (const rateClass of this.classes) this.limiters.set(rateClass.name, options.limiter(rateClass, options.rates[rateClass.tier]));
  }

  /** Takes a token for `event` from the bucket of `key` (e.g. the player) in the event's class. */
  async take(event: string, key: string): Promise<RateDecision> {
    const limiter = this.limiters.get(rateClassOf(event, this.classes).name);
    return limiter ? limiter.take(key) : { ok: true };
  }

  sweep(): void {
    for (const limiter of this.limiters.values()) limiter.sweep?.();
  }
}
