import { MAX_SHORT_DAYS_LISTED } from "@hoard/protocol";
import type Database from "better-sqlite3";
import { type CountWrite, type DayCounts, planAcquire, planSell } from "../../stock/rules";
import { opKey } from "../port";
import type {
  DayRange,
  SellOutcome,
  StockAcquire,
  StockChange,
  StockCommitted,
  StockDayRead,
  StockImportBatch,
  StockImported,
  StockKeyQuery,
  StockKeyTotals,
  StockOp,
  StockOutcome,
  StockSell,
  StockSet,
  StockStore,
} from "../stock-port";
import type { OpResults } from "./op-results";

export interface SqliteStockStoreDeps {
  /** The store's one better-sqlite3 handle. */
  db: Database.Database;
  opResults: OpResults;
  /** Runs synchronous sqlite work in the store's next group commit, in a savepoint of its own. */
  enqueue: <T>(work: () => T) => Promise<T>;
}

/**
 * The embedded engine's stock ledger (tables in stock-schema.ts). Writes join the store's
 * group commit, each in its own savepoint: a refused sale rolls back alone, and its version
 * bump with it. Interned ids (keys, partitions) are looked up per transaction, never cached
 * across them, so an id handed out by a transaction that rolled back is never reused.
 */
export class SqliteStockStore implements StockStore {
  private readonly stmt;
  private readonly snapshot: <T>(read: () => T) => T;

  constructor(private readonly deps: SqliteStockStoreDeps) {
    const { db } = deps;
    this.stmt = {
      getKey: db.prepare("SELECT id, version FROM stock_keys WHERE key = ?"),
      // Creates the key at version 1 or bumps it; either way hands back its id and new version.
      bumpKey: db.prepare(
        "INSERT INTO stock_keys (key, version) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET version = version + 1 RETURNING id, version",
      ),
      getPartition: db.prepare("SELECT id FROM stock_partitions WHERE name = ?"),
      addPartition: db.prepare("INSERT INTO stock_partitions (name) VALUES (?)"),
      readRange: db.prepare(
        `SELECT c.day, p.name, c.count FROM stock_counts c JOIN stock_partitions p ON p.id = c.partition_id
         WHERE c.key_id = ? AND c.day BETWEEN ? AND ? ORDER BY c.day, p.name`,
      ),
      totals: db.prepare("SELECT day, SUM(count) AS total FROM stock_counts WHERE key_id = ? AND day BETWEEN ? AND ? GROUP BY day"),
      putCount: db.prepare(
        `INSERT INTO stock_counts (key_id, day, partition_id, count) VALUES (?, ?, ?, ?)
         ON CONFLICT (key_id, day, partition_id) DO UPDATE SET count = excluded.count`,
      ),
      insertCount: db.prepare("INSERT INTO stock_counts (key_id, day, partition_id, count) VALUES (?, ?, ?, ?)"),
      clearDays: db.prepare("DELETE FROM stock_counts WHERE key_id = ? AND day BETWEEN ? AND ?"),
      clearDay: db.prepare("DELETE FROM stock_counts WHERE key_id = ? AND day = ?"),
      opLogged: db.prepare("SELECT 1 FROM stock_ops WHERE op_key = ?"),
      logOp: db.prepare("INSERT INTO stock_ops (op_key, key_id, version, kind, at) VALUES (?, ?, ?, ?, ?)"),
      // [lo, hi) bounds the index scan; the last test drops `a-b` and `a.b` from the prefix `a`.
      listKeys: db.prepare(
        "SELECT id, key, version FROM stock_keys WHERE key >= ? AND key < ? AND key > ? AND (key = ? OR key >= ?) ORDER BY key LIMIT ?",
      ),
    };
    // A deferred transaction: every statement of a read sees the same snapshot.
    const snapshot = db.transaction((read: () => unknown) => read());
    this.snapshot = <T>(read: () => T) => snapshot(read) as T;
  }

  acquire(op: StockAcquire): Promise<StockCommitted<StockOutcome>> {
    return this.commit(op, "acquire", (keyId, partitionId) => {
      this.putCounts(keyId, partitionId, planAcquire(this.counts(keyId, op), op));
      return {};
    });
  }

  sell(op: StockSell): Promise<StockCommitted<SellOutcome>> {
    return this.commit(op, "sell", (keyId, partitionId) => {
      const plan = planSell(this.counts(keyId, op), op);
      this.putCounts(keyId, partitionId, plan.writes);
      return { negativeDays: plan.short.length, negative: plan.short.slice(0, MAX_SHORT_DAYS_LISTED) };
    });
  }

  setPartitions(op: StockSet): Promise<StockCommitted<StockOutcome>> {
    return this.commit(op, "setPartitions", (keyId, partitionId) => {
      this.stmt.clearDays.run(keyId, op.from, op.to);
      const partitions = Object.entries(op.partitions).map(([name, count]) => [partitionId(name), count] as const);
      for (let day = op.from; day <= op.to; day++) {
        for (const [id, count] of partitions) this.stmt.insertCount.run(keyId, day, id, count);
      }
      return {};
    });
  }

  async read(key: string, range: DayRange): Promise<{ version: number; days: StockDayRead[] }> {
    return this.snapshot(() => {
      const found = this.stmt.getKey.get(key) as { id: number; version: number } | undefined;
      if (!found) return { version: 0, days: [] };
      const days: StockDayRead[] = [];
      for (const [day, partitions] of this.counts(found.id, range)) days.push({ day, partitions: Object.fromEntries(partitions) });
      return { version: found.version, days };
    });
  }

