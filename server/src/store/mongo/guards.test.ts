import { HoardError, type TradeOffer } from "@hoard/protocol";
import { describe, expect, it, vi } from "vitest";
import { anOpId } from "../../../../test/support/builders";
import { cursor, driverError, fakeMongoStore, fakeOpResults } from "../../../../test/support/mongo-fakes";
import { type CommitPlan, type Guarded, type Guards, guardKey, type PlayerCommit } from "../../commit/plan";
import { FEED_GUARD, OFFER_GUARD } from "../../trade/port";

/**
 * Commit guards on the Mongo engine, on driver-shaped fakes: read in the commit's transaction,
 * written compare-and-set on their version in it, a miss reruns the transaction. The same
 * behaviour against a real replica set is test/contract (MONGODB_URL).
 */

const feed = { kind: FEED_GUARD, id: "alice" };
const offerRef = { kind: OFFER_GUARD, id: "0".repeat(32) };

function anOffer(): TradeOffer {
  return {
    id: offerRef.id,
    from: "alice",
    to: "bob",
    give: { items: [], currencies: { gold: 1 } },
    want: { items: [], currencies: {} },
    status: "pending",
    proposedBy: { role: "player", sub: "alice" },
    createdAt: "2030-01-01T00:00:00.000Z",
    expiresAt: "2030-01-01T01:00:00.000Z",
  };
}

function fakeTradeStore(options: { maxAttempts?: number } = {}) {
  const collections = {
    players: { find: vi.fn(() => cursor<unknown>([])) },
    op_results: fakeOpResults(),
    trade_offers: {
      find: vi.fn((_filter: unknown, _options?: unknown) => cursor<unknown>([])),
      insertOne: vi.fn(async (_doc: unknown, _options?: unknown): Promise<unknown> => ({ acknowledged: true })),
      replaceOne: vi.fn(async (_filter: unknown, _doc: unknown, _options?: unknown): Promise<unknown> => ({ matchedCount: 1 })),
    },
    trade_feeds: {
      find: vi.fn((_filter: unknown, _options?: unknown) => cursor<unknown>([])),
      insertOne: vi.fn(async (_doc: unknown, _options?: unknown): Promise<unknown> => ({ acknowledged: true })),
      updateOne: vi.fn(async (_filter: unknown, _update: unknown, _options?: unknown): Promise<unknown> => ({ matchedCount: 1 })),
    },
  };
  return { ...fakeMongoStore(collections, options), collections };
}

/** Bumps the feed by one (and does whatever `more` adds); `seen` collects the guards each run of apply saw. */
function bumpFeed(more: (guards: Guards) => Partial<CommitPlan<number>> = () => ({})) {
  const seen: Guards[] = [];
  const commit: PlayerCommit<number> = {
    opId: anOpId(),
    actor: { role: "server", sub: "test" },
    kind: "test",
    requestHash: "h",
    playerIds: [],
    guards: [feed, offerRef],
    apply: (_players, _at, guards) => {
      seen.push(guards);
      const version = (guards.get(guardKey(feed))?.version ?? 0) + 1;
      const doc: Guarded = { ...feed, version, data: null };
      return { writes: [], guards: [doc], result: version, ...more(guards) };
    },
  };
  return { commit, seen };
}

const feedDoc = (seq: number) => ({ _id: "alice", seq });

