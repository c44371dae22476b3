import type { HistoryEntry } from "@hoard/protocol";
import { HoardError } from "@hoard/protocol";
import type Database from "better-sqlite3";
import { type Spine, spineVersions } from "./op-chain";

/** An op as idempotency sees it: its key (scoped to the actor), op id and request fingerprint. */
export interface OpIdentity {
  /** `opKey(actor, opId)` */
  key: string;
  opId: string;
  requestHash: string;
}

/** A player's op-log entry inside an op's record, with its links (op-chain.ts). */
export interface LinkedEntry {
  entry: HistoryEntry;
  /** `seq` of the record holding this player's previous version; null for its first in `ops`. */
  prev: number | null;
  /** `seq` of the record holding version v & (v − 1); null when that is 0 or predates the records. */
  jump: number | null;
}

/**
 * The `ops` table: one appended record per op of every domain, the only per-op row the
 * embedded engine writes besides the state it changes. It is at once
 * - the idempotency record: the op key (unique), the request's hash and the result to replay;
 * - the op log: the history entries of every player the op wrote, each linked to earlier records
 *   of that player (op-chain.ts; the player's row keeps the newest links), so history and resync
 *   find any stretch of a player's entries with no per-player index written on each commit.
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
   * A player's entries above `sinceVersion`, oldest first, at most `limit`, given its version
   * `head` and spine (op-chain.ts): down the links from the spine to the newest entry wanted,
   * then back one version at a time; below the player's first record, from the op log of a file
   * written before records carried entries (core-005). O(log² head + limit) record reads.
   */
  history(playerId: string, head: number, spine: Spine, range: { sinceVersion: number; limit: number }): HistoryEntry[] {
    const { sinceVersion: since, limit } = range;
    const target = Math.min(head, since + limit);
    if (target <= since) return [];
    // The oldest record on the spine at or above the target (the spine is newest first).
    let version = 0;
    let seq: number | null = null;
    spineVersions(head).forEach((candidate, i) => {
      if (candidate >= target && spine[i] != null) [version, seq] = [candidate, spine[i] as number];
    });
    if (seq === null) return this.legacy(playerId, since, head + 1, limit);
    let link = this.link(seq, playerId);
    while (version > target) {
      const jumpVersion = version & (version - 1);
      if (link.jump !== null && jumpVersion >= target) [version, seq] = [jumpVersion, link.jump];
      else if (link.prev !== null) [version, seq] = [version - 1, link.prev];
      // The player's first record is above the target: what is wanted predates the records.
      else return this.legacy(playerId, since, version, limit);
      link = this.link(seq, playerId);
    }
    const newestFirst = [link.entry];
    while (version - 1 > since && link.prev !== null) {
      [version, seq] = [version - 1, link.prev];
      link = this.link(seq, playerId);
      newestFirst.push(link.entry);
    }
    const records = newestFirst.reverse();
    return version - 1 > since ? [...this.legacy(playerId, since, version, limit), ...records].slice(0, limit) : records;
  }

  /** The player's entry in the record `seq`, with its links. */
  private link(seq: number, playerId: string): LinkedEntry {
    const json = this.stmt.entries.get(seq) as string | null | undefined;
    const link = json ? (JSON.parse(json) as LinkedEntry[]).find((linked) => linked.entry.playerId === playerId) : undefined;
    if (!link) throw new Error(`op record ${seq} holds no entry of ${playerId}`);
    return link;
  }

  /** Entries with a version in (since, below) from the op log of a file written before core-005. */
  private legacy(playerId: string, since: number, below: number, limit: number): HistoryEntry[] {
    return (this.stmt.legacyLog.all(playerId, since, below, limit) as string[]).map((entry) => JSON.parse(entry) as HistoryEntry);
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
