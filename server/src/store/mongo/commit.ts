import { type HistoryEntry, HoardError, type Player } from "@hoard/protocol";
import type { ClientSession, Collection } from "mongodb";
import { type Committed, opKey, type PlayerCommit } from "../port";
import { type CoreCollections, type MongoContext, type OpResultDoc, type PlayerDoc, withoutId } from "./context";
import { isCommitOutcomeUnknown, isDuplicateKey, storeError, VersionConflict } from "./errors";
import { text, texts } from "./scalars";

/**
 * commitPlayers on MongoDB: each op in a transaction of its own (group commit is how the sqlite
 * engine shares an fsync; here every commit is already one round of majority writes, and one
 * slow or refused op must not hold others back).
 *
 * Outcomes of one attempt, inside the transaction:
 * - the op key has a stored result → the stored answer (replay, OP_ID_EXPIRED, OP_ID_REUSED);
 * - `apply` throws → that error, nothing written;
 * - a write is not exactly one version up → an Error (a bug in the caller), nothing written;
 * - a player changed since it was read, or a player to create exists → VersionConflict: the
 *   runner runs the whole transaction again, and `apply` sees the new state;
 * - the op result's insert hits E11000 → OpAlreadyRecorded: another node applied this op in
 *   the meantime; ours is rolled back and the stored answer is returned;
 * - otherwise players, op-log entries, records and the op result commit together.
 */
export async function commitPlayers<R>(ctx: MongoContext, commit: PlayerCommit<R>): Promise<Committed<R>> {
  const key = opKey(commit.actor, commit.opId);
  try {
    return await ctx.transaction((session) => commitAttempt({ collections: ctx.collections, session, commit, key }));
  } catch (error) {
    if (!(error instanceof OpAlreadyRecorded) && !isCommitOutcomeUnknown(error)) throw error;
    // Whatever is durably stored under the op key now is the answer. Nothing stored after an
    // unknown outcome stays STORE_UNAVAILABLE: a retry with the same opId is safe either way.
    const stored = await readStoredResult(ctx.collections.opResults, key);
    if (stored) return answerFromStored(stored, commit);
    throw error instanceof OpAlreadyRecorded ? new HoardError("STORE_UNAVAILABLE", undefined, { cause: error }) : error;
  }
}

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

/** The answer to a repeat of an op that has a stored result. */
export function answerFromStored<R>(stored: OpResultDoc, commit: PlayerCommit<R>): Committed<R> {
  // A pruned result leaves its op id behind: a late repeat is refused, never applied twice,
  // whatever its request (checked before the request hash, as the sqlite engine does).
  if (stored.kept !== true) throw new HoardError("OP_ID_EXPIRED", undefined, { details: { opId: commit.opId } });
  if (stored.requestHash !== commit.requestHash) throw new HoardError("OP_ID_REUSED", undefined, { details: { opId: commit.opId } });
  return { replayed: true, result: stored.result as R, entries: [] };
}

export interface CommitAttempt<R> {
  collections: Pick<CoreCollections, "players" | "opLog" | "opResults" | "records">;
  session: ClientSession;
  commit: PlayerCommit<R>;
  /** opKey(actor, opId) */
  key: string;
}

/** One attempt, inside the transaction of `session`; see the outcomes above. */
export async function commitAttempt<R>({ collections, session, commit, key }: CommitAttempt<R>): Promise<Committed<R>> {
  const stored = await collections.opResults.findOne({ _id: text(key, "op key") }, { session });
  if (stored) return answerFromStored(stored, commit);

  const ids = [...new Set(texts(commit.playerIds, "playerId"))].sort();
  const docs = ids.length === 0 ? [] : await collections.players.find({ _id: { $in: ids } }, { session, sort: { _id: 1 } }).toArray();
  const players = new Map<string, Player>(docs.map((doc) => [doc._id, withoutId(doc)]));

  const at = new Date().toISOString();
  const plan = commit.apply(players, at);
  const entries: HistoryEntry[] = [];
  for (const write of [...plan.writes].sort((a, b) => compare(a.player.id, b.player.id))) {
    const { player } = write;
    const expected = players.get(player.id)?.version ?? 0;
    if (player.version !== expected + 1) {
      throw new Error(`commit of ${player.id} must write version ${expected + 1}, not ${player.version}`);
    }
    await writePlayer(collections.players, session, player, expected);
    entries.push({
      playerId: player.id,
      version: player.version,
      opId: commit.opId,
      actor: commit.actor,
      kind: commit.kind,
      ops: write.ops,
      changes: write.changes,
      at,
    });
  }
  // insertMany sets `_id` on the documents it is given: hand it copies, keep ours clean.
  const logDocs = entries.map((entry) => ({ ...entry }));
  const recordDocs = (plan.records ?? []).map((record) => ({ ...record }));
  if (logDocs.length > 0) await collections.opLog.insertMany(logDocs, { session });
  if (recordDocs.length > 0) await collections.records.insertMany(recordDocs, { session });
  try {
    await collections.opResults.insertOne(
      { _id: key, requestHash: commit.requestHash, at: new Date(), kept: true, result: plan.result },
      { session },
    );
  } catch (error) {
    if (isDuplicateKey(error)) throw new OpAlreadyRecorded(key, { cause: error });
    throw error;
  }
  return { replayed: false, result: plan.result, entries };
}

/** Compare-and-set on the version read in this transaction; version 1 is an insert. */
async function writePlayer(players: Collection<PlayerDoc>, session: ClientSession, player: Player, expected: number): Promise<void> {
  const id = text(player.id, "player id");
  if (expected === 0) {
    try {
      await players.insertOne({ _id: id, ...player }, { session });
    } catch (error) {
      if (isDuplicateKey(error)) throw new VersionConflict(id, { cause: error });
      throw error;
    }
    return;
  }
  // The whole state is replaced: a field the rules dropped does not linger.
  const { matchedCount } = await players.replaceOne({ _id: id, version: expected }, player, { session });
  if (matchedCount !== 1) throw new VersionConflict(id);
}

async function readStoredResult(opResults: Collection<OpResultDoc>, key: string): Promise<OpResultDoc | null> {
  try {
    return await opResults.findOne({ _id: key }, { readConcern: { level: "majority" } });
  } catch (error) {
    throw storeError(error);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
