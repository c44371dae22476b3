import { describe, expect, it, vi } from "vitest";
import { cursor, fakeMongoStore } from "../../../../test/support/mongo-fakes";
import {
  countTradesPipeline,
  imbalancedTradesPipeline,
  mostDiverseInventoriesPipeline,
  offerListFilter,
  richestPlayersPipeline,
  topTradedItemsPipeline,
} from "./trade-pipelines";

/**
 * The trade queries as the Mongo engine builds them. No server runs here, so these pin the exact
 * filter or pipeline for a given question; what they answer on a real server is the contract
 * suite's job (test/contract, MONGODB_URL).
 */

const NOW = "2030-01-01T12:00:00.000Z";
const period = { since: "2030-01-01T00:00:00.000Z", until: "2030-01-02T00:00:00.000Z" };
const executed = { kind: "trade", at: { $gte: period.since, $lt: period.until }, "data.outcome": "executed" };

describe("offerListFilter", () => {
  it("selects both sides of a player without a status or cursor", () => {
    expect(offerListFilter({ playerId: "alice", now: NOW, limit: 10 })).toEqual({
      $or: [{ "offer.from": "alice" }, { "offer.to": "alice" }],
    });
  });

  it("judges pending and expired by `now`: a pending offer past its expiry is expired", () => {
    expect(offerListFilter({ playerId: "alice", as: "to", status: "pending", now: NOW, limit: 10 })).toEqual({
      $and: [{ "offer.to": "alice" }, { "offer.status": "pending", "offer.expiresAt": { $gt: NOW } }],
    });
    expect(offerListFilter({ playerId: "alice", as: "from", status: "expired", now: NOW, limit: 10 })).toEqual({
      $and: [
        { "offer.from": "alice" },
        { $or: [{ "offer.status": "expired" }, { "offer.status": "pending", "offer.expiresAt": { $lte: NOW } }] },
      ],
    });
    expect(offerListFilter({ playerId: "alice", as: "from", status: "declined", now: NOW, limit: 10 })).toEqual({
      $and: [{ "offer.from": "alice" }, { "offer.status": "declined" }],
    });
  });

  it("pages newest first by (createdAt, id) before the cursor", () => {
    const before = { at: "2030-01-01T10:00:00.000Z", id: "f".repeat(32) };
    expect(offerListFilter({ playerId: "bob", as: "from", before, now: NOW, limit: 10 })).toEqual({
      $and: [
        { "offer.from": "bob" },
        { $or: [{ "offer.createdAt": { $lt: before.at } }, { "offer.createdAt": before.at, _id: { $lt: before.id } }] },
      ],
    });
  });

  it("refuses objects and unknown statuses where scalars belong", () => {
    expect(() => offerListFilter({ playerId: { $ne: null } as unknown as string, now: NOW, limit: 1 })).toThrow(TypeError);
    expect(() => offerListFilter({ playerId: "a", status: { $ne: "x" } as unknown as "pending", now: NOW, limit: 1 })).toThrow(TypeError);
    expect(() => offerListFilter({ playerId: "a", before: { at: NOW, id: { $gt: "" } as unknown as string }, now: NOW, limit: 1 })).toThrow(
      TypeError,
    );
  });
});

