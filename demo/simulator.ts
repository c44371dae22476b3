import type { HoardClient } from "@hoard/client-sdk";

/**
 * The demo's traffic: each domain adds one `Traffic` (a module under demo/traffic/ and one
 * line in demo/traffic/index.ts) that plays a game's calls against the node through the SDK
 * until the demo stops.
 */
export interface Traffic {
  readonly name: string;
  /** Creates what it needs, then plays until `ctx.signal` aborts. */
  run(ctx: TrafficContext): Promise<void>;
}

export interface TrafficContext {
  /** Game servers' connections (role `server`), e.g. one per region, so the audit trail shows several actors. */
  readonly servers: readonly HoardClient[];
  /** Opens a connection as `sub` with that role (closed by the simulator when it stops). */
  connectAs(role: "player" | "server", sub: string): Promise<HoardClient>;
  readonly signal: AbortSignal;
  readonly stats: TrafficStats;
}

/** What the demo prints now and then: commits, refusals by error code. */
export class TrafficStats {
  committed = 0;
  readonly refused = new Map<string, number>();

  /** Runs one call, counting it as committed or refused; never throws (a refusal is normal traffic). */
  async count<T>(call: Promise<T>): Promise<T | undefined> {
    const outcome = await this.attempt(call);
    return outcome.ok ? outcome.value : undefined;
  }

  /** Like `count`, but says why a call was refused (its error code), for traffic that reacts to it. */
  async attempt<T>(call: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; code: string }> {
    try {
      const value = await call;
      this.committed++;
      return { ok: true, value };
    } catch (error) {
      const code = String((error as { code?: unknown }).code ?? "ERROR");
      this.refused.set(code, (this.refused.get(code) ?? 0) + 1);
      return { ok: false, code };
    }
  }

  summary(): string {
    const refused = [...this.refused].map(([code, n]) => `${n} ${code}`).join(", ");
    return `${this.committed} calls committed${refused ? `; refused: ${refused}` : ""}`;
  }
}

/** Calls `tick` every `ms` until the signal aborts; a slow tick delays the next one instead of piling up. */
export async function every(ms: number, signal: AbortSignal, tick: () => Promise<void>): Promise<void> {
  while (!signal.aborted) {
    const started = Date.now();
    await tick();
    const wait = Math.max(0, ms - (Date.now() - started));
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, wait);
      signal.addEventListener("abort", done, { once: true });
    });
  }
}

/** A small seeded random source, so a demo run is reproducible with HOARD_DEMO_SEED. */
export class Dice {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }

  /** A float in [0, 1). */
  next(): number {
    // xorshift32
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x1_0000_0000;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}
