import type { AreaStats, PresenceSample } from "@hoard/client-sdk";

/**
 * The players of one area over the last minutes, for the sparkline: the node's history samples
 * (one a minute) joined with every live push since. Pure, so it is unit-tested in Node.
 */
export class AreaTimeline {
  /** Milliseconds since the epoch → players, in time order. */
  private points: { at: number; total: number }[] = [];

  constructor(private readonly windowMs: number) {}

  /** Adds history samples (any order; a sample already known is kept once). */
  addSamples(samples: readonly PresenceSample[]): void {
    for (const sample of samples) this.add(Date.parse(sample.at), sample.total);
  }

  /** Adds the stats of a push or a read. */
  addStats(stats: AreaStats): void {
    this.add(Date.parse(stats.asOf), stats.total);
  }

  /**
   * The series to draw at `now`: x in seconds (uPlot's time unit), y players, the window's
   * points plus one at `now` holding the latest total, so a quiet area's line still reaches now.
   */
  series(now: number): { x: number[]; y: number[] } {
    const since = now - this.windowMs;
    this.points = this.points.filter((point) => point.at >= since);
    const x = this.points.map((point) => point.at / 1000);
    const y = this.points.map((point) => point.total);
    const last = this.points.at(-1);
    if (last && last.at < now) {
      x.push(now / 1000);
      y.push(last.total);
    }
    return { x, y };
  }

  private add(at: number, total: number): void {
    if (!Number.isFinite(at)) return;
    let i = this.points.length;
    while (i > 0 && (this.points[i - 1]?.at ?? 0) > at) i--;
    if (this.points[i - 1]?.at === at) {
      (this.points[i - 1] as { total: number }).total = total;
      return;
    }
    this.points.splice(i, 0, { at, total });
  }
}

/** The modes whose player count differs between two stats (new and gone ones included). */
export function changedModes(before: AreaStats | undefined, after: AreaStats): string[] {
  const old = new Map(before?.modes.map((m) => [m.mode, m.players]));
  const now = new Map(after.modes.map((m) => [m.mode, m.players]));
  const changed: string[] = [];
  for (const [mode, players] of now) if (old.get(mode) !== players) changed.push(mode);
  for (const mode of old.keys()) if (!now.has(mode)) changed.push(mode);
  return changed;
}
