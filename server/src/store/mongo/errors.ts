import { HoardError } from "@hoard/protocol";
import {
  MongoError,
  MongoErrorLabel,
  MongoInvalidArgumentError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from "mongodb";

/**
 * What the Mongo engine makes of driver errors. Classification reads the driver's own fields
 * (error class, `code`, error labels), so the unit tests build real driver errors.
 */

const DUPLICATE_KEY = 11000;
const WRITE_CONFLICT = 112;

/** Server codes that say "no writable primary right now": an election, a step-down, a shutdown. */
const UNAVAILABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  50, // MaxTimeMSExpired: a query or commit ran out of its time limit
  64, // WriteConcernFailed: a write not confirmed by a majority within wtimeout (retrying with the same op is safe)
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/**
 * Server codes for a document past the 16 MiB BSON limit: BSONObjectTooLarge, and an update whose
 * result or upsert would be too large. An insert that is too large is BadValue (2) "object to
 * insert too large", told apart by its message.
 */
const TOO_LARGE_CODES = new Set([10334, 17419, 17420]);
const BAD_VALUE = 2;
/** The driver refuses some documents before sending them (bulk writes: "larger than the maximum size"). */
const DRIVER_TOO_LARGE = /too large|larger than the maximum size|exceeds the max bson object size/i;

/**
 * A compare-and-set on a player's version missed (someone wrote it since it was read) or a
 * player the commit meant to create already exists. The whole transaction runs again.
 */
export class VersionConflict extends Error {
  override name = "VersionConflict";
  constructor(
    readonly playerId: string,
    options?: { cause?: unknown },
  ) {
    super(`player ${playerId} changed since it was read`, options);
  }
}

/**
 * A guard document (a trade offer, a feed's sequence) changed since the commit read it, or one it
 * meant to create exists: another node's commit got there first. The whole transaction runs again.
 */
export class GuardConflict extends Error {
  override name = "GuardConflict";
  constructor(
    /** `guardKey` of the document: `kind/id`. */
    readonly guard: string,
    options?: { cause?: unknown },
  ) {
    super(`${guard} changed since it was read`, options);
  }
}

/** The server's error code of a driver error (or of one write error), if it has one. */
export function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

export function hasLabel(error: unknown, label: MongoErrorLabel): boolean {
  return error instanceof MongoError && error.hasErrorLabel(label);
}

/** E11000, from a single write or from one of the writes of a bulk write. */
export function isDuplicateKey(error: unknown): boolean {
  if (!(error instanceof MongoError)) return false;
  if (codeOf(error) === DUPLICATE_KEY) return true;
  const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors === undefined ? [] : [writeErrors];
  return list.some((writeError) => codeOf(writeError) === DUPLICATE_KEY);
}

/** Two writers on one document: ours (VersionConflict, GuardConflict) or the server's WriteConflict. */
export function isConflict(error: unknown): boolean {
  return (
    error instanceof VersionConflict || error instanceof GuardConflict || (error instanceof MongoError && codeOf(error) === WRITE_CONFLICT)
  );
}

/** The commit was sent but its outcome never came back: it may or may not have been applied. */
export function isCommitOutcomeUnknown(error: unknown): boolean {
  if (hasLabel(error, MongoErrorLabel.UnknownTransactionCommitResult)) return true;
  return error instanceof HoardError && hasLabel(error.cause, MongoErrorLabel.UnknownTransactionCommitResult);
}

function isUnavailable(error: unknown): boolean {
  return (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    hasLabel(error, MongoErrorLabel.TransientTransactionError) ||
    hasLabel(error, MongoErrorLabel.UnknownTransactionCommitResult) ||
    hasLabel(error, MongoErrorLabel.RetryableWriteError) ||
    (error instanceof MongoError && UNAVAILABLE_CODES.has(codeOf(error) as number))
  );
}

/** A write refused because a document would pass MongoDB's 16 MiB limit. */
function isTooLarge(error: unknown): boolean {
  if (error instanceof MongoInvalidArgumentError) return DRIVER_TOO_LARGE.test(error.message);
  if (!(error instanceof MongoError)) return false;
  const code = codeOf(error);
  return TOO_LARGE_CODES.has(code as number) || (code === BAD_VALUE && DRIVER_TOO_LARGE.test(error.message));
}

/**
 * The error a caller of the store sees. HoardErrors (the rules' refusals) pass through as they
 * are; conflicts become PLAYER_CONFLICT, a missing or changing primary STORE_UNAVAILABLE and a
 * document past 16 MiB PLAYER_STATE_LIMIT_EXCEEDED, each with the driver error as `cause`. Anything else (a bug, a broken document) passes through
 * unchanged and becomes INTERNAL at the edge, with its detail in the log.
 */
export function storeError(error: unknown): unknown {
  if (error instanceof HoardError) return error;
  if (isConflict(error)) return new HoardError("PLAYER_CONFLICT", undefined, { cause: error, details: conflictDetails(error) });
  if (isUnavailable(error)) return new HoardError("STORE_UNAVAILABLE", undefined, { cause: error });
  // A limit, not a fault: the caller's change is refused and nothing was written.
  if (isTooLarge(error)) return new HoardError("PLAYER_STATE_LIMIT_EXCEEDED", undefined, { cause: error });
  return error;
}

/** The error after the last allowed attempt; `last` is what made that attempt fail, if known. */
export function retriesExhausted(last: unknown, attempts: number): HoardError {
  const message = `gave up after ${attempts} attempts`;
  return isConflict(last)
    ? new HoardError("PLAYER_CONFLICT", `${message}: ${last instanceof GuardConflict ? last.guard : "players"} changed concurrently`, {
        cause: last,
        details: conflictDetails(last),
      })
    : new HoardError("STORE_UNAVAILABLE", `${message}: the transaction kept failing`, { cause: last });
}

function conflictDetails(error: unknown): { playerId: string } | { guard: string } | undefined {
  if (error instanceof VersionConflict) return { playerId: error.playerId };
  return error instanceof GuardConflict ? { guard: error.guard } : undefined;
}
