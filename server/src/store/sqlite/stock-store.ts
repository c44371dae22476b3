import type Database from "better-sqlite3";
import { compareNames } from "../../lib/names";
import type {
  CountWrite,
  DayCounts,
  DayRange,
  StockChange,
  StockCommitted,
  StockDayRead,
  StockImportBatch,
  StockImported,
  StockKeyQuery,
  StockKeyTotals,
  StockOp,
  StockOutcome,
  StockSet,
  StockStore,
  StockWrite,
} from "../../stock/port";
import { opKey } from "../port";
import type { OpResults } from "./op-results";
import { decodeCounts, encodeCounts, encodeRecord } from "./stock-codec";

export interface SqliteStockStoreDeps {
  /** The store's one better-sqlite3 handle. */
  db: Database.Database;
  opResults: OpResults;
  /** Runs synchronous sqlite work in the store's next group commit, in a savepoint of its own. */
  enqueue: <T>(work: () => T) => Promise<T>;
}

/**
 * The embedded engine's stock ledger (tables in stock-schema.ts): one row per key and day, its
 * partitions packed in a blob. Writes join the store's group commit, each in its own
 * savepoint: a refused sale rolls back alone, and its version bump with it. Interned ids
 * (keys, partitions) are looked up per transaction, never cached across them, so an id handed
 * out by a transaction that rolled back is never trusted.
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
      partitionId: db.prepare("SELECT id FROM stock_partitions WHERE name = ?"),
      partitionName: db.prepare("SELECT name FROM stock_partitions WHERE id = ?"),
      addPartition: db.prepare("INSERT INTO stock_partitions (name) VALUES (?)"),
      readDays: db.prepare("SELECT day, counts FROM stock_days WHERE key_id = ? AND day BETWEEN ? AND ? ORDER BY day"),
      putDay: db.prepare(
        "INSERT INTO stock_days (key_id, day, counts) VALUES (?, ?, ?) ON CONFLICT (key_id, day) DO UPDATE SET counts = excluded.counts",
      ),
      clearDays: db.prepare("DELETE FROM stock_days WHERE key_id = ? AND day BETWEEN ? AND ?"),
      clearDay: db.prepare("DELETE FROM stock_days WHERE key_id = ? AND day = ?"),
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

  write<O extends object>(op: StockWrite<O>): Promise<StockCommitted<O & StockOutcome>> {
    return this.commit(op, op.kind, (keyId, partitions) => {
      const current = this.counts(keyId, op, partitions);
      const decision = op.decide(current);
      this.apply(keyId, current, decision.writes, partitions);
      return decision.outcome;
    });
  }

  setPartitions(op: StockSet): Promise<StockCommitted<StockOutcome>> {
    return this.commit(op, "setPartitions", (keyId, partitions) => {
      this.stmt.clearDays.run(keyId, op.from, op.to);
      const entries = Object.entries(op.partitions).sort(([a], [b]) => compareNames(a, b));
      if (entries.length === 0) return {};
      const counts = Buffer.from(encodeCounts(entries, partitions.idOf)); // a copy: the encoder reuses its buffer
      for (let day = op.from; day <= op.to; day++) this.stmt.putDay.run(keyId, day, counts);
      return {};
    });
  }

  async read(key: string, range: DayRange): Promise<{ version: number; days: StockDayRead[] }> {
    return this.snapshot(() => {
      const found = this.stmt.getKey.get(key) as { id: number; version: number } | undefined;
      if (!found) return { version: 0, days: [] };
      const days: StockDayRead[] = [];
      for (const [day, partitions] of this.counts(found.id, range, this.partitionNames())) {
        days.push({ day, partitions: Object.fromEntries([...partitions].sort(([a], [b]) => compareNames(a, b))) });
      }
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
      // pruned, a repeat runs again (re-running a file restores what it says).
      if (identity && this.deps.opResults.replay(identity, "run-again")) return { replayed: true, changes: [] };
      const partitions = this.partitionNames();
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
        // The row is the whole day: one upsert replaces whatever partitions it held.
        const counts = encodeRecord(row.partitions, partitions.idOf);
        if (counts.length === 0) this.stmt.clearDay.run(key.id, row.day);
        else this.stmt.putDay.run(key.id, row.day, counts);
      }
      if (identity) this.deps.opResults.save(identity, { result: { rows: batch.rows.length } });
      return { replayed: false, changes: [...touched.values()].map((key) => key.change) };
    });
  }

  /**
   * One idempotent write on one key: a repeat of the op returns the stored outcome; otherwise
   * the key's version goes up, `write` runs (it may refuse by throwing: the savepoint then
   * drops the version bump too), and the op key and outcome are stored with the change.
   */
  private commit<O extends object>(
    op: StockOp,
    kind: "acquire" | "sell" | "setPartitions",
    write: (keyId: number, partitions: PartitionNames) => O,
  ): Promise<StockCommitted<O & StockOutcome>> {
    return this.deps.enqueue((): StockCommitted<O & StockOutcome> => {
      const identity = { key: opKey(op.actor, op.opId), opId: op.opId, requestHash: op.requestHash };
      const stored = this.deps.opResults.replay(identity);
      if (stored) return { replayed: true, outcome: stored.result as O & StockOutcome };
      const { id, version } = this.stmt.bumpKey.get(op.key) as { id: number; version: number };
      const outcome = { ...write(id, this.partitionNames()), version } as O & StockOutcome;
      this.stmt.logOp.run(identity.key, id, version, kind, Date.now());
      this.deps.opResults.save(identity, { result: outcome });
      return { replayed: false, outcome, change: { key: op.key, version, from: op.from, to: op.to, totals: this.totals(id, op) } };
    });
  }

  private days(keyId: number, range: DayRange): Array<{ day: number; counts: Buffer }> {
    return this.stmt.readDays.all(keyId, range.from, range.to) as Array<{ day: number; counts: Buffer }>;
  }

  /** The stored counts of a key over a range: day → partition name → count. */
  private counts(keyId: number, range: DayRange, partitions: PartitionNames): Map<number, Map<string, number>> {
    const counts = new Map<number, Map<string, number>>();
    for (const row of this.days(keyId, range)) {
      counts.set(row.day, new Map(decodeCounts(row.counts).map(([id, count]) => [partitions.nameOf(id), count])));
    }
    return counts satisfies DayCounts;
  }

  /** Writes the counts a rule decided over the days as they were read. */
  private apply(keyId: number, current: DayCounts, writes: readonly CountWrite[], partitions: PartitionNames): void {
    const next = new Map<number, Map<string, number>>();
    for (const write of writes) {
      let day = next.get(write.day);
      if (!day) {
        day = new Map(current.get(write.day));
        next.set(write.day, day);
      }
      day.set(write.partition, write.count);
    }
    for (const [day, counts] of next) {
      const entries = [...counts].sort(([a], [b]) => compareNames(a, b));
      this.stmt.putDay.run(keyId, day, encodeCounts(entries, partitions.idOf));
    }
  }

  /** The total of every day of the range (0 for a day that holds nothing). */
  private totals(keyId: number, range: DayRange): number[] {
    const totals = new Array<number>(range.to - range.from + 1).fill(0);
    for (const row of this.days(keyId, range)) {
      let total = 0;
      for (const [, count] of decodeCounts(row.counts)) total += count;
      totals[row.day - range.from] = total;
    }
    return totals;
  }

  /** Partition names ⇄ ids for the length of one transaction or read. */
  private partitionNames(): PartitionNames {
    const ids = new Map<string, number>();
    const names = new Map<number, string>();
    const { partitionId, partitionName, addPartition } = this.stmt;
    return {
      idOf(name) {
        let id = ids.get(name);
        if (id === undefined) {
          const found = partitionId.get(name) as { id: number } | undefined;
          id = found ? found.id : Number(addPartition.run(name).lastInsertRowid);
          ids.set(name, id);
        }
        return id;
      },
      nameOf(id) {
        let name = names.get(id);
        if (name === undefined) {
          name = (partitionName.get(id) as { name: string }).name;
          names.set(id, name);
        }
        return name;
      },
    };
  }
}

interface PartitionNames {
  /** The id of a name, interned on first use. */
  idOf(name: string): number;
  nameOf(id: number): string;
}
