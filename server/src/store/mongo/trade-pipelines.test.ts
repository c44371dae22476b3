import { ReadPreference } from "mongodb";
import { describe, expect, it, vi } from "vitest";
import { cursor, fakeMongoStore } from "../../../../test/support/mongo-fakes";
import { offerListFilter } from "./trade-pipelines";
import { defaultMongoTuning } from "./tuning";

/**
 * The trade queries on MongoDB. What the filters and pipelines answer can only be shown by a
 * server: the kit runs the domain contract suite against a replica set (`npm run verify:mongo`,
 * test/contract/mongo.test.ts). Tests that pinned each pipeline's literal stages were removed: they
 * passed whatever the stages computed. What is left is what holds without a server: scalars only
 * reach a filter, rows are folded into the answer, and the options every question is sent with.
 */

const NOW = "2030-01-01T12:00:00.000Z";
const period = { since: "2030-01-01T00:00:00.000Z", until: "2030-01-02T00:00:00.000Z" };

describe("offerListFilter", () => {
  it("refuses objects and unknown statuses where scalars belong", () => {
    expect(() => offerListFilter({ playerId: { $ne: null } as unknown as string, now: NOW, limit: 1 })).toThrow(TypeError);
    expect(() => offerListFilter({ playerId: "a", status: { $ne: "x" } as unknown as "pending", now: NOW, limit: 1 })).toThrow(TypeError);
    expect(() => offerListFilter({ playerId: "a", before: { at: NOW, id: { $gt: "" } as unknown as string }, now: NOW, limit: 1 })).toThrow(
      TypeError,
    );
  });
});

describe("MongoTradeStore economy answers on driver-shaped fakes", () => {
  function fakeEconomy(tuning = defaultMongoTuning) {
    const records = { aggregate: vi.fn((_pipeline: unknown[], _options?: unknown) => cursor<unknown>([])) };
    const players = { aggregate: vi.fn((_pipeline: unknown[], _options?: unknown) => cursor<unknown>([])) };
    return { ...fakeMongoStore({ records, players }, { tuning }), records, players };
  }

  it("folds the count rows into outcomes, the reversed ones and a suspicious total", async () => {
    const { store, records } = fakeEconomy();
    records.aggregate.mockReturnValueOnce(
      cursor([
        { _id: "executed", n: 5, suspicious: 2 },
        { _id: "reversed", n: 2, suspicious: 1 },
        { _id: "refused", n: 1, suspicious: 0 },
      ]),
    );

    await expect(store.trades.countTrades(period)).resolves.toEqual({
      byOutcome: { executed: 5, refused: 1 },
      reversed: 2,
      suspicious: 3,
    });
  });

  it("refuses a bad query as a rejection, before anything reaches the driver", async () => {
    const { store, records } = fakeEconomy();

    await expect(store.trades.topTradedItems({ by: "$where" as "trades", limit: 3 })).rejects.toThrow(TypeError);
    expect(records.aggregate).not.toHaveBeenCalled();
  });

  it("sends every question off the primary when allowed (at most 90 s stale), bounded by maxTimeMS", async () => {
    const { store, records, players } = fakeEconomy({ ...defaultMongoTuning, analyticsTimeoutMs: 1234 });

    await store.trades.countTrades(period);
    await store.trades.topTradedItems({ by: "trades", limit: 3 });
    await store.trades.imbalancedTrades({ minImbalance: 0.9, limit: 3 });
    await store.trades.mostDiverseInventories({ limit: 3 });
    await store.trades.richestPlayers({ limit: 3 });

    const options = [...records.aggregate.mock.calls, ...players.aggregate.mock.calls].map((call) => call[1] as Record<string, unknown>);
    expect(options).toHaveLength(5);
    for (const sent of options) {
      expect(sent.maxTimeMS).toBe(1234);
      expect(sent.readPreference).toMatchObject({ mode: "secondaryPreferred", maxStalenessSeconds: 90 });
    }
    // The top-items grouping holds a row per (trade, item) of the period: it may spill to disk.
    expect(records.aggregate.mock.calls[1]?.[1]).toMatchObject({ allowDiskUse: true });
  });

  it("reads them on the primary when the operator says so", async () => {
    const { store, players } = fakeEconomy({ ...defaultMongoTuning, analyticsRead: "primary" });

    await store.trades.richestPlayers({ limit: 3 });

    expect(players.aggregate.mock.calls[0]?.[1]).toMatchObject({ readPreference: ReadPreference.primary });
  });
});
