import { describe, expect, it, vi } from "vitest";
import { anActor, anOpId } from "../../../../test/support/builders";
import { cursor, driverError, fakeMongoStore, fakeOpResults, setIds } from "../../../../test/support/mongo-fakes";
import type { StockImportRow, StockOp } from "../../stock/port";
import { acquireWrite, sellWrite } from "../../stock/rules";
import type { OpResultDoc } from "./context";
import { partsOf, planImport, stockKeyFilter } from "./stock-store";
import { defaultMongoTuning, type MongoTuning } from "./tuning";

/**
 * The Mongo stock ledger's own logic on driver-shaped fakes: the rules run on the days the
 * transaction read, what is written (and what is not when a sale is refused), imports as
 * unordered bulk upserts, idempotency. Against a real replica set: test/contract (MONGODB_URL).
 */

function fakeStockStore(options: { maxAttempts?: number; tuning?: MongoTuning } = {}) {
  const collections = {
    op_results: fakeOpResults(),
    stock_keys: {
      findOneAndUpdate: vi.fn(
        async (_filter: unknown, _update: unknown, _options?: unknown): Promise<unknown> => ({ _id: "k", version: 1 }),
      ),
      findOne: vi.fn(async (_filter: unknown, _options?: unknown): Promise<unknown> => null),
      find: vi.fn((_filter: unknown, _options?: unknown) => cursor<unknown>([])),
      bulkWrite: vi.fn(async (_ops: unknown[], _options?: unknown): Promise<unknown> => ({ ok: 1 })),
    },
    stock_days: {
      find: vi.fn((_filter: unknown, _options?: unknown) => cursor<unknown>([])),
      bulkWrite: vi.fn(async (_ops: unknown[], _options?: unknown): Promise<unknown> => ({ ok: 1 })),
      deleteMany: vi.fn(async (_filter: unknown, _options?: unknown): Promise<unknown> => ({ deletedCount: 0 })),
      insertMany: vi.fn(async (docs: Array<{ _id?: unknown }>, _options?: unknown): Promise<unknown> => setIds(docs)),
    },
    stock_ops: { insertOne: vi.fn(async (_doc: unknown, _options?: unknown): Promise<unknown> => ({ acknowledged: true })) },
  };
  return { ...fakeMongoStore(collections, options), collections };
}

const KEY = "s1/c2/unit3";

function anOp(fields: { from: number; to: number }): StockOp {
  const opId = anOpId();
  return { opId, actor: anActor(), requestHash: `hash-${opId}`, key: KEY, ...fields };
}

/** A stored day: partitions in name order, as the engine writes them. */
function dayDoc(day: number, counts: Record<string, number>) {
  return { day, counts: Object.entries(counts).map(([p, n]) => ({ p, n })) };
}

function stored(op: StockOp, result: unknown, overrides: Partial<OpResultDoc> = {}): OpResultDoc {
  return { _id: "key", requestHash: op.requestHash, at: new Date(), kept: true, result, ...overrides };
}

