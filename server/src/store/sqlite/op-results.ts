import { HoardError } from "@hoard/protocol";
import type Database from "better-sqlite3";
import type { StoredOutcome } from "../port";

/** An op as idempotency sees it: its key (scoped to the actor), op id and request fingerprint. */
export interface OpIdentity {
  /** `opKey(actor, opId)` */
  key: string;
  opId: string;
  requestHash: string;
}

/**
 * The results of every domain's ops on the embedded engine, in the one `op_results` table.
 * Both methods run inside the caller's transaction, so a result is stored with the change it
 * describes, and a refused op stores nothing. Pruning drops a result but keeps its op key (a
 * tombstone), so a late repeat is refused with OP_ID_EXPIRED instead of being applied twice.
 */
export class OpResults {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      get: db.prepare("SELECT request_hash, result, refused FROM op_results WHERE op_key = ?"),
      // Only a tombstone can already hold the key here (a live result is replayed instead).
      put: db.prepare(
        `INSERT INTO op_results (op_key, request_hash, result, refused, at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (op_key) DO UPDATE SET request_hash = excluded.request_hash, result = excluded.result, refused = excluded.refused, at = excluded.at`,
      ),
      prune: db.prepare("UPDATE op_results SET result = NULL, refused = NULL WHERE at < ? AND result IS NOT NULL"),
    };
  }

  /**
   * The stored result when this op already ran (`undefined` when it must run now). A pruned op
   * is OP_ID_EXPIRED, unless `afterExpiry` is "run-again" (ops that set state, such as import
   * batches, are safe to run again); the same op id with another request is OP_ID_REUSED.
   */
  replay(op: OpIdentity, afterExpiry: "refuse" | "run-again" = "refuse"): StoredOutcome | undefined {
    const stored = this.stmt.get.get(op.key) as { request_hash: string; result: string | null; refused: string | null } | undefined;
    if (!stored) return undefined;
    if (stored.result === null) {
      if (afterExpiry === "run-again") return undefined;
      throw new HoardError("OP_ID_EXPIRED", undefined, { details: { opId: op.opId } });
    }
    if (stored.request_hash !== op.requestHash) throw new HoardError("OP_ID_REUSED", undefined, { details: { opId: op.opId } });
    const result: unknown = JSON.parse(stored.result);
    return stored.refused === null ? { result } : { result, refused: JSON.parse(stored.refused) };
  }

  /** Stores the outcome of an op that just ran. Its result must be JSON. */
  save(op: OpIdentity, outcome: StoredOutcome): void {
    const refused = outcome.refused === undefined ? null : JSON.stringify(outcome.refused);
    this.stmt.put.run(op.key, op.requestHash, JSON.stringify(outcome.result), refused, Date.now());
  }

  /** Forgets results stored before `before` (keeping their op keys); returns how many. */
  prune(before: Date): number {
    return this.stmt.prune.run(before.getTime()).changes;
  }
}
