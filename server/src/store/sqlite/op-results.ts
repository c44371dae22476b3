import type { HistoryEntry } from "@hoard/protocol";
import { HoardError } from "@hoard/protocol";
import type Database from "better-sqlite3";

/** An op as idempotency sees it: its key (scoped to the actor), op id and request fingerprint. */
export interface OpIdentity {
  /** `opKey(actor, opId)` */
  key: string;
  opId: string;
  requestHash: string;
}

/** A player's op-log entry inside an op's record, and the record of that player's previous entry. */
export interface LinkedEntry {
  entry: HistoryEntry;
  /** `seq` of the record holding this player's previous entry; null for its first in `ops`. */
  prev: number | null;
}

/**
 * The `ops` table: one appended record per op of every domain, the only per-op row the
 * embedded engine writes besides the state it changes. It is at once
 * - the idempotency record: the op key (unique), the request's hash and the result to replay;
 * - the op log: the history entries of every player the op wrote, each linked to the record of
 *   that player's previous entry (`players.head` names the newest), so resync walks a player's
 *   entries back from its head (`history`) with no per-player index to keep up on each commit.
 *
 * `seq` is the rowid, so records are appended in commit order: a group commit of 256 ops fills
 * a few fresh pages instead of dirtying one page per player in a (player, version) B-tree.
 * Everything runs inside the caller's transaction: a record is stored with the change it
 * describes, and a refused op stores nothing. Pruning drops a result but keeps its op key and
 * entries (a tombstone), so a late repeat is refused with OP_ID_EXPIRED instead of being
 * applied twice.
 */
export class OpResults {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      get: db.prepare("SELECT request_hash, result FROM ops WHERE op_key = ?"),
      // Only a tombstone can already hold the key here (a live result is replayed instead), and
      // only an op that may run again after expiry (an import batch, no entries) gets that far:
      // REPLACE deletes the tombstone and appends the record anew, so pruning still finds it in
      // `seq` order.
      put: db.prepare("INSERT OR REPLACE INTO ops (op_key, request_hash, at, result, entries) VALUES (?, ?, ?, ?, ?)"),
      entries: db.prepare("SELECT entries FROM ops WHERE seq = ?").pluck(),
      legacyLog: db
        .prepare("SELECT entry FROM op_log WHERE player_id = ? AND version > ? AND version < ? ORDER BY version LIMIT ?")
        .pluck(),
      prunedThrough: db.prepare("SELECT value FROM store_meta WHERE name = 'ops_pruned_through'").pluck(),
      // Records are appended in commit order, and `at` is taken under the write lock: the first
      // record at or after the cut bounds the range to prune, found by scanning from the last cut.
      boundary: db.prepare("SELECT seq FROM ops WHERE seq > ? AND at >= ? ORDER BY seq LIMIT 1").pluck(),
      lastSeq: db.prepare("SELECT max(seq) FROM ops").pluck(),
      prune: db.prepare("UPDATE ops SET result = NULL WHERE seq > ? AND seq < ? AND result IS NOT NULL"),
      markPruned: db.prepare(
        "INSERT INTO store_meta (name, value) VALUES ('ops_pruned_through', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
      ),
    };
  }

  /**
   * The stored result when this op already ran (`undefined` when it must run now). A pruned op
   * is OP_ID_EXPIRED, unless `afterExpiry` is "run-again" (ops that set state, such as import
   * batches, are safe to run again); the same op id with another request is OP_ID_REUSED.
   */
  replay(op: OpIdentity, afterExpiry: "refuse" | "run-again" = "refuse"): { result: unknown } | undefined {
    const stored = this.stmt.get.get(op.key) as { request_hash: string; result: string | null } | undefined;
    if (!stored) return undefined;
    if (stored.result === null) {
      if (afterExpiry === "run-again") return undefined;
      throw new HoardError("OP_ID_EXPIRED", undefined, { details: { opId: op.opId } });
    }
    if (stored.request_hash !== op.requestHash) throw new HoardError("OP_ID_REUSED", undefined, { details: { opId: op.opId } });
    return { result: JSON.parse(stored.result) };
  }

  /** Appends the record of an op that just ran (its result must be JSON); returns its `seq`. */
  save(op: OpIdentity, result: unknown, entries?: readonly LinkedEntry[]): number {
    const json = entries && entries.length > 0 ? JSON.stringify(entries) : null;
    return Number(this.stmt.put.run(op.key, op.requestHash, Date.now(), JSON.stringify(result), json).lastInsertRowid);
  }

  /**
   * A player's entries above `sinceVersion`, oldest first, at most `limit`: walked back from the
   * record `head` names, then, below the first record, the op log of files written before
   * records carried entries (core-004). Costs one record read per version above `sinceVersion`.
   */
  history(playerId: string, head: number | null, range: { sinceVersion: number; limit: number }): HistoryEntry[] {
    const newestFirst: HistoryEntry[] = [];
    let seq = head;
    let below = Number.MAX_SAFE_INTEGER;
    while (seq !== null) {
      const json = this.stmt.entries.get(seq) as string | null | undefined;
      const link = json ? (JSON.parse(json) as LinkedEntry[]).find((linked) => linked.entry.playerId === playerId) : undefined;
      if (!link) throw new Error(`op record ${seq} holds no entry of ${playerId}`);
      below = link.entry.version;
      if (below <= range.sinceVersion) break;
      newestFirst.push(link.entry);
      seq = link.prev;
    }
    const fromRecords = newestFirst.reverse();
    if (seq !== null || below <= range.sinceVersion + 1) return fromRecords.slice(0, range.limit);
    const legacy = (this.stmt.legacyLog.all(playerId, range.sinceVersion, below, range.limit) as string[]).map(
      (entry) => JSON.parse(entry) as HistoryEntry,
    );
    return [...legacy, ...fromRecords].slice(0, range.limit);
  }

  /** Forgets results stored before `before` (keeping their op keys and entries); returns how many. */
  prune(before: Date): number {
    const from = (this.stmt.prunedThrough.get() as number | undefined) ?? 0;
    const end =
      (this.stmt.boundary.get(from, before.getTime()) as number | undefined) ?? ((this.stmt.lastSeq.get() as number | null) ?? 0) + 1;
    if (end <= from + 1) return 0;
    const pruned = this.stmt.prune.run(from, end).changes;
    this.stmt.markPruned.run(end - 1);
    return pruned;
  }
}
