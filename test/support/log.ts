import type { Logger } from "@hoard/server/internal/log";
import pino from "pino";

/** One parsed log line (pino levels: 30 info, 40 warn, 50 error). */
export type LogLine = { level: number; msg?: string } & Record<string, unknown>;

/** A real logger whose lines a test reads: pass `log` to startServer({ log }). */
export function capturedLog(level = "info"): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = pino({ level, base: { nodeId: "test" } }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { log, lines };
}

/** Lines at warn or above. */
export const loud = (lines: readonly LogLine[]): LogLine[] => lines.filter((line) => line.level >= 40);
