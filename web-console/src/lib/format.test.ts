import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration, formatNumber, formatRate, shortId, timeAgo } from "./format";

describe("format", () => {
  it("formats numbers, rates and sizes for reading", () => {
    expect(formatNumber(1234567)).toBe("1,234,567");
    expect(formatNumber(2.345)).toBe("2.35");
    expect(formatNumber(Number.NaN)).toBe("—");
    expect(formatRate(3.14)).toBe("3.1");
    expect(formatRate(1234.5)).toBe("1,235");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(3.5 * 1024 * 1024)).toBe("3.5 MiB");
  });

  it("formats durations and ages", () => {
    expect(formatDuration(42)).toBe("42s");
    expect(formatDuration(93784)).toBe("1d 2h 3m");
    const now = Date.parse("2026-01-02T00:00:00Z");
    expect(timeAgo("2026-01-01T23:59:58Z", now)).toBe("just now");
    expect(timeAgo("2026-01-01T23:59:30Z", now)).toBe("30s ago");
    expect(timeAgo("2026-01-01T22:00:00Z", now)).toBe("2h ago");
    expect(timeAgo("2025-12-01T00:00:00Z", now)).toBe("2025-12-01");
  });

  it("shortens long ids only", () => {
    expect(shortId("abc")).toBe("abc");
    expect(shortId("0123456789abcdef")).toBe("01234567…");
  });
});
