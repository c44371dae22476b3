import type { AreaStats } from "@hoard/client-sdk";
import { describe, expect, it } from "vitest";
import { AreaTimeline, changedModes } from "./timeline";

const minute = 60_000;
const t0 = Date.parse("2026-01-01T12:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();
const stats = (at: number, modes: Record<string, number>): AreaStats => ({
  areaCode: "eu",
  modes: Object.entries(modes).map(([mode, players]) => ({ mode, players })),
  total: Object.values(modes).reduce((a, b) => a + b, 0),
  seq: at * 1000,
  asOf: iso(at),
});

describe("AreaTimeline", () => {
  it("joins history samples and live stats in time order, keeps the window, and reaches now", () => {
    const timeline = new AreaTimeline(10 * minute);
    timeline.addStats(stats(t0 + 30_000, { duel: 4 }));
    timeline.addSamples([
      { at: iso(t0), total: 3, modes: [] },
      { at: iso(t0 - 20 * minute), total: 9, modes: [] },
      { at: iso(t0 - 5 * minute), total: 1, modes: [] },
    ]);
    const { x, y } = timeline.series(t0 + minute);
    expect(x).toEqual([(t0 - 5 * minute) / 1000, t0 / 1000, (t0 + 30_000) / 1000, (t0 + minute) / 1000]);
    expect(y).toEqual([1, 3, 4, 4]);
  });

  it("keeps one point per instant, the latest value winning", () => {
    const timeline = new AreaTimeline(minute);
    timeline.addStats(stats(t0, { duel: 1 }));
    timeline.addStats(stats(t0, { duel: 2 }));
    expect(timeline.series(t0)).toEqual({ x: [t0 / 1000], y: [2] });
  });

  it("draws nothing before anything is known", () => {
    expect(new AreaTimeline(minute).series(t0)).toEqual({ x: [], y: [] });
  });
});

describe("changedModes", () => {
  it("names modes whose count moved, appeared or went away", () => {
    expect(changedModes(stats(t0, { duel: 2, ffa: 1, ctf: 3 }), stats(t0, { duel: 2, ffa: 2, tdm: 1 })).sort()).toEqual([
      "ctf",
      "ffa",
      "tdm",
    ]);
    expect(changedModes(undefined, stats(t0, { duel: 1 }))).toEqual(["duel"]);
  });
});
