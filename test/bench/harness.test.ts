import { describe, expect, it } from "vitest";
import { type InventorySuiteResult, type RunFigures, rotate } from "../../bench/harness/inventory-suite";
import { parseOptions } from "../../bench/harness/options";
import { areaOf, type CpuProfile, summariseProfile } from "../../bench/harness/profile";
import { cautions, figureRows, figuresTable, verdictCell } from "../../bench/harness/report";
import { connectionOf, dueBy, firstAtOrAfter, scheduledAt, windowCalls } from "../../bench/harness/schedule";
import { median, newHistogram, ratio, recordMs, summarise, verdict } from "../../bench/harness/stats";
import { payloadOf } from "../../bench/harness/workload";

// The pure parts of the bench harness. Nothing here is timed: figures live in bench/, never in tests.

describe("open-loop schedule", () => {
  it("puts call i at i × 1000 / rate ms, whatever came before", () => {
    expect([0, 1, 2, 3].map((i) => scheduledAt(i, 4000))).toEqual([0, 0.25, 0.5, 0.75]);
    expect(scheduledAt(1000, 1000)).toBe(1000);
  });

  it("counts the calls due by a time, call 0 being due at once", () => {
    expect(dueBy(-1, 1000)).toBe(0);
    expect(dueBy(0, 1000)).toBe(1);
    expect(dueBy(0.999, 1000)).toBe(1);
    expect(dueBy(1, 1000)).toBe(2);
    expect(dueBy(10.5, 1000)).toBe(11);
  });

  it("never disagrees with scheduledAt, at awkward rates too", () => {
    for (const rate of [1, 7, 333, 1234.5, 9999, 48_017]) {
      for (let i = 1; i < 500; i++) {
        const at = scheduledAt(i, rate);
        expect(dueBy(at, rate)).toBe(i + 1);
        expect(dueBy(Math.max(0, at - 1e-6), rate)).toBe(i);
      }
    }
  });

  it("selects the calls scheduled inside the measured window", () => {
    expect(windowCalls({ warmupMs: 2000, durationMs: 6000, rate: 1000 })).toEqual({ first: 2000, end: 8000 });
    // At 3 calls/s: calls at 0, 333.3, 666.7, 1000 … ; the window [500, 1500) holds 666.7 and 1000 and 1333.3.
    expect(windowCalls({ warmupMs: 500, durationMs: 1000, rate: 3 })).toEqual({ first: 2, end: 5 });
    expect(firstAtOrAfter(0, 50)).toBe(0);
  });

  it("spreads calls round robin over the connections", () => {
    expect([0, 1, 2, 3, 4].map((i) => connectionOf(i, 3))).toEqual([0, 1, 2, 0, 1]);
  });
});

describe("statistics", () => {
  it("reads percentiles from an HDR histogram of milliseconds", () => {
    const histogram = newHistogram();
    for (let ms = 1; ms <= 1000; ms++) recordMs(histogram, ms);
    const summary = summarise(histogram);
    expect(summary.count).toBe(1000);
    expect(summary.p50Ms).toBeCloseTo(500, 0);
    expect(summary.p99Ms).toBeCloseTo(990, 0);
    expect(summary.p999Ms).toBeCloseTo(999, 0);
    expect(summary.maxMs).toBeCloseTo(1000, 0);
  });

  it("takes medians and ratios, and refuses a ratio to nothing", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(ratio(30, 20)).toBe(1.5);
    expect(ratio(30, 0)).toBeUndefined();
    expect(ratio(undefined, 20)).toBeUndefined();
  });

  it("judges a figure against a ratio target or an absolute one", () => {
    const atMost = { kind: "ratio", baseline: "socketio", bound: "max", limit: 1.5 } as const;
    expect(verdict(atMost, 30, { socketio: 20 })).toEqual({ compared: 1.5, met: true });
    expect(verdict(atMost, 31, { socketio: 20 })).toMatchObject({ met: false });
    expect(verdict({ kind: "ratio", baseline: "socketio", bound: "min", limit: 0.6 }, 5000, { socketio: 10_000 })).toEqual({
      compared: 0.5,
      met: false,
    });
    expect(verdict({ kind: "absolute", bound: "max", limit: 10, unit: "ms" }, 4.2, {})).toEqual({ compared: 4.2, met: true });
    expect(verdict(atMost, 30, {})).toBeUndefined();
  });
});

