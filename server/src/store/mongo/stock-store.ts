import { HoardError } from "@hoard/protocol";
import type { AnyBulkWriteOperation, ClientSession, Collection, Filter } from "mongodb";
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
  StockImportRow,
  StockKeyQuery,
  StockKeyTotals,
  StockOp,
  StockOutcome,
  StockSet,
  StockStore,
  StockWrite,
} from "../../stock/port";
import { opKey } from "../port";
import type { MongoPortDeps } from "./context";
import { isDuplicateKey } from "./errors";
import { KeyedLocks } from "./locks";
import { OpAlreadyRecorded, type OpIdentity, runIdempotent } from "./op-results";
import { count, text } from "./scalars";
import type { DomainSchema } from "./schema";

/** `stock_keys`: `_id` = the key; `version` is its sequence on the `stock/{key}` topic. */
export interface StockKeyDoc {
  _id: string;
  version: number;
}

/** One partition's count. Names are values, not field names: they may hold dots (`p.1`). */
interface PartitionCount {
  p: string;
  n: number;
}

/** `stock_days`: one per key and day that holds partitions, `counts` in partition-name order. */
export interface StockDayDoc {
  key: string;
  day: number;
  counts: PartitionCount[];
}

/** `stock_ops`: the stock audit trail, every op on a key with the version it made; `_id` = the op key. */
export interface StockOpDoc {
  _id: string;
  key: string;
  version: number;
  kind: "acquire" | "sell" | "setPartitions";
  at: Date;
}

export const stockSchema: DomainSchema = {
  collections: ["stock_keys", "stock_days", "stock_ops"],
  indexes: [
    // Keys by prefix are ranges of `_id` (stockKeyFilter); a key's days, a range of this index.
    { collection: "stock_days", key: { key: 1, day: 1 }, options: { name: "key_day", unique: true } },
  ],
};

/**
 * The stock ledger on MongoDB (the sqlite one is sqlite/stock-store.ts). Every op on a key is one
 * transaction: the op key is looked up (op-results.ts), the key's version goes up first (so two
 * writers of one key meet as a write conflict on that document and one reruns), the days of the
 * range are read, the op's `decide` (the stock rules, stock/rules.ts) decides (or refuses: the transaction aborts and
 * the version bump goes with it), the changed days are written in one unordered bulk write, and
 * the audit entry and the op result commit with them. Ops on one key from this node wait for
 * each other in-process, as player commits do.
 */
export class MongoStockStore implements StockStore {
  private readonly keys: Collection<StockKeyDoc>;
  private readonly days: Collection<StockDayDoc>;
  private readonly ops: Collection<StockOpDoc>;
  private readonly locks = new KeyedLocks();

  constructor(private readonly deps: MongoPortDeps) {
    const { db } = deps.context;
    this.keys = db.collection<StockKeyDoc>("stock_keys");
    this.days = db.collection<StockDayDoc>("stock_days");
    this.ops = db.collection<StockOpDoc>("stock_ops");
  }

  write<O extends object>(op: StockWrite<O>): Promise<StockCommitted<O & StockOutcome>> {
    return this.commit(op, op.kind, async (session) => {
      const current = await this.readCounts(op.key, op, session);
      // A refusal (STOCK_INSUFFICIENT…) is thrown here, before any day is written; the transaction aborts.
      const decision = op.decide(current);
      const after = await this.writeCounts({ key: op.key, current, writes: decision.writes, session });
      return { outcome: decision.outcome, after };
    });
  }

  setPartitions(op: StockSet): Promise<StockCommitted<StockOutcome>> {
    return this.commit(op, "setPartitions", async (session) => {
      const key = text(op.key, "stock key");
      await this.days.deleteMany({ key, day: { $gte: count(op.from, "from"), $lte: count(op.to, "to") } }, { session });
      const counts = countsOf(op.partitions);
      const after = new Map<number, ReadonlyMap<string, number>>();
      if (counts.length === 0) return { outcome: {}, after };
      const docs: StockDayDoc[] = [];
      const partitions = new Map(counts.map(({ p, n }) => [p, n]));
      for (let day = op.from; day <= op.to; day++) {
        docs.push({ key, day, counts });
        after.set(day, partitions);
      }
      await this.days.insertMany(docs, { session });
      return { outcome: {}, after };
    });
  }

