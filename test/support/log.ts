import { createLogger, type Logger } from "@hoard/server/internal/log";
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

/**
 * The node's own logger (with its serializers, e.g. credential redaction) writing its raw lines
 * into `lines` instead of stdout: pass it to createApp(config, { log }).
 */
export function nodeLogInto(lines: string[], options: { nodeId: string; level: string }): Logger {
  return createLogger({ ...options, destination: { write: (chunk: string) => lines.push(...chunk.split("\n").filter(Boolean)) } });
}