describe("options", () => {
  it("defaults to the inventory suite, every phase and target", () => {
    const options = parseOptions([]);
    expect(options).toMatchObject({ suites: ["inventory"], targets: ["ws", "socketio", "hoard-normal", "hoard-full"], idle: 10_000 });
    expect(options.phases).toEqual(["capacity", "latency", "memory", "floor"]);
    expect(options.levels).toEqual([0.5, 0.9]);
  });

  it("reads suites, sizes and durations", () => {
    const options = parseOptions([
      "--suite",
      "inventory,cart",
      "--suite",
      "trade",
      "--connections",
      "200",
      "--duration",
      "1.5",
      "--op",
      "credit",
    ]);
    expect(options).toMatchObject({ suites: ["inventory", "cart", "trade"], connections: 200, durationMs: 1500, op: "credit" });
  });

  it("refuses what it cannot run, naming the flag", () => {
    expect(() => parseOptions(["--targets", "redis"])).toThrow(/--targets/);
    expect(() => parseOptions(["--connections", "0"])).toThrow(/--connections/);
    expect(() => parseOptions(["--connections", "2.5"])).toThrow(/whole number/);
    expect(() => parseOptions(["--phases", "latency"])).toThrow(/needs capacity/);
    expect(() => parseOptions(["--suite", "../etc"])).toThrow(/--suite/);
    expect(() => parseOptions(["--bogus"])).toThrow();
  });
});

describe("workload", () => {
  it("carries the op id it is given and spreads calls over the players and items", () => {
    const workload = { playerPrefix: "p", players: 3, itemIds: ["a".repeat(64), "b".repeat(64)], op: "grant" as const };
    expect(payloadOf(workload, 4, "op-4-abcdef")).toEqual({
      playerId: "p1",
      opId: "op-4-abcdef",
      ops: [{ type: "grant", category: "bag", itemId: "a".repeat(64), quantity: 1 }],
    });
    expect(payloadOf({ ...workload, op: "credit" }, 5, "op-5-abcdef")).toEqual({
      playerId: "p2",
      opId: "op-5-abcdef",
      ops: [{ type: "credit", currency: "gold", amount: 1 }],
    });
  });

  it("rotates the order of targets each round", () => {
    expect(rotate(["a", "b", "c"], 0)).toEqual(["a", "b", "c"]);
    expect(rotate(["a", "b", "c"], 1)).toEqual(["b", "c", "a"]);
    expect(rotate(["a", "b", "c"], 4)).toEqual(["b", "c", "a"]);
  });
});