describe("economy pipelines", () => {
  it("counts a period's trade records by outcome, with the suspicious ones", () => {
    expect(countTradesPipeline(period)).toEqual([
      { $match: { kind: "trade", at: { $gte: period.since, $lt: period.until } } },
      { $group: { _id: "$data.outcome", n: { $sum: 1 }, suspicious: { $sum: { $cond: ["$data.suspicious", 1, 0] } } } },
    ]);
    // An open period matches every trade record.
    expect(countTradesPipeline({})[0]).toEqual({ $match: { kind: "trade" } });
  });

  it("ranks traded items by trades or by units, counting an item once per trade, top-k by the limit", () => {
    const byTrades = topTradedItemsPipeline({ ...period, by: "trades", limit: 5 });
    expect(byTrades).toEqual([
      { $match: executed },
      { $project: { _id: 0, id: 1, line: { $concatArrays: ["$data.give.items", "$data.want.items"] } } },
      { $unwind: "$line" },
      { $group: { _id: { id: "$id", itemId: "$line.itemId" }, quantity: { $sum: { $toDouble: "$line.quantity" } } } },
      { $group: { _id: "$_id.itemId", trades: { $sum: 1 }, quantity: { $sum: "$quantity" } } },
      { $sort: { trades: -1, quantity: -1, _id: 1 } },
      { $limit: 5 },
      { $project: { _id: 0, itemId: "$_id", trades: 1, quantity: 1 } },
    ]);
    const byQuantity = topTradedItemsPipeline({ by: "quantity", limit: 3 });
    expect(byQuantity[0]).toEqual({ $match: { kind: "trade", "data.outcome": "executed" } });
    // Key order is the sort order.
    expect(Object.entries(byQuantity[5]?.$sort ?? {})).toEqual([
      ["quantity", -1],
      ["trades", -1],
      ["_id", 1],
    ]);
    expect(() => topTradedItemsPipeline({ by: "$where" as "trades", limit: 3 })).toThrow(TypeError);
  });

  it("finds executed trades at or above an imbalance, most imbalanced then widest gap then latest", () => {
    expect(imbalancedTradesPipeline({ ...period, minImbalance: 0.5, limit: 20 })).toEqual([
      { $match: { ...executed, "data.imbalance": { $gte: 0.5 } } },
      { $addFields: { gap: { $abs: { $subtract: ["$data.value.give", "$data.value.want"] } } } },
      { $sort: { "data.imbalance": -1, gap: -1, at: -1, id: -1 } },
      { $limit: 20 },
      { $project: { _id: 0, data: 1 } },
    ]);
    expect(() => imbalancedTradesPipeline({ minImbalance: { $gt: 0 } as unknown as number, limit: 1 })).toThrow(TypeError);
  });

  it("ranks players by distinct items over every inventory, leaving out players holding nothing", () => {
    const pipeline = mostDiverseInventoriesPipeline({ limit: 10 });
    expect(pipeline[0]).toEqual({
      $project: {
        _id: 1,
        stacks: {
          $reduce: {
            input: { $objectToArray: { $ifNull: ["$inventories", {}] } },
            initialValue: [],
            in: { $concatArrays: ["$$value", { $objectToArray: { $ifNull: ["$$this.v.stacks", {}] } }] },
          },
        },
      },
    });
    expect(pipeline.slice(1)).toEqual([
      {
        $project: {
          _id: 0,
          playerId: "$_id",
          distinctItems: { $size: { $setUnion: ["$stacks.k", []] } },
          units: { $sum: { $map: { input: "$stacks.v", in: { $toDouble: "$$this" } } } },
        },
      },
      { $match: { distinctItems: { $gt: 0 } } },
      { $sort: { distinctItems: -1, units: -1, playerId: 1 } },
      { $limit: 10 },
    ]);
  });

  it("values players by wallet plus items × their definition's value, looking up only the definitions held", () => {
    const pipeline = richestPlayersPipeline({ limit: 7 });
    expect(pipeline[0]?.$project.currency).toEqual({
      $sum: { $map: { input: { $objectToArray: { $ifNull: ["$wallet", {}] } }, in: { $toDouble: "$$this.v" } } },
    });
    expect(pipeline[1]).toEqual({
      $lookup: {
        from: "items",
        localField: "stacks.k",
        foreignField: "_id",
        pipeline: [{ $project: { value: "$definition.value" } }],
        as: "values",
      },
    });
    expect(pipeline[2]?.$project.itemValue).toEqual({
      $sum: {
        $map: {
          input: "$stacks",
          as: "stack",
          in: {
            $let: {
              vars: { item: { $arrayElemAt: [{ $filter: { input: "$values", cond: { $eq: ["$$this._id", "$$stack.k"] } } }, 0] } },
              // Doubles: a player's holdings may be worth more than 2^63.
              in: { $multiply: [{ $toDouble: "$$stack.v" }, { $toDouble: { $ifNull: ["$$item.value", 0] } }] },
            },
          },
        },
      },
    });
    expect(pipeline.slice(3)).toEqual([
      { $addFields: { wealth: { $add: ["$currency", "$itemValue"] } } },
      { $sort: { wealth: -1, playerId: 1 } },
      { $limit: 7 },
      { $project: { wealth: 0 } },
    ]);
  });
});

describe("MongoTradeStore economy answers on driver-shaped fakes", () => {
  function fakeRecords() {
    const records = { aggregate: vi.fn((_pipeline: unknown[], _options?: unknown) => cursor<unknown>([])) };
    return { ...fakeMongoStore({ records }), records };
  }

  it("runs the count pipeline and folds its rows into outcomes and a suspicious total", async () => {
    const { store, records } = fakeRecords();
    records.aggregate.mockReturnValueOnce(
      cursor([
        { _id: "executed", n: 5, suspicious: 2 },
        { _id: "refused", n: 1, suspicious: 0 },
      ]),
    );

    await expect(store.trades.countTrades(period)).resolves.toEqual({ byOutcome: { executed: 5, refused: 1 }, suspicious: 2 });
    expect(records.aggregate).toHaveBeenCalledWith(countTradesPipeline(period));
  });

  it("refuses a bad query as a rejection, before anything reaches the driver", async () => {
    const { store, records } = fakeRecords();

    await expect(store.trades.topTradedItems({ by: "$where" as "trades", limit: 3 })).rejects.toThrow(TypeError);
    expect(records.aggregate).not.toHaveBeenCalled();
  });

  it("lets the top-items grouping spill to disk, and hands out imbalanced trades' records", async () => {
    const { store, records } = fakeRecords();
    const trade = { id: "t1", imbalance: 1 };
    records.aggregate.mockReturnValueOnce(cursor([])).mockReturnValueOnce(cursor([{ data: trade }]));

    await store.trades.topTradedItems({ by: "trades", limit: 3 });
    await expect(store.trades.imbalancedTrades({ minImbalance: 0.9, limit: 3 })).resolves.toEqual([trade]);

    expect(records.aggregate.mock.calls[0]?.[1]).toEqual({ allowDiskUse: true });
    expect(records.aggregate.mock.calls[1]?.[0]).toEqual(imbalancedTradesPipeline({ minImbalance: 0.9, limit: 3 }));
  });
});