describe("commit guards on driver-shaped fakes", () => {
  it("reads the declared guards in the transaction and writes them compare-and-set, before the op result", async () => {
    const { store, collections, session } = fakeTradeStore();
    collections.trade_feeds.find.mockReturnValueOnce(cursor([feedDoc(4)]));
    const offer = anOffer();
    const { commit, seen } = bumpFeed(() => ({
      guards: [
        { ...offerRef, version: 1, data: offer },
        { ...feed, version: 5, data: null },
      ],
    }));

    await expect(store.commitPlayers(commit)).resolves.toMatchObject({ replayed: false, result: 5 });

    expect([...(seen[0]?.entries() ?? [])]).toEqual([[guardKey(feed), { ...feed, version: 4, data: null }]]);
    expect(collections.trade_feeds.find.mock.calls[0]?.[0]).toEqual({ _id: { $in: ["alice"] } });
    expect(collections.trade_offers.find.mock.calls[0]?.[0]).toEqual({ _id: { $in: [offerRef.id] } });
    expect(collections.trade_feeds.updateOne).toHaveBeenCalledWith({ _id: "alice", seq: 4 }, { $set: { seq: 5 } }, { session });
    expect(collections.trade_offers.insertOne).toHaveBeenCalledWith({ _id: offer.id, version: 1, offer }, { session });
    const [feedWrite] = collections.trade_feeds.updateOne.mock.invocationCallOrder;
    const [resultWrite] = collections.op_results.insertOne.mock.invocationCallOrder;
    expect(feedWrite).toBeLessThan(resultWrite as number);
    expect(session.events).toEqual(["start", "commit", "end"]);
  });

  it("updates an existing offer by replacing it on the version read", async () => {
    const { store, collections, session } = fakeTradeStore();
    const offer = anOffer();
    collections.trade_offers.find.mockReturnValueOnce(cursor([{ _id: offer.id, version: 1, offer }]));
    const settled = { ...offer, status: "declined" as const };
    const { commit, seen } = bumpFeed(() => ({ guards: [{ ...offerRef, version: 2, data: settled }] }));

    await store.commitPlayers(commit);

    expect(seen[0]?.get(guardKey(offerRef))).toEqual({ ...offerRef, version: 1, data: offer });
    expect(collections.trade_offers.replaceOne).toHaveBeenCalledWith(
      { _id: offer.id, version: 1 },
      { version: 2, offer: settled },
      { session },
    );
  });

  it("reruns the whole transaction when a guard's compare-and-set misses; apply sees the version another node wrote", async () => {
    const { store, collections, session } = fakeTradeStore();
    collections.trade_feeds.find.mockReturnValueOnce(cursor([feedDoc(4)])).mockReturnValueOnce(cursor([feedDoc(5)]));
    collections.trade_feeds.updateOne.mockResolvedValueOnce({ matchedCount: 0 });
    const { commit, seen } = bumpFeed();

    await expect(store.commitPlayers(commit)).resolves.toMatchObject({ replayed: false, result: 6 });

    expect(seen.map((guards) => guards.get(guardKey(feed))?.version)).toEqual([4, 5]);
    expect(collections.trade_feeds.updateOne.mock.calls.map((call) => call[0])).toEqual([
      { _id: "alice", seq: 4 },
      { _id: "alice", seq: 5 },
    ]);
    expect(collections.op_results.insertOne).toHaveBeenCalledOnce();
    expect(session.events).toEqual(["start", "abort", "start", "commit", "end"]);
  });

  it("treats E11000 on a guard to create as a conflict: the rerun sees the document and apply decides again", async () => {
    const { store, collections } = fakeTradeStore();
    const offer = anOffer();
    collections.trade_offers.insertOne.mockRejectedValueOnce(driverError.duplicateKey());
    collections.trade_offers.find.mockReturnValueOnce(cursor([])).mockReturnValueOnce(cursor([{ _id: offer.id, version: 1, offer }]));
    const { commit } = bumpFeed((guards) => {
      // As proposePlan does: an offer that exists already means this op ran before.
      if (guards.has(guardKey(offerRef))) throw new HoardError("OP_ID_EXPIRED");
      return {
        guards: [
          { ...feed, version: 1, data: null },
          { ...offerRef, version: 1, data: offer },
        ],
      };
    });

    await expect(store.commitPlayers(commit)).rejects.toMatchObject({ code: "OP_ID_EXPIRED" });
    expect(collections.op_results.insertOne).not.toHaveBeenCalled();
  });

  it("gives up with PLAYER_CONFLICT naming the guard when it keeps changing", async () => {
    const { store, collections, session } = fakeTradeStore({ maxAttempts: 3 });
    collections.trade_feeds.find.mockImplementation(() => cursor([feedDoc(4)]));
    collections.trade_feeds.updateOne.mockResolvedValue({ matchedCount: 0 });
    const { commit, seen } = bumpFeed();

    await expect(store.commitPlayers(commit)).rejects.toMatchObject({ code: "PLAYER_CONFLICT", details: { guard: guardKey(feed) } });
    expect(seen).toHaveLength(3);
    expect(session.events).not.toContain("commit");
  });

  it("refuses an undeclared guard or a version that skips as a bug: no write, no rerun", async () => {
    const { store, collections } = fakeTradeStore();
    const undeclared = bumpFeed(() => ({ guards: [{ kind: FEED_GUARD, id: "bob", version: 1, data: null }] }));
    const skipping = bumpFeed(() => ({ guards: [{ ...feed, version: 5, data: null }] }));

    await expect(store.commitPlayers(undeclared.commit)).rejects.toThrow(/did not declare/);
    await expect(store.commitPlayers(skipping.commit)).rejects.toThrow(/must write version 1, not 5/);

    expect([undeclared.seen.length, skipping.seen.length]).toEqual([1, 1]);
    expect(collections.trade_feeds.insertOne).not.toHaveBeenCalled();
    expect(collections.op_results.insertOne).not.toHaveBeenCalled();
  });

  it("runs two commits of one guard from this node one after another (the guard key is locked like a player)", async () => {
    const { store, collections } = fakeTradeStore();
    collections.trade_feeds.find.mockReturnValueOnce(cursor([])).mockReturnValueOnce(cursor([feedDoc(1)]));

    const results = await Promise.all([store.commitPlayers(bumpFeed().commit), store.commitPlayers(bumpFeed().commit)]);

    expect(results.map((committed) => committed.result)).toEqual([1, 2]);
    // The second commit read the feed only after the first had written it.
    const [, secondRead] = collections.trade_feeds.find.mock.invocationCallOrder;
    const [firstWrite] = collections.trade_feeds.insertOne.mock.invocationCallOrder;
    expect(secondRead).toBeGreaterThan(firstWrite as number);
  });
});
