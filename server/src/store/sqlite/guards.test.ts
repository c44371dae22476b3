import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CommitPlan, type Guarded, type Guards, guardKey, type PlayerCommit } from "../port";
import { FEED_GUARD } from "../trade-port";
import { SqliteStore } from "./sqlite-store";

/** Commit guards on the embedded engine: read in the transaction, compare-and-set, all or nothing. */
describe("sqlite commit guards", () => {
  let store: SqliteStore;
  beforeEach(() => {
    store = new SqliteStore({ path: ":memory:", synchronous: "OFF" });
  });
  afterEach(async () => {
    await store.close();
  });

  const feed = { kind: FEED_GUARD, id: "alice" };
  let counter = 0;
  const bump = (apply?: (guards: Guards) => Partial<CommitPlan<number>>): PlayerCommit<number> => ({
    opId: `op-${String(++counter).padStart(8, "0")}`,
    actor: { role: "server", sub: "test" },
    kind: "test",
    requestHash: "h",
    playerIds: [],
    guards: [feed],
    apply: (_players, _at, guards) => {
      const version = (guards.get(guardKey(feed))?.version ?? 0) + 1;
      const doc: Guarded = { ...feed, version, data: null };
      return { writes: [], guards: [doc], result: version, ...apply?.(guards) };
    },
  });

  it("hands each commit of one group the version the previous one wrote", async () => {
    const results = await Promise.all([bump(), bump(), bump()].map((commit) => store.commitPlayers(commit)));
    expect(results.map((committed) => committed.result)).toEqual([1, 2, 3]);
    expect(await store.trades.feedSeq("alice")).toBe(3);
  });

  it("refuses a write of an undeclared guard or of a version that skips", async () => {
    const undeclared = bump(() => ({ guards: [{ kind: FEED_GUARD, id: "bob", version: 1, data: null }] }));
    await expect(store.commitPlayers(undeclared)).rejects.toThrow(/did not declare/);
    const skipping = bump(() => ({ guards: [{ ...feed, version: 5, data: null }] }));
    await expect(store.commitPlayers(skipping)).rejects.toThrow(/must write version 1/);
    expect(await store.trades.feedSeq("alice")).toBe(0);
  });

  it("rolls a guard write back with the rest of its commit", async () => {
    const record = { kind: "trade", id: "r1", playerIds: ["alice"], at: "2025-01-01T00:00:00.000Z", data: {} };
    await store.commitPlayers(bump(() => ({ records: [record] })));
    // Same record id again: the insert fails after the guard was written, so neither stays.
    await expect(store.commitPlayers(bump(() => ({ records: [record] })))).rejects.toThrow();
    expect(await store.trades.feedSeq("alice")).toBe(1);
  });
});
