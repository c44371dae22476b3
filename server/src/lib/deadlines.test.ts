import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Deadlines, MAX_TIMER_MS } from "./deadlines";

describe("Deadlines", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("waits 30 days without firing early, then fires once", () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const fired = vi.fn();
    const day = 86_400_000;
    new Deadlines<string>(fired).add("token", Date.now() + 30 * day);
    vi.advanceTimersByTime(MAX_TIMER_MS + 1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(30 * day - MAX_TIMER_MS - 2);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(2);
    expect(fired).toHaveBeenCalledTimes(1);
    expect(fired).toHaveBeenCalledWith("token");
  });

  it("fires at once for a time already past, and not at all once deleted", () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const fired = vi.fn();
    const deadlines = new Deadlines<string>(fired);
    deadlines.add("past", Date.now() - 1000);
    vi.advanceTimersByTime(0);
    expect(fired).toHaveBeenCalledWith("past");
    const at = Date.now() + 3 * MAX_TIMER_MS;
    deadlines.add("gone", at);
    vi.advanceTimersByTime(MAX_TIMER_MS + 5);
    deadlines.delete("gone", at);
    vi.advanceTimersByTime(3 * MAX_TIMER_MS);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it("calls every item exactly once, never before its time and within a second after it, whatever the order they were added and deleted", () => {
    const entry = fc.record({ at: fc.integer({ min: 0, max: 120_000 }), deleted: fc.boolean() });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 60 }), (entries) => {
        vi.useFakeTimers({ now: 0 });
        const firedAt = new Map<number, number[]>();
        const deadlines = new Deadlines<number>((item) => firedAt.set(item, [...(firedAt.get(item) ?? []), Date.now()]), 10_000);
        for (const [item, { at }] of entries.entries()) deadlines.add(item, at);
        for (const [item, { at, deleted }] of entries.entries()) if (deleted) deadlines.delete(item, at);
        vi.advanceTimersByTime(125_000);
        entries.forEach(({ at, deleted }, item) => {
          const times = firedAt.get(item) ?? [];
          if (deleted) expect(times).toEqual([]);
          else {
            expect(times).toHaveLength(1);
            expect(times[0]).toBeGreaterThanOrEqual(at);
            expect(times[0]).toBeLessThan(at + 1000);
          }
        });
        deadlines.close();
        vi.useRealTimers();
      }),
      { numRuns: 200 },
    );
  });
});