describe("MongoStockStore on driver-shaped fakes", () => {
  it("acquires: bumps the key's version first, writes the planned days in one unordered bulk upsert, audits and stores the outcome", async () => {
    const { store, collections, session } = fakeStockStore();
    collections.stock_keys.findOneAndUpdate.mockResolvedValueOnce({ _id: KEY, version: 7 });
    collections.stock_days.find.mockReturnValueOnce(cursor([dayDoc(100, { b: 2, default: 5 })]));
    const op = { ...anOp({ from: 100, to: 101 }), partition: "a.1", amount: 3 };

    const committed = await store.stock.write(acquireWrite(op));

    expect(committed).toEqual({
      replayed: false,
      outcome: { version: 7 },
      change: { key: KEY, version: 7, from: 100, to: 101, totals: [10, 3] },
    });
    expect(collections.stock_keys.findOneAndUpdate).toHaveBeenCalledWith(
      { _id: KEY },
      { $inc: { version: 1 } },
      { upsert: true, returnDocument: "after", session },
    );
    expect(collections.stock_days.find.mock.calls[0]?.[0]).toEqual({ key: KEY, day: { $gte: 100, $lte: 101 } });
    expect(collections.stock_days.bulkWrite).toHaveBeenCalledWith(
      [
        // Dotted partition names are values in an array, never field names; kept in name order.
        {
          updateOne: {
            filter: { key: KEY, day: 100 },
            update: {
              $set: {
                counts: [
                  { p: "a.1", n: 3 },
                  { p: "b", n: 2 },
                  { p: "default", n: 5 },
                ],
              },
            },
            upsert: true,
          },
        },
        { updateOne: { filter: { key: KEY, day: 101 }, update: { $set: { counts: [{ p: "a.1", n: 3 }] } }, upsert: true } },
      ],
      { session, ordered: false },
    );
    expect(collections.stock_ops.insertOne.mock.calls[0]?.[0]).toMatchObject({
      key: KEY,
      version: 7,
      kind: "acquire",
      _id: `server:game:${op.opId}`,
    });
    expect(collections.op_results.insertOne.mock.calls[0]?.[0]).toMatchObject({
      requestHash: op.requestHash,
      kept: true,
      result: { version: 7 },
    });
    expect(session.events).toEqual(["start", "commit", "end"]);
  });

  it("refuses a sale a day cannot cover with STOCK_INSUFFICIENT: no day, no audit, no result written, and the version bump rolls back", async () => {
    const { store, collections, session } = fakeStockStore();
    collections.stock_days.find.mockReturnValueOnce(cursor([dayDoc(100, { default: 5 }), dayDoc(101, { default: 1 })]));
    const op = { ...anOp({ from: 100, to: 102 }), amount: 2, allowNegative: false };

    const error = await store.stock.write(sellWrite(op)).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: "STOCK_INSUFFICIENT", details: { amount: 2, shortDays: 2 } });
    expect(collections.stock_days.bulkWrite).not.toHaveBeenCalled();
    expect(collections.stock_ops.insertOne).not.toHaveBeenCalled();
    expect(collections.op_results.insertOne).not.toHaveBeenCalled();
    // The bump happened inside the transaction that aborted: it is not kept, and not retried.
    expect(collections.stock_keys.findOneAndUpdate).toHaveBeenCalledOnce();
    expect(session.events).toEqual(["start", "abort", "end"]);
  });

  it("sells below zero when asked, and says which days went negative", async () => {
    const { store, collections } = fakeStockStore();
    collections.stock_keys.findOneAndUpdate.mockResolvedValueOnce({ _id: KEY, version: 3 });
    collections.stock_days.find.mockReturnValueOnce(cursor([dayDoc(100, { a: 1, b: 4 })]));
    const op = { ...anOp({ from: 100, to: 101 }), amount: 3, allowNegative: true };

    const committed = await store.stock.write(sellWrite(op));

    expect(committed).toMatchObject({
      replayed: false,
      outcome: { version: 3, negativeDays: 1, negative: [{ day: 101, available: 0 }] },
      change: { totals: [2, -3] },
    });
    expect(collections.stock_days.bulkWrite.mock.calls[0]?.[0]).toEqual([
      {
        updateOne: {
          filter: { key: KEY, day: 100 },
          update: {
            $set: {
              counts: [
                { p: "a", n: 0 },
                { p: "b", n: 2 },
              ],
            },
          },
          upsert: true,
        },
      },
      { updateOne: { filter: { key: KEY, day: 101 }, update: { $set: { counts: [{ p: "default", n: -3 }] } }, upsert: true } },
    ]);
  });

  it("replays a repeated op from its stored outcome without touching the key", async () => {
    const { store, collections } = fakeStockStore();
    const op = { ...anOp({ from: 100, to: 100 }), amount: 1, allowNegative: false };
    collections.op_results.findOne.mockResolvedValueOnce(stored(op, { version: 4, negativeDays: 0, negative: [] }));

    await expect(store.stock.write(sellWrite(op))).resolves.toEqual({
      replayed: true,
      outcome: { version: 4, negativeDays: 0, negative: [] },
    });
    expect(collections.stock_keys.findOneAndUpdate).not.toHaveBeenCalled();
  });

  it("treats E11000 on the audit entry as 'another node applied this op': rolls back and answers its stored outcome", async () => {
    const { store, collections, session } = fakeStockStore();
    const op = { ...anOp({ from: 1, to: 1 }), partition: "default", amount: 2 };
    collections.stock_ops.insertOne.mockRejectedValueOnce(driverError.duplicateKey());
    collections.op_results.findOne.mockResolvedValueOnce(null).mockResolvedValueOnce(stored(op, { version: 12 }));

    await expect(store.stock.write(acquireWrite(op))).resolves.toEqual({ replayed: true, outcome: { version: 12 } });
    expect(collections.op_results.insertOne).not.toHaveBeenCalled();
    expect(session.events).toEqual(["start", "abort", "end"]);
  });

  it("sets partitions by clearing the range and inserting each day; empty partitions only clear", async () => {
    const { store, collections, session } = fakeStockStore();
    const set = { ...anOp({ from: 10, to: 11 }), partitions: { z: 1, a: 0 } };

    const committed = await store.stock.setPartitions(set);
    await store.stock.setPartitions({ ...anOp({ from: 10, to: 11 }), partitions: {} });

    expect(committed).toMatchObject({ change: { from: 10, to: 11, totals: [1, 1] } });
    expect(collections.stock_days.deleteMany.mock.calls.map((call) => call[0])).toEqual([
      { key: KEY, day: { $gte: 10, $lte: 11 } },
      { key: KEY, day: { $gte: 10, $lte: 11 } },
    ]);
    expect(collections.stock_days.insertMany).toHaveBeenCalledOnce();
    const [docs, options] = collections.stock_days.insertMany.mock.calls[0] ?? [];
    expect(options).toEqual({ session });
    expect(docs).toMatchObject([
      {
        key: KEY,
        day: 10,
        counts: [
          { p: "a", n: 0 },
          { p: "z", n: 1 },
        ],
      },
      {
        key: KEY,
        day: 11,
        counts: [
          { p: "a", n: 0 },
          { p: "z", n: 1 },
        ],
      },
    ]);
  });

  it("answers a key that kept changing under other nodes as STORE_UNAVAILABLE, not as a player conflict", async () => {
    const { store, collections } = fakeStockStore({ maxAttempts: 2 });
    collections.stock_keys.findOneAndUpdate.mockRejectedValue(driverError.writeConflict());

    const error = await store.stock
      .write(acquireWrite({ ...anOp({ from: 1, to: 1 }), partition: "default", amount: 1 }))
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: "STORE_UNAVAILABLE", cause: { code: "PLAYER_CONFLICT" } });
    expect(collections.stock_keys.findOneAndUpdate).toHaveBeenCalledTimes(2);
  });

  it("reads a key's version and days in one read-only transaction, partitions by name", async () => {
    const { store, collections, session } = fakeStockStore();
    collections.stock_keys.findOne.mockResolvedValueOnce({ _id: KEY, version: 9 });
    collections.stock_days.find.mockReturnValueOnce(cursor([dayDoc(5, { b: 1, a: 2 })]));

    await expect(store.stock.read(KEY, { from: 5, to: 6 })).resolves.toEqual({
      version: 9,
      days: [{ day: 5, partitions: { a: 2, b: 1 } }],
    });
    expect(collections.stock_keys.findOne).toHaveBeenCalledWith({ _id: KEY }, { session });
    expect(session.events).toEqual(["start", "commit", "end"]);
  });

  it("lists keys with a total for every day of the range, from one query for the days", async () => {
    const { store, collections } = fakeStockStore();
    collections.stock_keys.find.mockReturnValueOnce(
      cursor([
        { _id: "s1", version: 2 },
        { _id: "s1/a", version: 1 },
      ]),
    );
    collections.stock_days.find.mockReturnValueOnce(
      cursor([
        {
          key: "s1/a",
          day: 12,
          counts: [
            { p: "x", n: 4 },
            { p: "y", n: -1 },
          ],
        },
      ]),
    );

    await expect(store.stock.listKeys({ prefix: "s1", from: 10, to: 12, limit: 2 })).resolves.toEqual([
      { key: "s1", version: 2, totals: [0, 0, 0] },
      { key: "s1/a", version: 1, totals: [0, 0, 3] },
    ]);
    expect(collections.stock_days.find.mock.calls[0]?.[0]).toEqual({ key: { $in: ["s1", "s1/a"] }, day: { $gte: 10, $lte: 12 } });
  });
});

