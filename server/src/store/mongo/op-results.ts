import { randomUUID } from "node:crypto";
import { HoardError } from "@hoard/protocol";
import type { ClientSession, Collection } from "mongodb";
import type { StoredOutcome } from "../port";
import type { MongoContext, OpResultDoc } from "./context";
import { isCommitOutcomeUnknown, isDuplicateKey, storeError } from "./errors";
import { text } from "./scalars";

/**
 * Idempotency for every domain's ops on MongoDB, in the one `op_results` collection (the Mongo
 * side of sqlite/op-results.ts). The result is written in the op's own transaction, so it is
 * stored with the change it describes; pruning leaves the op key behind as a tombstone.
 */

/** An op as idempotency sees it: its key (scoped to the actor), op id and request fingerprint. */
export interface OpIdentity {
  /** `opKey(actor, opId)` */
  key: string;
  opId: string;
  requestHash: string;
}

/**
 * What to do with a repeat whose result was pruned: refuse it (OP_ID_EXPIRED), or run it again
 * (ops that set state, such as import batches, are safe to run again).
 */
type AfterExpiry = "refuse" | "run-again";

/** The op result insert found the op key taken: another node committed this op first. */
export class OpAlreadyRecorded extends Error {
  override name = "OpAlreadyRecorded";
  constructor(
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`op ${key} was recorded concurrently`, options);
  }
}

/**
 * The stored result when `op` already ran (`undefined` when it must run now). A tombstone is
 * OP_ID_EXPIRED whatever the request (checked first, as the sqlite engine does), unless
 * `afterExpiry` is "run-again"; the same op id with another request is OP_ID_REUSED.
 */
function replayOf(stored: OpResultDoc | null, op: OpIdentity, afterExpiry: AfterExpiry = "refuse"): StoredOutcome | undefined {
  if (!stored) return undefined;
  if (stored.kept !== true) {
    if (afterExpiry === "run-again") return undefined;
    throw new HoardError("OP_ID_EXPIRED", undefined, { details: { opId: op.opId } });
  }
  if (stored.requestHash !== op.requestHash) throw new HoardError("OP_ID_REUSED", undefined, { details: { opId: op.opId } });
  return stored.refused === undefined ? { result: stored.result } : { result: stored.result, refused: stored.refused };
}

export interface IdempotentOp<T> {
  context: MongoContext;
  op: OpIdentity;
  afterExpiry?: AfterExpiry;
  /**
   * One attempt at the op, inside the transaction of `session`, run only when no live result is
   * stored. Returns the caller's answer and the outcome to store (its result JSON). May run several times.
   */
  attempt(session: ClientSession): Promise<{ answer: T; stored: StoredOutcome }>;
  /** The answer to a repeat, from its stored outcome. */
  replayed(stored: StoredOutcome): T;
}

/**
 * Runs an idempotent op in one transaction: read the op key, replay or run the attempt, store
 * the result with its changes. Each run of the attempt stores a fresh nonce with its result, so
 * this call can tell its own commit from anyone else's. Outcomes past the transaction:
 * - the result insert hits E11000 (OpAlreadyRecorded): another node applied this op in the
 *   meantime; ours rolled back, and the answer is what that node stored;
 * - the commit's outcome stayed unknown: whatever is durably stored under the op key is the
 *   answer: our own nonce means our attempt applied (answered as a first apply, with its
 *   entries, so the caller pushes them), another's is a replay, nothing stored stays
 *   STORE_UNAVAILABLE, and a retry with the same opId is safe;
 * - a rerun (after a commit the server forgot, or a failover) that finds our own nonce stored
 *   answers as that first apply too, never as a replay of itself.
 */
export async function runIdempotent<T>(run: IdempotentOp<T>): Promise<T> {
  const { context, op } = run;
  const { opResults } = context.collections;
  const afterExpiry = run.afterExpiry ?? "refuse";
  /** The answers of this call's attempts that stored a result, by nonce. */
  const ours = new Map<string, T>();
  const own = (stored: OpResultDoc | null): { answer: T } | undefined =>
    stored?.attempt !== undefined && ours.has(stored.attempt) ? { answer: ours.get(stored.attempt) as T } : undefined;
  try {
    return await context.transaction(async (session) => {
      const stored = await opResults.findOne({ _id: text(op.key, "op key") }, { session });
      const mine = own(stored);
      if (mine) return mine.answer;
      const replay = replayOf(stored, op, afterExpiry);
      if (replay) return run.replayed(replay);
      const { answer, stored: outcome } = await run.attempt(session);
      const nonce = randomUUID();
      await saveResult({ opResults, session, op, outcome, nonce, overTombstone: stored !== null });
      ours.set(nonce, answer);
      return answer;
    });
  } catch (error) {
    if (!(error instanceof OpAlreadyRecorded) && !isCommitOutcomeUnknown(error)) throw error;
    const durable = await readDurable(opResults, op.key);
    const mine = own(durable);
    if (mine) return mine.answer;
    const replay = replayOf(durable, op, afterExpiry);
    if (replay) return run.replayed(replay);
    throw error instanceof OpAlreadyRecorded ? new HoardError("STORE_UNAVAILABLE", undefined, { cause: error }) : error;
  }
}

/**
 * Stores the result of an op that just ran. A live result or a tombstone under the key is
 * another node's doing since this transaction looked (or, over a tombstone it saw, a rerun of
 * the same op): OpAlreadyRecorded.
 */
async function saveResult(save: {
  opResults: Collection<OpResultDoc>;
  session: ClientSession;
  op: OpIdentity;
  outcome: StoredOutcome;
  /** Names this attempt (see runIdempotent). */
  nonce: string;
  /** The attempt found a tombstone under the key (an op run again after expiry). */
  overTombstone: boolean;
}): Promise<void> {
  const { opResults, session, op } = save;
  const doc: OpResultDoc = {
    _id: op.key,
    requestHash: op.requestHash,
    at: new Date(),
    kept: true,
    result: save.outcome.result,
    ...(save.outcome.refused === undefined ? {} : { refused: save.outcome.refused }),
    attempt: save.nonce,
  };
  if (save.overTombstone) {
    const { matchedCount } = await opResults.replaceOne({ _id: op.key, kept: { $exists: false } }, doc, { session });
    if (matchedCount !== 1) throw new OpAlreadyRecorded(op.key);
    return;
  }
  try {
    await opResults.insertOne(doc, { session });
  } catch (error) {
    if (isDuplicateKey(error)) throw new OpAlreadyRecorded(op.key, { cause: error });
    throw error;
  }
}

/** What is stored under the key as a majority has it: only what is durable counts. */
async function readDurable(opResults: Collection<OpResultDoc>, key: string): Promise<OpResultDoc | null> {
  try {
    return await opResults.findOne({ _id: key }, { readConcern: { level: "majority" } });
  } catch (error) {
    throw storeError(error);
  }
}
