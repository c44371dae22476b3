import { HoardError } from "@hoard/protocol";
import type Database from "better-sqlite3";

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
 * describes, and a refused op stores nothing.
 */
export class OpResults {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      get: db.prepare("SELECT request_hash, result FROM op_results WHERE op_key = ?"),
      put: db.prepare("INSERT INTO op_results (op_key, request_hash, result, at) VALUES (?, ?, ?, ?)"),
      prune: db.prepare("DELETE FROM op_results WHERE at < ?"),
    };
  }

  /**
   * The stored result when this op already ran (`undefined` when it must run now). The same op
   * id with another request is OP_ID_REUSED. `remembers(key)` asks the domain's own log, which
   * keeps every op key after its result is pruned: a late repeat is then OP_ID_EXPIRED, never
   * applied twice.
   */
  replay(op: OpIdentity, remembers: (key: string) => boolean): { result: unknown } | undefined {
    const stored = this.stmt.get.get(op.key) as { request_hash: string; result: string } | undefined;
    if (stored) {
      if (stored.request_hash !== op.requestHash) throw new HoardError("OP_ID_REUSED", undefined, { details: { opId: op.opId } });
      return { result: JSON.parse(stored.result) };
    }
    if (remembers(op.key)) throw new HoardError("OP_ID_EXPIRED", undefined, { details: { opId: op.opId } });
    return undefined;
  }

  /** Stores the result of an op that just ran. It must be JSON. */
  save(op: OpIdentity, result: unknown): void {
    this.stmt.put.run(op.key, op.requestHash, JSON.stringify(result), Date.now());
  }

  /** Forgets results stored before `before`; returns how many. */
  prune(before: Date): number {
    return this.stmt.prune.run(before.getTime()).changes;
  }
}