  read(key: string, range: DayRange): Promise<{ version: number; days: StockDayRead[] }> {
    // A read-only transaction: the version and the days come from one snapshot.
    return this.deps.run(() =>
      this.deps.context.transaction(async (session) => {
        const found = await this.keys.findOne({ _id: text(key, "stock key") }, { session });
        if (!found) return { version: 0, days: [] };
        const days: StockDayRead[] = [];
        for (const [day, partitions] of await this.readCounts(key, range, session)) {
          days.push({ day, partitions: Object.fromEntries([...partitions].sort(([a], [b]) => compareNames(a, b))) });
        }
        return { version: found.version, days };
      }),
    );
  }

  listKeys(query: StockKeyQuery): Promise<StockKeyTotals[]> {
    return this.deps.run(() =>
      this.deps.context.transaction(async (session) => {
        const keys = await this.keys
          .find(stockKeyFilter(query), { session, sort: { _id: 1 }, limit: count(query.limit, "limit") })
          .toArray();
        if (keys.length === 0) return [];
        const totals = new Map(keys.map((doc) => [doc._id, new Array<number>(query.to - query.from + 1).fill(0)]));
        const days = this.days.find(
          { key: { $in: keys.map((doc) => doc._id) }, day: { $gte: count(query.from, "from"), $lte: count(query.to, "to") } },
          { session, projection: { _id: 0, key: 1, day: 1, counts: 1 } },
        );
        for await (const doc of days) {
          const row = totals.get(doc.key);
          if (row) row[doc.day - query.from] = totalOf(doc.counts);
        }
        return keys.map((doc) => ({ key: doc._id, version: doc.version, totals: totals.get(doc._id) ?? [] }));
      }),
    );
  }

  version(key: string): Promise<number> {
    return this.deps.run(async () => (await this.keys.findOne({ _id: text(key, "stock key") }))?.version ?? 0);
  }

  /**
   * A batch as transactions of at most `tuning.importBatchRows` rows (HOARD_MONGO_IMPORT_BATCH,
   * 1,000 by default; a key's rows stay in one transaction, so one key with more rows makes a
   * larger one). A MongoDB transaction holds every document it writes until it commits: tens of
   * thousands of writes would block racing sales on those keys for seconds, and risk the server's
   * 60 s transaction lifetime. Each transaction is two unordered bulk writes (key versions, then
   * days), each (key, day) written once, as the last row for it says. No in-process key locks: a
   * clash with a sale is a write conflict that reruns the loser within the retry budget; a key
   * that keeps changing past it is STORE_UNAVAILABLE ("retry later"), never PLAYER_CONFLICT.
   *
   * With an op id each part is idempotent under the batch's op key numbered `#i/n` (the plain key
   * when the batch is one part). Outcomes: every part commits → the changes of all; a part fails
   * → the parts before it stay committed and the error comes back; a retry of the batch with the
   * same op id replays those parts and runs the rest. An import sets counts, so once a part's
   * result is pruned a repeat runs it again (as on sqlite).
   */
  importBatch(batch: StockImportBatch): Promise<StockImported> {
    return this.deps.run(async () => {
      const parts = partsOf(batch.rows, this.deps.context.tuning.importBatchRows);
      const changes: StockChange[] = [];
      let replayed = parts.length > 0;
      for (const [index, rows] of parts.entries()) {
        const part = await stockConflictIsBusy(this.importPart(batch, rows, parts.length === 1 ? "" : `#${index + 1}/${parts.length}`));
        replayed &&= part.replayed;
        changes.push(...part.changes);
      }
      return { replayed, changes };
    });
  }

  /** One part of a batch in one transaction; idempotent under the batch's op key plus `suffix` when the batch has an op id. */
  private importPart(batch: StockImportBatch, rows: readonly StockImportRow[], suffix: string): Promise<StockImported> {
    const plan = planImport(rows);
    const attempt = (session: ClientSession) => this.importAttempt(plan, session);
    if (!batch.op) return this.deps.context.transaction(async (session) => ({ replayed: false, changes: await attempt(session) }));
    return runIdempotent<StockImported>({
      context: this.deps.context,
      op: { key: `${opKey(batch.actor, batch.op.opId)}${suffix}`, opId: batch.op.opId, requestHash: `${batch.op.requestHash}${suffix}` },
      afterExpiry: "run-again",
      attempt: async (session) => ({
        answer: { replayed: false, changes: await attempt(session) },
        stored: { result: { rows: rows.length } },
      }),
      replayed: () => ({ replayed: true, changes: [] }),
    });
  }

