import { describe, expect, it, vi } from "vitest";
import { cursor, fakeMongoStore } from "../../../../test/support/mongo-fakes";
import type { PresenceSampleRow } from "../../presence/port";

/** The Mongo presence history's own logic on driver-shaped fakes; against a real server: test/contract (MONGODB_URL). */

const sample = (at: string, total: number): PresenceSampleRow => ({
  areaCode: "eu-1",
  at,
  total,
  modes: [{ mode: "duel", players: total }],
});

function fakeHistory() {
  const presence_samples = {
    bulkWrite: vi.fn(async (_ops: unknown[], _options?: unknown): Promise<unknown> => ({ ok: 1 })),
    find: vi.fn((_filter: unknown, _options?: unknown) => cursor<unknown>([])),
    deleteMany: vi.fn(async (_filter: unknown): Promise<unknown> => ({ deletedCount: 0 })),
  };
  return { ...fakeMongoStore({ presence_samples }), presence_samples };
}

describe("MongoPresenceHistory on driver-shaped fakes", () => {
  it("records samples as one unordered bulk of replace-or-insert by (area, time), and nothing for none", async () => {
    const { store, presence_samples } = fakeHistory();
    const first = sample("2030-01-01T00:00:00.000Z", 3);

    await store.presenceHistory.recordSamples([first]);
    await store.presenceHistory.recordSamples([]);

    expect(presence_samples.bulkWrite).toHaveBeenCalledOnce();
    expect(presence_samples.bulkWrite).toHaveBeenCalledWith(
      [{ replaceOne: { filter: { areaCode: "eu-1", at: first.at }, replacement: first, upsert: true } }],
      { ordered: false },
    );
  });

  it("reads the latest `limit` samples of the window and hands them out oldest first", async () => {
    const { store, presence_samples } = fakeHistory();
    const [older, newer] = [sample("2030-01-01T00:00:00.000Z", 1), sample("2030-01-01T00:01:00.000Z", 2)];
    presence_samples.find.mockReturnValueOnce(cursor([newer, older]));

    await expect(store.presenceHistory.readSamples({ areaCode: "eu-1", since: older.at, limit: 2 })).resolves.toEqual([older, newer]);
    expect(presence_samples.find).toHaveBeenCalledWith(
      { areaCode: "eu-1", at: { $gte: older.at } },
      { sort: { at: -1 }, limit: 2, projection: { _id: 0 } },
    );
  });
});
