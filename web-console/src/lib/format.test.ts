import { describe, expect, it } from "vitest";
import { formatBytes, formatCompact, formatDuration, formatNumber, formatRate, shortId, timeAgo } from "./format";

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

  it("fits counts in four characters for dense grids", () => {
    expect(formatCompact(0)).toBe("0");
    expect(formatCompact(950)).toBe("950");
    expect(formatCompact(9_540)).toBe("9.5k");
    expect(formatCompact(12_999)).toBe("12k");
    expect(formatCompact(3_450_000)).toBe("3.4M");
    expect(formatCompact(-1_250)).toBe("−1.2k");
    expect(formatCompact(-3)).toBe("−3");
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
