import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RefusalLog } from "./refusal-log";

describe("RefusalLog", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const logged = () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
    return { log, lines };
  };
  const caller = { sub: "p1", role: "player", transport: "socket" as const };

  it("writes one line of counts per key per interval, and nothing for a quiet interval", () => {
    vi.useFakeTimers();
    const { log, lines } = logged();
    const refusals = new RefusalLog(log, 1000);
    for (let i = 0; i < 3000; i++) refusals.count("conn-a", caller, "RATE_LIMITED");
    refusals.count("conn-a", caller, "EVENT_UNKNOWN");
    refusals.count("conn-b", { ...caller, sub: "p2" }, "RATE_LIMITED");
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(lines.map(({ connection, sub, refused, msg }) => ({ connection, sub, refused, msg }))).toEqual([
      { connection: "conn-a", sub: "p1", refused: { RATE_LIMITED: 3000, EVENT_UNKNOWN: 1 }, msg: "requests refused" },
      { connection: "conn-b", sub: "p2", refused: { RATE_LIMITED: 1 }, msg: "requests refused" },
    ]);
    vi.advanceTimersByTime(5000);
    expect(lines).toHaveLength(2);
    refusals.close();
  });

  it("flush(key) writes that key's counts at once (a connection that closes)", () => {
    const { log, lines } = logged();
    const refusals = new RefusalLog(log, 60_000);
    refusals.count("conn-a", caller, "RATE_LIMITED");
    refusals.count("conn-b", caller, "RATE_LIMITED");
    refusals.flush("conn-a");
    expect(lines.map((line) => line.connection)).toEqual(["conn-a"]);
    refusals.close();
    expect(lines.map((line) => line.connection)).toEqual(["conn-a", "conn-b"]);
  });
});
