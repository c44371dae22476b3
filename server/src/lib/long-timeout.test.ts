import { afterEach, describe, expect, it, vi } from "vitest";
import { atTime, MAX_TIMER_MS } from "./long-timeout";

describe("atTime", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("waits 30 days without firing early, then fires once", () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    const day = 86_400_000;
    atTime(Date.now() + 30 * day, fired);
    vi.advanceTimersByTime(MAX_TIMER_MS + 1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(30 * day - MAX_TIMER_MS - 2);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(2);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it("fires at once for a time already past, and not at all once cancelled", () => {
    vi.useFakeTimers();
    const past = vi.fn();
    atTime(Date.now() - 1000, past);
    vi.advanceTimersByTime(0);
    expect(past).toHaveBeenCalledTimes(1);
    const cancelled = vi.fn();
    const cancel = atTime(Date.now() + 3 * MAX_TIMER_MS, cancelled);
    vi.advanceTimersByTime(MAX_TIMER_MS + 5);
    cancel();
    vi.advanceTimersByTime(3 * MAX_TIMER_MS);
    expect(cancelled).not.toHaveBeenCalled();
  });
});
