import type { HistoryEntry, Player } from "@hoard/protocol";
import type { ClientSession, Collection } from "mongodb";
import type { Guarded } from "../../commit/plan";
import { nextExpiryOf } from "../../commit/plan";
import { assertNextVersion, type Committed, historyEntry, opKey, type PlayerCommit } from "../port";
import { type CoreCollections, type MongoContext, type PlayerDoc, playerOf } from "./context";
import { isDuplicateKey, VersionConflict } from "./errors";
import { type GuardCollections, readGuards, writeGuards } from "./guards";
import { runIdempotent } from "./op-results";
import { text, texts } from "./scalars";

/**
 * commitPlayers on MongoDB: each op in a transaction of its own (group commit is how the sqlite
 * engine shares an fsync; here every commit is already one round of majority writes, and one
 * slow or refused op must not hold others back).
 *
 * Outcomes of one attempt, inside the transaction (op-results.ts runs it and answers repeats):
 * - the op key has a stored result → the stored answer (replay, OP_ID_EXPIRED, OP_ID_REUSED);
 * - `apply` throws → that error, nothing written;
 * - a write is not exactly one version up, or a guard write is undeclared or skips a version →
 *   an Error (a bug in the caller), nothing written;
 * - a player or a guard changed since it was read, or one to create exists → VersionConflict or
 *   GuardConflict: the runner runs the whole transaction again, and `apply` sees the new state;
 * - the op result's insert hits E11000 → OpAlreadyRecorded: another node applied this op in
 *   the meantime; ours is rolled back and the stored answer is returned;
 * - otherwise players, op-log entries, guards, records and the op result commit together.
 */
export async function commitPlayers<R>(engine: CommitEngine, commit: PlayerCommit<R>): Promise<Committed<R>> {
  const { context, guards } = engine;
  return runIdempotent<Committed<R>>({
    context,
    op: { key: opKey(commit.actor, commit.opId), opId: commit.opId, requestHash: commit.requestHash },
    attempt: async (session) => {
      const committed = await commitAttempt({
        collections: context.collections,
        guards,
        session,
        commit,
        ...(context.now ? { now: context.now } : {}),
      });
      return { answer: committed, result: committed.result };
    },
    replayed: (result) => ({ replayed: true, result: result as R, entries: [] }),
  });
}

/** What a commit runs on: the shared context and the guard collections of every domain, by kind. */
export interface CommitEngine {
  context: MongoContext;
  guards: GuardCollections;
}

export interface CommitAttempt<R> {
  collections: Pick<CoreCollections, "players" | "opLog" | "records">;
  guards: GuardCollections;
  session: ClientSession;
  commit: PlayerCommit<R>;
  /** The commit's clock (the store's); the wall clock when absent. */
  now?: () => number;
}

/** One attempt, inside the transaction of `session`, once no result is stored; see the outcomes above. */
export async function commitAttempt<R>({
  collections,
  guards,
  session,
  commit,
  now = Date.now,
}: CommitAttempt<R>): Promise<Committed<R> & { replayed: false }> {
  const ids = [...new Set(texts(commit.playerIds, "playerId"))].sort();
  const docs = ids.length === 0 ? [] : await collections.players.find({ _id: { $in: ids } }, { session, sort: { _id: 1 } }).toArray();
  const players = new Map<string, Player>(docs.map((doc) => [doc._id, playerOf(doc)]));
  const declared = commit.guards ?? [];
  const read = declared.length === 0 ? new Map<string, Guarded>() : await readGuards(guards, declared, session);

  const at = new Date(now()).toISOString();
  const plan = commit.apply(players, at, read);
  const entries: HistoryEntry[] = [];
  for (const write of [...plan.writes].sort((a, b) => compare(a.player.id, b.player.id))) {
    const { player } = write;
    const expected = players.get(player.id)?.version ?? 0;
    assertNextVersion(player, expected);
    await writePlayer(collections.players, session, player, expected);
    entries.push(historyEntry(commit, write, at));
  }
  if (plan.guards && plan.guards.length > 0) await writeGuards({ collections: guards, docs: plan.guards, read, declared, session });
  // insertMany sets `_id` on the documents it is given: hand it copies, keep ours clean.
  const logDocs = entries.map((entry) => ({ ...entry }));
  const recordDocs = (plan.records ?? []).map((record) => ({ ...record }));
  if (logDocs.length > 0) await collections.opLog.insertMany(logDocs, { session });
  if (recordDocs.length > 0) await collections.records.insertMany(recordDocs, { session });
  return { replayed: false, result: plan.result, entries };
}

/** Compare-and-set on the version read in this transaction; version 1 is an insert. */
async function writePlayer(players: Collection<PlayerDoc>, session: ClientSession, player: Player, expected: number): Promise<void> {
  const id = text(player.id, "player id");
  const nextExpiry = nextExpiryOf(player);
  const stored = nextExpiry === undefined ? player : { ...player, nextExpiry };
  if (expected === 0) {
    try {
      await players.insertOne({ _id: id, ...stored }, { session });
    } catch (error) {
      if (isDuplicateKey(error)) throw new VersionConflict(id, { cause: error });
      throw error;
    }
    return;
  }
  // The whole state is replaced: a field the rules dropped does not linger.
  const { matchedCount } = await players.replaceOne({ _id: id, version: expected }, stored, { session });
  if (matchedCount !== 1) throw new VersionConflict(id);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