describe("stock imports on driver-shaped fakes", () => {
  const rows: StockImportRow[] = [
    { key: "a/1", day: 20, partitions: { p: 1 } },
    { key: "b", day: 3, partitions: { q: 2 } },
    { key: "a/1", day: 18, partitions: {} },
    { key: "a/1", day: 20, partitions: { r: 5, p: 0 } },
  ];

  it("plans each (key, day) once as its last row says: an upsert, or a delete for no partitions", () => {
    const plan = planImport(rows);

    expect(plan.days).toEqual([
      {
        updateOne: {
          filter: { key: "a/1", day: 20 },
          update: {
            $set: {
              counts: [
                { p: "p", n: 0 },
                { p: "r", n: 5 },
              ],
            },
          },
          upsert: true,
        },
      },
      { updateOne: { filter: { key: "b", day: 3 }, update: { $set: { counts: [{ p: "q", n: 2 }] } }, upsert: true } },
      { deleteOne: { filter: { key: "a/1", day: 18 } } },
    ]);
    expect([...plan.changes.values()]).toEqual([
      { key: "a/1", from: 18, to: 20 },
      { key: "b", from: 3, to: 3 },
    ]);
  });

  it("writes a batch as unordered bulk writes in one transaction; each key's version goes up once, from the one read", async () => {
    const { store, collections, session } = fakeStockStore();
    collections.stock_keys.find.mockReturnValueOnce(cursor([{ _id: "b", version: 6 }]));
    const op = { opId: "import-1:0", requestHash: "batch-hash" };

    const imported = await store.stock.importBatch({ actor: anActor(), op, rows });

    expect(imported).toEqual({
      replayed: false,
      changes: [
        { key: "a/1", version: 1, from: 18, to: 20 },
        { key: "b", version: 7, from: 3, to: 3 },
      ],
    });
    expect(collections.stock_keys.find.mock.calls[0]?.[0]).toEqual({ _id: { $in: ["a/1", "b"] } });
    expect(collections.stock_keys.bulkWrite).toHaveBeenCalledWith(
      [
        { updateOne: { filter: { _id: "a/1" }, update: { $inc: { version: 1 } }, upsert: true } },
        { updateOne: { filter: { _id: "b" }, update: { $inc: { version: 1 } }, upsert: true } },
      ],
      { session, ordered: false },
    );
    // Each (key, day) once, in any order (the write is unordered).
    const days = planImport(rows).days;
    expect(collections.stock_days.bulkWrite).toHaveBeenCalledWith(expect.arrayContaining(days), { session, ordered: false });
    expect(collections.stock_days.bulkWrite.mock.calls[0]?.[0]).toHaveLength(days.length);
    expect(collections.op_results.insertOne.mock.calls[0]?.[0]).toMatchObject({
      requestHash: "batch-hash",
      kept: true,
      result: { rows: 4 },
    });
    expect(session.events).toEqual(["start", "commit", "end"]);
  });

  it("skips a batch already applied under its op id", async () => {
    const { store, collections } = fakeStockStore();
    collections.op_results.findOne.mockResolvedValueOnce({
      _id: "k",
      requestHash: "batch-hash",
      at: new Date(),
      kept: true,
      result: { rows: 4 },
    });

    await expect(
      store.stock.importBatch({ actor: anActor(), op: { opId: "import-1:0", requestHash: "batch-hash" }, rows }),
    ).resolves.toEqual({
      replayed: true,
      changes: [],
    });
    expect(collections.stock_days.bulkWrite).not.toHaveBeenCalled();
  });

  it("runs a batch again once its result was pruned, storing the new result over the tombstone", async () => {
    const { store, collections, session } = fakeStockStore();
    collections.op_results.findOne.mockResolvedValueOnce({ _id: "server:game:import-1:0", requestHash: "old", at: new Date() });

    const imported = await store.stock.importBatch({ actor: anActor(), op: { opId: "import-1:0", requestHash: "batch-hash" }, rows });

    expect(imported.replayed).toBe(false);
    expect(collections.stock_days.bulkWrite).toHaveBeenCalledOnce();
    expect(collections.op_results.insertOne).not.toHaveBeenCalled();
    expect(collections.op_results.replaceOne).toHaveBeenCalledWith(
      { _id: "server:game:import-1:0", kept: { $exists: false } },
      expect.objectContaining({ requestHash: "batch-hash", kept: true, result: { rows: 4 } }),
      { session },
    );
  });

  it("without an import id writes the batch in a transaction and stores no result", async () => {
    const { store, collections } = fakeStockStore();

    await expect(store.stock.importBatch({ actor: anActor(), rows })).resolves.toMatchObject({ replayed: false });
    expect(collections.op_results.findOne).not.toHaveBeenCalled();
    expect(collections.op_results.insertOne).not.toHaveBeenCalled();
    expect(collections.stock_days.bulkWrite).toHaveBeenCalledOnce();
  });
});

