import { setTimeout as sleepFor } from "node:timers/promises";
import type { TransactionOptions } from "mongodb";
import { isConflict, retriesExhausted, storeError } from "./errors";

/**
 * The part of the driver's ClientSession the runner uses. `withTransaction` starts a
 * transaction, runs the callback, commits, and by the driver's own rules runs the callback
 * again on a `TransientTransactionError` and retries the commit on an
 * `UnknownTransactionCommitResult` (the same transaction, majority write concern), for at most
 * 120 s.
 */
export interface TransactionSession {
  withTransaction<T>(fn: () => Promise<T>, options?: TransactionOptions): Promise<T>;
}

/**
 * How one commit is retried, written down in one place:
 * - the body runs at most `maxAttempts` times in all, whatever asked for the rerun: the driver
 *   on a transient error (write conflict, election), or this runner on a VersionConflict or
 *   GuardConflict;
 * - a VersionConflict or GuardConflict (a compare-and-set on a player or a guard document
 *   missed, or one to create exists) ends that
 *   transaction; the runner waits `conflictBackoffMs` and runs a fresh one;
 * - a commit whose outcome is unknown is retried by the driver within its 120 s limit, then
 *   surfaces as STORE_UNAVAILABLE (the caller may look the op up, see commit.ts);
 * - after the last attempt: PLAYER_CONFLICT when players kept changing, STORE_UNAVAILABLE when
 *   the transaction kept failing for another reason;
 * - anything else (a HoardError from the rules, a bug) is not retried.
 */
export interface RetryPolicy {
  maxAttempts: number;
  conflictBackoffMs(attempt: number): number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 10,
  // Full jitter, growing to 250 ms: two nodes that collided do not collide again in step.
  conflictBackoffMs: (attempt) => Math.random() * Math.min(5 * 2 ** attempt, 250),
};

/** Majority writes, a snapshot of one moment for every read, on the primary. */
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
  /** Waits between attempts; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<unknown>;
}

/** Thrown from inside the callback to stop the driver from running it again. */
class AttemptsExhausted extends Error {
  constructor(readonly last: unknown) {
    super("retry budget spent");
  }
}

/**
 * Runs `body` in a transaction with the retry policy above and resolves to what the committed
 * attempt returned; results of attempts that did not commit are dropped.
 */
export async function runTransaction<T>(run: RunTransaction<T>): Promise<T> {
  const { session, body, policy } = run;
  const sleep = run.sleep ?? sleepFor;
  let attempts = 0;
  // What made the previous attempt fail, when the body saw it (a failed commit it does not see).
  let lastFailure: unknown;
  for (;;) {
    try {
      return await session.withTransaction(async () => {
        // Every attempt, the driver's reruns included, passes here: the budget is counted once.
        if (attempts >= policy.maxAttempts) throw new AttemptsExhausted(lastFailure);
        attempts += 1;
        lastFailure = undefined;
        try {
          return await body(attempts);
        } catch (error) {
          lastFailure = error;
          throw error;
        }
      }, run.options ?? transactionOptions);
    } catch (error) {
      if (error instanceof AttemptsExhausted) throw retriesExhausted(error.last, attempts);
      if (!isConflict(error)) throw storeError(error);
      if (attempts >= policy.maxAttempts) throw retriesExhausted(error, attempts);
      await sleep(policy.conflictBackoffMs(attempts));
    }
  }
}