  private async importAttempt(plan: ImportPlan, session: ClientSession): Promise<StockChange[]> {
    const keys = [...plan.changes.keys()];
    const versions = new Map<string, number>();
    for (const doc of await this.keys.find({ _id: { $in: keys } }, { session }).toArray()) versions.set(doc._id, doc.version);
    await this.keys.bulkWrite(
      keys.map((_id) => ({ updateOne: { filter: { _id }, update: { $inc: { version: 1 } }, upsert: true } })),
      { session, ordered: false },
    );
    if (plan.days.length > 0) await this.days.bulkWrite(plan.days, { session, ordered: false });
    // Read and bumped in one snapshot: a writer of the key since would have failed this
    // transaction with a write conflict, so the stored version is exactly one above the read.
    return [...plan.changes.values()].map((change) => ({ ...change, version: (versions.get(change.key) ?? 0) + 1 }));
  }

  /**
   * One idempotent op on one key; see the class comment. `write` runs in the transaction after
   * the version bump and returns the outcome and the new counts of the days it wrote.
   */
  private commit<O extends object>(
    op: StockOp,
    kind: StockOpDoc["kind"],
    write: (session: ClientSession) => Promise<{ outcome: O; after: DayCounts }>,
  ): Promise<StockCommitted<O & StockOutcome>> {
    return this.deps.run(() => {
      const key = text(op.key, "stock key");
      const identity: OpIdentity = { key: opKey(op.actor, op.opId), opId: op.opId, requestHash: op.requestHash };
      return this.locks.run([key], () =>
        stockConflictIsBusy(
          runIdempotent<StockCommitted<O & StockOutcome>>({
            context: this.deps.context,
            op: identity,
            attempt: async (session) => {
              const bumped = await this.keys.findOneAndUpdate(
                { _id: key },
                { $inc: { version: 1 } },
                { upsert: true, returnDocument: "after", session },
              );
              if (!bumped) throw new Error(`stock key ${key} was not upserted`);
              const { version } = bumped;
              const { outcome: rest, after } = await write(session);
              await this.audit({ _id: identity.key, key, version, kind, at: new Date() }, session);
              const outcome = { ...rest, version } as O & StockOutcome;
              const change: StockChange = { key, version, from: op.from, to: op.to, totals: totalsOf(after, op) };
              return { answer: { replayed: false, outcome, change }, stored: { result: outcome } };
            },
            replayed: ({ result }) => ({ replayed: true, outcome: result as O & StockOutcome }),
          }),
        ),
      );
    });
  }

  /**
   * The audit entry of an op, keyed by its op key: one already there means another node applied
   * this op since this transaction looked (as an E11000 on the op result would say).
   */
  private async audit(entry: StockOpDoc, session: ClientSession): Promise<void> {
    try {
      await this.ops.insertOne(entry, { session });
    } catch (error) {
      if (isDuplicateKey(error)) throw new OpAlreadyRecorded(entry._id, { cause: error });
      throw error;
    }
  }

  /** The stored counts of a key over a range: day → partition name → count. */
  private async readCounts(key: string, range: DayRange, session: ClientSession): Promise<Map<number, Map<string, number>>> {
    const docs = await this.days
      .find(
        { key: text(key, "stock key"), day: { $gte: count(range.from, "from"), $lte: count(range.to, "to") } },
        { session, sort: { day: 1 }, projection: { _id: 0, day: 1, counts: 1 } },
      )
      .toArray();
    return new Map(docs.map((doc) => [doc.day, new Map(doc.counts.map(({ p, n }) => [p, n]))]));
  }

  /** Writes the counts a rule decided over the days as they were read; answers every day's counts after it. */
  private async writeCounts(write: {
    key: string;
    current: DayCounts;
    writes: readonly CountWrite[];
    session: ClientSession;
  }): Promise<DayCounts> {
    const after = new Map(write.current);
    const changed = new Map<number, Map<string, number>>();
    for (const { day, partition, count: n } of write.writes) {
      let counts = changed.get(day);
      if (!counts) {
        counts = new Map(write.current.get(day));
        changed.set(day, counts);
        after.set(day, counts);
      }
      counts.set(partition, n);
    }
    if (changed.size > 0) {
      const key = text(write.key, "stock key");
      await this.days.bulkWrite(
        [...changed].map(([day, counts]) => ({
          updateOne: { filter: { key, day }, update: { $set: { counts: countsOf(Object.fromEntries(counts)) } }, upsert: true },
        })),
        { session: write.session, ordered: false },
      );
    }
    return after;
  }
}

