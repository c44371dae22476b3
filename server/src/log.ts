import pino from "pino";

export type Logger = pino.Logger;

/**
 * Structured logs: one JSON object per line, every line carrying the node id. Every logged
 * error (`err`) goes through `redact`, so no credential reaches the log, whoever threw it.
 */
export function createLogger(options: { nodeId: string; level: string; destination?: pino.DestinationStream }): Logger {
  const settings: pino.LoggerOptions = {
    level: options.level,
    base: { nodeId: options.nodeId },
    serializers: { err: (error: unknown) => redact(pino.stdSerializers.err(error as Error)) },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

const REDACTED = "[redacted]";
/** Keys whose values are credentials wherever they appear. */
const SECRET_KEY = /^pass$|password|secret|token|authorization|credential/i;
/** Commands whose arguments are all credentials (Redis AUTH, ACL SETUSER …). */
const SECRET_COMMAND = /^(auth|acl)$/i;
/** An argument after which the rest are credentials (HELLO 3 AUTH user pass, MIGRATE … AUTH pass). */
const SECRET_FROM = /^auth2?$/i;

/**
 * A copy of a value about to be logged, with credentials replaced: values under secret-looking
 * keys, the arguments of a Redis command that carries a password (ioredis puts `command:
 * {name, args}` on its errors: a refused AUTH would log the password), and the password in a
 * URL (`redis://user:pass@host`). Never changes the value it is given.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return value.replace(/\/\/([^/@\s:]*):([^/@\s]*)@/g, `//$1:${REDACTED}@`);
  if (value === null || typeof value !== "object" || depth > 8) return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const command = value as { name?: unknown; args?: unknown };
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (SECRET_KEY.test(key)) out[key] = REDACTED;
    else if (key === "args" && Array.isArray(item) && typeof command.name === "string") out[key] = redactArgs(command.name, item);
    else out[key] = redact(item, depth + 1);
  }
  return out;
}

function redactArgs(name: string, args: readonly unknown[]): unknown[] {
  if (SECRET_COMMAND.test(name)) return args.map(() => REDACTED);
  const from = args.findIndex((arg) => typeof arg === "string" && SECRET_FROM.test(arg));
  return from < 0 ? args.map((arg) => redact(arg)) : args.map((arg, i) => (i > from ? REDACTED : arg));
}
