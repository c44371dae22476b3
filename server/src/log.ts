import pino from "pino";

export type Logger = pino.Logger;

/** Structured logs: one JSON object per line, every line carrying the node id. */
export function createLogger(options: { nodeId: string; level: string }): Logger {
  return pino({ level: options.level, base: { nodeId: options.nodeId } });
}