/** Keys equal to the prefix or under `prefix/` (every key for ""), after `after`: a range of `_id`. */
export function stockKeyFilter(query: Pick<StockKeyQuery, "prefix" | "after">): Filter<StockKeyDoc> {
  const prefix = text(query.prefix, "prefix");
  const after = query.after === undefined ? {} : { $gt: text(query.after, "after") };
  if (prefix === "") return query.after === undefined ? {} : { _id: after };
  // Key characters sort below "~" and "0" follows "/": [p, p0) holds p, p/…, and also p-… and
  // p.…, which the $or drops.
  return { _id: { $gte: prefix, $lt: `${prefix}0`, ...after }, $or: [{ _id: prefix }, { _id: { $gte: `${prefix}/` } }] };
}

/** A day's partitions as stored: in name order, counts checked to be numbers. */
function countsOf(partitions: Readonly<Record<string, number>>): PartitionCount[] {
  return Object.entries(partitions)
    .sort(([a], [b]) => compareNames(a, b))
    .map(([p, n]) => ({ p, n: count(n, "count") }));
}

interface ImportPlan {
  /** Per key touched, in the order first seen: the days it covered (its version is set in the transaction). */
  changes: Map<string, Omit<StockChange, "version">>;
  /** One write per (key, day): the last row's partitions, or a delete when they are empty. */
  days: AnyBulkWriteOperation<StockDayDoc>[];
}

/**
 * The rows of a batch in parts of at most `limit` rows, in the order keys first appear, every row
 * of a key in the part of its key's first row (so a key's version goes up once per batch).
 */
export function partsOf(rows: readonly StockImportRow[], limit: number): StockImportRow[][] {
  const byKey = new Map<string, StockImportRow[]>();
  for (const row of rows) {
    const list = byKey.get(row.key);
    if (list) list.push(row);
    else byKey.set(row.key, [row]);
  }
  const parts: StockImportRow[][] = [];
  let part: StockImportRow[] = [];
  for (const list of byKey.values()) {
    if (part.length > 0 && part.length + list.length > limit) {
      parts.push(part);
      part = [];
    }
    part.push(...list);
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

/** The writes of one import batch, each (key, day) once, as its last row says (as sqlite's upserts in row order leave it). */
export function planImport(rows: readonly StockImportRow[]): ImportPlan {
  const changes = new Map<string, Omit<StockChange, "version">>();
  const last = new Map<string, StockImportRow>();
  for (const row of rows) {
    const key = text(row.key, "stock key");
    const day = count(row.day, "day");
    const change = changes.get(key);
    if (!change) changes.set(key, { key, from: day, to: day });
    else {
      change.from = Math.min(change.from, day);
      change.to = Math.max(change.to, day);
    }
    // A space cannot occur in a key: this names one (key, day).
    const slot = `${key} ${day}`;
    last.set(slot, { key, day, partitions: row.partitions });
  }
  const days = [...last.values()].map(({ key, day, partitions }): AnyBulkWriteOperation<StockDayDoc> => {
    const filter = { key, day };
    const counts = countsOf(partitions);
    return counts.length === 0 ? { deleteOne: { filter } } : { updateOne: { filter, update: { $set: { counts } }, upsert: true } };
  });
  return { changes, days };
}

function totalOf(counts: readonly PartitionCount[]): number {
  let total = 0;
  for (const { n } of counts) total += n;
  return total;
}

/** The total of every day of the range (0 for a day that holds nothing). */
function totalsOf(after: DayCounts, range: DayRange): number[] {
  const totals: number[] = [];
  for (let day = range.from; day <= range.to; day++) {
    let total = 0;
    for (const n of after.get(day)?.values() ?? []) total += n;
    totals.push(total);
  }
  return totals;
}

/**
 * A stock key that kept changing under other nodes' writes through every attempt is a busy
 * store to the caller, not a player conflict: the runner's PLAYER_CONFLICT becomes
 * STORE_UNAVAILABLE ("retry later").
 */
async function stockConflictIsBusy<T>(running: Promise<T>): Promise<T> {
  try {
    return await running;
  } catch (error) {
    if (error instanceof HoardError && error.code === "PLAYER_CONFLICT") {
      throw new HoardError("STORE_UNAVAILABLE", "the stock key kept changing under other writers; retry", { cause: error });
    }
    throw error;
  }
}
