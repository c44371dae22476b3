import { ConfigError, shownValue } from "./config";
import type { Logger } from "./log";

/**
 * Start-up failures an operator can fix, each turned into a ConfigError whose message is one
 * line: the variable or resource at fault, what went wrong, and what to do. main.ts prints it
 * and exits 1. Anything else is a bug and keeps its stack.
 */

type Errno = Error & { code?: unknown };
const codeOf = (error: unknown): string => String((error as Errno | undefined)?.code ?? "");
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const HOST_HINT = "set HOST to an address of this machine (0.0.0.0 = every interface, 127.0.0.1 = this machine only)";

/** The HTTP server could not listen: the port is taken or privileged, or HOST is not an address of this machine. */
export function listenFailure(error: unknown, where: { port: number; host: string }): unknown {
  const { port, host } = where;
  const because = (text: string) => new ConfigError(text, { cause: error });
  switch (codeOf(error)) {
    case "EADDRINUSE":
      return because(`PORT=${port}: the port is already in use on ${host}: stop what listens there or set PORT to a free port`);
    case "EACCES":
      return because(`PORT=${port}: not allowed to listen on it (ports below 1024 need privileges): set PORT to 1024 or above`);
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_FAIL":
      return because(`HOST=${JSON.stringify(host)}: the name does not resolve (${codeOf(error)}): ${HOST_HINT}`);
    case "EADDRNOTAVAIL":
      return because(`HOST=${JSON.stringify(host)}: not an address of this machine: ${HOST_HINT}`);
    default:
      return error;
  }
}

/** The embedded store's file or its directory could not be created, opened or written. */
export function storeOpenFailure(error: unknown, db: string): unknown {
  const code = codeOf(error);
  // File-system errors (EACCES, EROFS, ENOTDIR, ENOSPC…) and SQLite's own for the same causes.
  const fileProblem = /^E[A-Z]+$/.test(code) || /^SQLITE_(CANTOPEN|READONLY|PERM|IOERR|FULL|NOTADB|CORRUPT)/.test(code);
  if (!fileProblem) return error;
  const fix = code.startsWith("SQLITE_NOTADB")
    ? "point HOARD_DB at a Hoard database or at a new file"
    : "make its directory writable by this user or set HOARD_DB to a writable path";
  return new ConfigError(`HOARD_DB=${JSON.stringify(db)}: cannot open the database file (${messageOf(error)}): ${fix}`, { cause: error });
}

/** Redis did not answer at start: the node refuses to start rather than serve as an island. */
export function redisUnreachable(url: string, waitedMs: number, lastError: unknown): ConfigError {
  const why = lastError === undefined ? "" : ` (${messageOf(lastError)})`;
  return new ConfigError(
    `REDIS_URL=${shownValue("REDIS_URL", url)}: Redis did not answer within ${waitedMs / 1000} s${why}: start Redis, or fix or unset REDIS_URL`,
    { cause: lastError },
  );
}

/**
 * Prints why the node could not start and exits 1. On a terminal, one plain line on stderr;
 * otherwise one JSON log line like every other (log collectors read stdout).
 */
export function failStartup(error: unknown, log: Logger): never {
  const known = error instanceof ConfigError;
  const line = known ? error.message.replace(/\s*\n\s*/g, "; ") : `start-up failed: ${messageOf(error)}`;
  if (process.stderr.isTTY) {
    process.stderr.write(`hoard: ${line}\n${known || !(error instanceof Error) ? "" : `${error.stack}\n`}`);
  } else if (known) {
    log.fatal(line);
  } else {
    log.fatal({ err: error }, line);
  }
  process.exit(1);
}
