import { setTimeout as sleepFor } from "node:timers/promises";
import { MongoErrorLabel, type TransactionOptions } from "mongodb";
import { hasLabel, isCommitOutcomeUnknown, isConflict, retriesExhausted, storeError } from "./errors";

/**
 * The part of the driver's ClientSession the runner uses: the transaction API under
 * `withTransaction`. The engine runs its own loop instead of `withTransaction` because the
 * driver's loop retries for up to 120 s with a backoff capped at 500 ms, while a commit here holds
 * the player's in-process lock and must give up within the engine's own time budget.
 */
interface TransactionSession {
  startTransaction(options?: TransactionOptions): void;
  commitTransaction(): Promise<unknown>;
  abortTransaction(): Promise<unknown>;
  inTransaction(): boolean;
}

/**
 * How one commit is retried, written down in one place:
 * - the whole transaction runs again, after a jittered pause, on a conflict: ours (a
 *   compare-and-set on a player or a guard missed: VersionConflict, GuardConflict) or the
 *   server's (WriteConflict, code 112), and on any error labelled TransientTransactionError (an
 *   election, a dropped connection, a commit the server forgot), for as long as `budgetMs` allows
 *   from the first attempt — like the embedded engine's busy timeout, which is what a writer there
 *   waits for the lock;
 * - a commit whose outcome is unknown (UnknownTransactionCommitResult) is sent again, the same
 *   transaction (the driver sends a retry with majority write concern), within the same budget;
 *   past it, or on MaxTimeMSExpired (`maxCommitTimeMS` spent: the server gave up waiting, sending
 *   it again would wait again), it surfaces as STORE_UNAVAILABLE carrying the label, and
 *   op-results.ts looks the op up;
 * - once the budget is spent: PLAYER_CONFLICT when players kept changing, STORE_UNAVAILABLE when
 *   the transaction kept failing for another reason;
 * - anything else (a HoardError from the rules, a bug, OpAlreadyRecorded) is not retried.
 */
export interface RetryPolicy {
  /** How long one commit may keep trying, from its first attempt. */
  budgetMs: number;
  /** The pause after attempt `attempt` failed (or after the `attempt`-th unknown commit). */
  backoffMs(attempt: number): number;
}

/** Full jitter, growing to 250 ms: two nodes that collided do not collide again in step. */
export function retryPolicy(budgetMs: number): RetryPolicy {
  return { budgetMs, backoffMs: (attempt) => Math.random() * Math.min(5 * 2 ** attempt, 250) };
}

/** The embedded engine's busy timeout (sqlite-store.ts) is 5 s: a writer waits as long here. */
export const DEFAULT_CONFLICT_BUDGET_MS = 5000;

export const defaultRetryPolicy: RetryPolicy = retryPolicy(DEFAULT_CONFLICT_BUDGET_MS);

/** What the runner measures time with; tests pass a fake one. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<unknown>;
}

const systemClock: Clock = { now: () => performance.now(), sleep: (ms) => sleepFor(ms) };

/**
 * Majority writes, a snapshot of one moment for every read (with a majority write concern the
 * snapshot is of majority-committed data, so a decision never rests on a write a failover could
 * roll back), on the primary. `maxCommitTimeMS` is set from the engine's options (context.ts).
 */
export const transactionOptions: TransactionOptions = {
  readConcern: { level: "snapshot" },
  writeConcern: { w: "majority" },
  readPreference: "primary",
};

export interface RunTransaction<T> {
  session: TransactionSession;
  /** One attempt. Pass the session to every operation. May run several times; return only data. */
  body(attempt: number): Promise<T>;
  policy: RetryPolicy;
  options?: TransactionOptions;
  clock?: Clock;
}

const MAX_TIME_MS_EXPIRED = 50;

/**
 * Runs `body` in a transaction with the retry policy above and resolves to what the committed
 * attempt returned; results of attempts that did not commit are dropped.
 */
export async function runTransaction<T>(run: RunTransaction<T>): Promise<T> {
  const { session, body, policy } = run;
  const clock = run.clock ?? systemClock;
  const deadline = clock.now() + policy.budgetMs;
  /** Waits before the next try when that still leaves it within the budget; false when spent. */
  const pause = async (tries: number): Promise<boolean> => {
    const ms = policy.backoffMs(tries);
    if (clock.now() + ms > deadline) return false;
    await clock.sleep(ms);
    return true;
  };

  for (let attempt = 1; ; attempt += 1) {
    session.startTransaction(run.options ?? transactionOptions);
    let value: T;
    try {
      value = await body(attempt);
    } catch (error) {
      if (session.inTransaction()) await session.abortTransaction().catch(() => {});
      if (!isRetryable(error)) throw storeError(error);
      if (!(await pause(attempt))) throw retriesExhausted(error, attempt);
      continue;
    }
    const failure = await commit(session, pause);
    if (failure === undefined) return value;
    if (!(await pause(attempt))) throw retriesExhausted(failure, attempt);
  }
}

/**
 * Commits, sending the commit again while its outcome is unknown and the budget allows.
 * Resolves undefined once committed, or to the error when the whole transaction must run again.
 */
async function commit(session: TransactionSession, pause: (tries: number) => Promise<boolean>): Promise<unknown> {
  for (let tries = 1; ; tries += 1) {
    try {
      await session.commitTransaction();
      return undefined;
    } catch (error) {
      if (isCommitOutcomeUnknown(error)) {
        if ((error as { code?: unknown }).code !== MAX_TIME_MS_EXPIRED && (await pause(tries))) continue;
        throw storeError(error);
      }
      if (hasLabel(error, MongoErrorLabel.TransientTransactionError)) return error;
      throw storeError(error);
    }
  }
}

/** A conflict, or an error the server or driver says a new transaction may not meet again. */
function isRetryable(error: unknown): boolean {
  return isConflict(error) || hasLabel(error, MongoErrorLabel.TransientTransactionError);
}