  async listKeys(query: StockKeyQuery): Promise<StockKeyTotals[]> {
    // Key characters sort below "~"; "0" follows "/", so [p/, p0) holds exactly the keys under p/.
    const bounds = query.prefix === "" ? ["", "~", "", ""] : [query.prefix, `${query.prefix}0`, query.prefix, `${query.prefix}/`];
    const [lo, hi, exact, children] = bounds as [string, string, string, string];
    return this.snapshot(() => {
      const rows = this.stmt.listKeys.all(lo, hi, query.after ?? "", exact, children, query.limit) as Array<{
        id: number;
        key: string;
        version: number;
      }>;
      return rows.map((row) => ({ key: row.key, version: row.version, totals: this.totals(row.id, query) }));
    });
  }

  async version(key: string): Promise<number> {
    return (this.stmt.getKey.get(key) as { version: number } | undefined)?.version ?? 0;
  }

  importBatch(batch: StockImportBatch): Promise<StockImported> {
    return this.deps.enqueue(() => {
      const identity = batch.op && { key: opKey(batch.actor, batch.op.opId), ...batch.op };
      // An import sets counts, so applying a batch again is harmless: once its result is
      // pruned there is no need to remember it (nothing to refuse as OP_ID_EXPIRED).
      if (identity && this.deps.opResults.replay(identity, () => false)) return { replayed: true, changes: [] };
      const partitionId = this.partitionIds();
      // Each key touched: its id, and its change (the version goes up once per batch).
      const touched = new Map<string, { id: number; change: StockChange }>();
      for (const row of batch.rows) {
        let key = touched.get(row.key);
        if (!key) {
          const { id, version } = this.stmt.bumpKey.get(row.key) as { id: number; version: number };
          key = { id, change: { key: row.key, version, from: row.day, to: row.day } };
          touched.set(row.key, key);
        }
        key.change.from = Math.min(key.change.from, row.day);
        key.change.to = Math.max(key.change.to, row.day);
        this.stmt.clearDay.run(key.id, row.day);
        for (const [name, count] of row.partitions) this.stmt.insertCount.run(key.id, row.day, partitionId(name), count);
      }
      if (identity) this.deps.opResults.save(identity, { rows: batch.rows.length });
      return { replayed: false, changes: [...touched.values()].map((key) => key.change) };
    });
  }

  /**
   * One idempotent write on one key: a repeat of the op returns the stored outcome; otherwise
   * the key's version goes up, `write` runs (it may refuse by throwing: the savepoint then
   * drops the version bump too), and the op key and outcome are stored with the change.
   */
  private commit<O extends StockOutcome>(
    op: StockOp,
    kind: "acquire" | "sell" | "setPartitions",
    write: (keyId: number, partitionId: (name: string) => number) => Omit<O, "version">,
  ): Promise<StockCommitted<O>> {
    return this.deps.enqueue((): StockCommitted<O> => {
      const identity = { key: opKey(op.actor, op.opId), opId: op.opId, requestHash: op.requestHash };
      const stored = this.deps.opResults.replay(identity, (key) => this.stmt.opLogged.get(key) !== undefined);
      if (stored) return { replayed: true, outcome: stored.result as O };
      const { id, version } = this.stmt.bumpKey.get(op.key) as { id: number; version: number };
      const outcome = { ...write(id, this.partitionIds()), version } as O;
      this.stmt.logOp.run(identity.key, id, version, kind, Date.now());
      this.deps.opResults.save(identity, outcome);
      return { replayed: false, outcome, change: { key: op.key, version, from: op.from, to: op.to, totals: this.totals(id, op) } };
    });
  }

  /** The stored counts of a key over a range, by day then partition name. */
  private counts(keyId: number, range: DayRange): Map<number, Map<string, number>> {
    const counts = new Map<number, Map<string, number>>();
    const rows = this.stmt.readRange.all(keyId, range.from, range.to) as Array<{ day: number; name: string; count: number }>;
    for (const row of rows) {
      let day = counts.get(row.day);
      if (!day) {
        day = new Map();
        counts.set(row.day, day);
      }
      day.set(row.name, row.count);
    }
    return counts satisfies DayCounts;
  }

  private putCounts(keyId: number, partitionId: (name: string) => number, writes: readonly CountWrite[]): void {
    for (const write of writes) this.stmt.putCount.run(keyId, write.day, partitionId(write.partition), write.count);
  }

  /** The total of every day of the range (0 for a day that holds nothing). */
  private totals(keyId: number, range: DayRange): number[] {
    const totals = new Array<number>(range.to - range.from + 1).fill(0);
    for (const row of this.stmt.totals.all(keyId, range.from, range.to) as Array<{ day: number; total: number }>) {
      totals[row.day - range.from] = row.total;
    }
    return totals;
  }

  /** Interns partition names for the length of one transaction. */
  private partitionIds(): (name: string) => number {
    const ids = new Map<string, number>();
    return (name) => {
      let id = ids.get(name);
      if (id === undefined) {
        const found = this.stmt.getPartition.get(name) as { id: number } | undefined;
        id = found ? found.id : Number(this.stmt.addPartition.run(name).lastInsertRowid);
        ids.set(name, id);
      }
      return id;
    };
  }
}