describe("report", () => {
  const latency = { count: 1, p50Ms: 1, p99Ms: 4, p999Ms: 9, maxMs: 12, meanMs: 1.5 };
  const run = (overrides: Partial<RunFigures> & Pick<RunFigures, "target">): RunFigures => ({
    mode: "closed",
    round: 0,
    answeredPerSec: 10_000,
    sent: 60_000,
    acked: 60_000,
    lost: 0,
    errors: {},
    cpuUsPerCall: 20,
    sysUsPerCall: 5,
    serverCpuPct: 99,
    serverElu: 1,
    clientCpuPct: 80,
    latency,
    histograms: { latency: "" },
    ...overrides,
  });
  const memory = (target: RunFigures["target"], rssPerConnKiB: number) => {
    const reading = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0, connections: 0, gc: true };
    return {
      target,
      connections: 10_000,
      failed: 0,
      base: reading,
      loaded: reading,
      rssPerConnKiB,
      heapPerConnKiB: rssPerConnKiB / 2,
      connectMs: 1,
    };
  };
  const suite: InventorySuiteResult = {
    targets: ["socketio", "hoard-full"],
    workload: { playerPrefix: "p", players: 10, itemIds: [], op: "grant" },
    capacity: [
      run({ target: "socketio", answeredPerSec: 20_000, cpuUsPerCall: 20 }),
      run({ target: "socketio", round: 1, answeredPerSec: 22_000, cpuUsPerCall: 22 }),
      run({ target: "hoard-full", answeredPerSec: 13_000, cpuUsPerCall: 33 }),
      run({ target: "hoard-full", round: 1, answeredPerSec: 9_000, cpuUsPerCall: 35, serverCpuPct: 40, clientCpuPct: 95 }),
    ],
    peaks: { socketio: 21_000, "hoard-full": 11_000 },
    latency: [
      run({ target: "socketio", mode: "open", level: 0.5, offeredRate: 10_500 }),
      run({
        target: "hoard-full",
        mode: "open",
        level: 0.5,
        offeredRate: 5_500,
        answeredPerSec: 5_490,
        latency: { ...latency, p99Ms: 12.5 },
      }),
    ],
    memory: [memory("socketio", 10), memory("hoard-full", 12)],
  };

  it("puts each target's figure beside the baseline, with the ratio and whether it meets the target", () => {
    const rows = figureRows(suite);
    const row = (key: string) => rows.find((candidate) => candidate.key === key);
    expect(row("capacity")?.cells).toEqual({ socketio: "21,000", "hoard-full": "11,000" });
    expect(row("capacity")?.verdicts["hoard-full"]).toEqual({ compared: 11_000 / 21_000, met: false });
    expect(row("cpu-peak")?.values).toEqual({ socketio: 21, "hoard-full": 34 });
    expect(row("cpu-peak")?.verdicts["hoard-full"]?.met).toBe(false);
    expect(row("latency-0.5")?.cells["hoard-full"]).toBe("1.00 / 12.5 / 9.00");
    expect(row("latency-0.5")?.verdicts["hoard-full"]).toEqual({ compared: 12.5, met: false });
    expect(row("memory-rss")?.verdicts["hoard-full"]).toEqual({ compared: 1.2, met: true });
    // Baselines are never judged.
    expect(row("capacity")?.verdicts.socketio).toBeUndefined();
  });

  it("lets one Hoard memory run stand for both store settings", () => {
    const rows = figureRows({ ...suite, targets: ["socketio", "hoard-normal", "hoard-full"] });
    expect(rows.find((row) => row.key === "memory-rss")?.cells).toEqual({ socketio: "10.0", "hoard-normal": "12.0", "hoard-full": "12.0" });
  });

  it("renders a Markdown table with one verdict column per Hoard target", () => {
    const table = figuresTable(suite.targets, figureRows(suite));
    const lines = table.split("\n");
    expect(lines[0]).toBe("| figure | bare socket.io | Hoard, sync FULL | target | Hoard, sync FULL vs target |");
    expect(lines[1]).toBe("|---|---|---|---|---|");
    expect(table).toContain("| acked calls/s, closed loop (median of rounds) | 21,000 | 11,000 | ≥ 0.6 × socket.io | 0.52× ✗ |");
    expect(table).toContain("p99 ≤ 10 ms | 12.5 ms ✗ |");
  });

  it("formats verdicts", () => {
    expect(verdictCell({ kind: "ratio", baseline: "socketio", bound: "max", limit: 1.5 }, { compared: 1.234, met: true })).toBe("1.23× ✓");
    expect(verdictCell({ kind: "absolute", bound: "max", limit: 10, unit: "ms" }, { compared: 12.5, met: false })).toBe("12.5 ms ✗");
    expect(verdictCell({ kind: "absolute", bound: "max", limit: 10, unit: "ms" }, undefined)).toBe("—");
  });

  it("warns when the generator rather than the server set the pace", () => {
    expect(cautions(suite)).toEqual([expect.stringMatching(/^Hoard, sync FULL, capacity round 2: the generator was at 95 %/)]);
  });

  it("warns when an open-loop window did not run at the offered rate", () => {
    const behind = run({ target: "hoard-full", mode: "open", level: 0.9, offeredRate: 10_000, answeredPerSec: 8_000 });
    const backlog = run({ target: "hoard-full", mode: "open", level: 0.5, offeredRate: 5_000, answeredPerSec: 6_000 });
    expect(cautions({ ...suite, capacity: [], latency: [behind, backlog] })).toEqual([
      expect.stringMatching(/latency at 90 %: answered 8,000\/s of 10,000\/s offered: the server fell behind/),
      expect.stringMatching(/latency at 50 %: answered 6,000\/s of 5,000\/s offered: the window began with a backlog/),
    ]);
  });
});

describe("profile summary", () => {
  const root = "/repo";
  const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9, columnNumber: 0 });
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame("(root)", "") },
      { id: 2, callFrame: frame("(idle)", "") },
      { id: 3, callFrame: frame("applyOne", "file:///repo/server/src/store/sqlite/sqlite-store.ts") },
      { id: 4, callFrame: frame("encodeAsString", "file:///repo/node_modules/socket.io-parser/build/cjs/index.js") },
      { id: 5, callFrame: frame("run", "") },
    ],
    samples: [2, 3, 3, 4, 5, 5, 5],
    timeDeltas: [0, 100, 100, 100, 100, 100, 100],
    startTime: 0,
    endTime: 700,
  };

  it("adds up self time per function and per area, leaving idle out of the busy time", () => {
    const summary = summariseProfile(profile, { root, top: 10 });
    expect(summary.totalMs).toBeCloseTo(0.7);
    expect(summary.busyMs).toBeCloseTo(0.6);
    expect(summary.functions.map((spot) => [spot.name, spot.where, Math.round(spot.share * 100)])).toEqual([
      ["run", "", 50],
      ["applyOne", "server/src/store/sqlite/sqlite-store.ts", 33],
      ["encodeAsString", "socket.io-parser/build/cjs/index.js:10", 17],
    ]);
    expect(summary.areas.map((area) => area.area)).toEqual(["(native)", "hoard server/src/store/sqlite", "socket.io-parser"]);
  });

  it("names areas by package, scope and Node internals", () => {
    expect(areaOf(frame("f", "file:///repo/node_modules/@socket.io/component-emitter/lib/x.js"), root)).toBe(
      "@socket.io/component-emitter",
    );
    expect(areaOf(frame("f", "node:events"), root)).toBe("node");
    expect(areaOf(frame("(garbage collector)", ""), root)).toBe("(garbage collector)");
    expect(areaOf(frame("f", "file:///elsewhere/x.js"), root)).toBe("(other)");
  });
});