describe("stock imports in parts that suit MongoDB transactions", () => {
  const row = (key: string, day: number): StockImportRow => ({ key, day, partitions: { p: day } });

  it("splits a batch into parts of at most the limit, keeping every row of a key in one part", () => {
    const rows = [row("a", 1), row("b", 1), row("a", 2), row("c", 1), row("d", 1), row("d", 2), row("d", 3)];

    expect(partsOf(rows, 3).map((part) => part.map((r) => `${r.key}${r.day}`))).toEqual([["a1", "a2", "b1"], ["c1"], ["d1", "d2", "d3"]]);
    expect(partsOf(rows, 2).at(-1)).toHaveLength(3);
    expect(partsOf([], 3)).toEqual([]);
  });

  it("runs a batch past the limit as one transaction per part, each idempotent under the batch's op key numbered", async () => {
    const { store, collections, session } = fakeStockStore({ tuning: { ...defaultMongoTuning, importBatchRows: 2 } });
    const rows = [row("a", 1), row("a", 2), row("b", 1), row("c", 1)];

    const imported = await store.stock.importBatch({ actor: anActor(), op: { opId: "imp-1:0", requestHash: "h" }, rows });

    expect(imported).toEqual({
      replayed: false,
      changes: [
        { key: "a", version: 1, from: 1, to: 2 },
        { key: "b", version: 1, from: 1, to: 1 },
        { key: "c", version: 1, from: 1, to: 1 },
      ],
    });
    expect(session.starts).toBe(2);
    expect(collections.op_results.insertOne.mock.calls.map((call) => call[0])).toMatchObject([
      { _id: "server:game:imp-1:0#1/2", requestHash: "h#1/2", result: { rows: 2 } },
      { _id: "server:game:imp-1:0#2/2", requestHash: "h#2/2", result: { rows: 2 } },
    ]);
  });

  it("answers an import whose keys keep changing past the retry budget as STORE_UNAVAILABLE, with or without an op id", async () => {
    for (const op of [undefined, { opId: "imp-2:0", requestHash: "h" }]) {
      const { store, collections } = fakeStockStore({ maxAttempts: 2 });
      collections.stock_keys.bulkWrite.mockRejectedValue(driverError.writeConflict());

      const error = await store.stock.importBatch({ actor: anActor(), op, rows: [row("a", 1)] }).catch((caught: unknown) => caught);

      expect(error).toMatchObject({ code: "STORE_UNAVAILABLE" });
    }
  });
});

describe("stockKeyFilter", () => {
  it("selects every key for the empty prefix, after the cursor when there is one", () => {
    expect(stockKeyFilter({ prefix: "" })).toEqual({});
    expect(stockKeyFilter({ prefix: "", after: "m" })).toEqual({ _id: { $gt: "m" } });
  });

  it("selects the prefix and the keys under prefix/ as a range of _id, dropping prefix-… and prefix.…", () => {
    expect(stockKeyFilter({ prefix: "s1", after: "s1/a" })).toEqual({
      _id: { $gte: "s1", $lt: "s10", $gt: "s1/a" },
      $or: [{ _id: "s1" }, { _id: { $gte: "s1/" } }],
    });
  });

  it("refuses an object where a prefix belongs", () => {
    expect(() => stockKeyFilter({ prefix: { $ne: null } as unknown as string })).toThrow(TypeError);
  });
});
