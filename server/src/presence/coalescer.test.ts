import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Coalescer } from "./coalescer";

describe("Coalescer", () => {
  let flushed: Array<{ key: string; at: number }>;
  let coalescer: Coalescer;

  beforeEach(() => {
    vi.useFakeTimers();
    flushed = [];
    coalescer = new Coalescer({
      intervalMs: 250,
      flush: async (key) => {
        flushed.push({ key, at: Date.now() });
      },
      onError: () => {},
      now: () => Date.now(),
    });
  });
  afterEach(() => {
    coalescer.close();
    vi.useRealTimers();
  });

  it("flushes the first change after a quiet period at once, folding the same turn's changes", () => {
    const start = Date.now();
    coalescer.touch("eu");
    coalescer.touch("eu");
    vi.advanceTimersByTime(0);
    expect(flushed).toEqual([{ key: "eu", at: start }]);
  });

  it("flushes a burst at most once per interval, and never leaves a change unflushed", () => {
    const start = Date.now();
    for (let ms = 0; ms < 1000; ms += 10) {
      coalescer.touch("eu");
      vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(1000);
    const times = flushed.map((entry) => entry.at - start);
    expect(times).toEqual([0, 250, 500, 750, 1000]);
  });

  it("keeps keys apart", () => {
    coalescer.touch("eu");
    coalescer.touch("us");
    vi.advanceTimersByTime(0);
    coalescer.touch("eu");
    vi.advanceTimersByTime(100);
    expect(flushed.map((entry) => entry.key)).toEqual(["eu", "us"]);
    vi.advanceTimersByTime(150);
    expect(flushed.map((entry) => entry.key)).toEqual(["eu", "us", "eu"]);
  });

  it("after a quiet interval, flushes at once again", () => {
    coalescer.touch("eu");
    vi.advanceTimersByTime(0);
    vi.advanceTimersByTime(400);
    coalescer.prune();
    const before = Date.now();
    coalescer.touch("eu");
    vi.advanceTimersByTime(0);
    expect(flushed.at(-1)).toEqual({ key: "eu", at: before });
  });
});
