import { HoardError, type Player, type PushMessage } from "@hoard/protocol";
import { MongoServerError } from "mongodb";
import { describe, expect, it, vi } from "vitest";
import { anActor, anOpId, aPlayer, op } from "../../../../test/support/builders";
import { cursor, driverError, fakeMongoStore, fakeOpResults, setIds } from "../../../../test/support/mongo-fakes";
import type { PlayerCommit } from "../../commit/plan";
import { DEFAULT_STATE_LIMITS } from "../../config";
import { applyOps, newPlayer } from "../../inventory/rules";
import { InventoryService } from "../../inventory/service";
import { ItemService } from "../../items/service";
import { requestHash } from "../../lib/canonical";
import { LootService } from "../../loot/service";
import type { OpResultDoc } from "./context";
import { escapeRegex, type MongoStore } from "./mongo-store";

/**
 * The Mongo engine's own logic, on driver-shaped fakes: collections answer what each test
 * scripts (they are not a database), the session keeps the driver's transaction states, errors
 * are the driver's classes. The same behaviour against a real replica set is the contract suite
 * (test/contract/mongo.test.ts), which needs MONGODB_URL.
 */

function playerDoc(player: Player) {
  return { _id: player.id, ...player };
}

/** The store on fake collections that are vi.fn()s with harmless defaults. */
function fakeStore(options: { maxAttempts?: number } = {}) {
  const collections = {
    players: {
      find: vi.fn((_filter: unknown, _options?: unknown) => cursor<unknown>([])),
      findOne: vi.fn(async (_filter: unknown, _options?: unknown): Promise<unknown> => null),
      insertOne: vi.fn(async (_doc: unknown, _options?: unknown): Promise<unknown> => ({ acknowledged: true })),
      replaceOne: vi.fn(async (_filter: unknown, _doc: unknown, _options?: unknown): Promise<unknown> => ({ matchedCount: 1 })),
    },
    op_log: { insertMany: vi.fn(async (docs: Array<{ _id?: unknown }>, _options?: unknown): Promise<unknown> => setIds(docs)) },
    op_results: fakeOpResults(),
    records: { insertMany: vi.fn(async (docs: Array<{ _id?: unknown }>, _options?: unknown): Promise<unknown> => setIds(docs)) },
    items: { find: vi.fn(() => cursor<unknown>([])) },
    kits: {},
  };
  return { ...fakeMongoStore(collections, { maxAttempts: options.maxAttempts ?? 4, ...options }), collections };
}

/** inventory:apply of credits with the real rules; `applied` counts the runs of apply. */
function credit(playerId: string, amount: number, opId = anOpId()) {
  const ops = [op.credit("gold", amount)];
  const counter = { runs: 0 };
  const input = { opId, playerId, ops };
  const commit: PlayerCommit<{ version: number }> = {
    opId,
    actor: anActor(),
    kind: "inventory:apply",
    requestHash: requestHash("inventory:apply", input),
    playerIds: [playerId],
    apply: (players, at) => {
      counter.runs += 1;
      const player = players.get(playerId);
      if (!player) throw new HoardError("PLAYER_NOT_FOUND");
      const next = applyOps(player, ops, at, DEFAULT_STATE_LIMITS);
      return { writes: [{ player: next.player, ops, changes: next.changes }], result: { version: next.player.version } };
    },
  };
  return { commit, counter };
}

function createCommit(id: string): PlayerCommit<{ version: number }> {
  const opId = anOpId();
  const input = { opId, id };
  return {
    opId,
    actor: anActor(),
    kind: "players:create",
    requestHash: requestHash("players:create", input),
    playerIds: [id],
    apply: (players, at) => {
      if (players.has(id)) throw new HoardError("PLAYER_EXISTS", undefined, { details: { id } });
      const { player, changes } = applyOps(newPlayer({ id }, at), [], at, DEFAULT_STATE_LIMITS);
      return { writes: [{ player, ops: [], changes }], result: { version: player.version } };
    },
  };
}

function storedResult(commit: PlayerCommit<unknown>, overrides: Partial<OpResultDoc> = {}): OpResultDoc {
  return { _id: "key", requestHash: commit.requestHash, at: new Date(), kept: true, result: { version: 7 }, ...overrides };
}

/** The op result document the last attempt inserted, as the server would hand it back once committed. */
function insertedResult(collections: ReturnType<typeof fakeStore>["collections"]): OpResultDoc {
  const call = collections.op_results.insertOne.mock.calls.at(-1);
  if (!call) throw new Error("no op result was inserted");
  return structuredClone(call[0] as OpResultDoc);
}

describe("MongoStore.commitPlayers on driver-shaped fakes", () => {
  it("writes the player by compare-and-set on the version it read, then the op log and the op result", async () => {
    const { store, collections, session } = fakeStore();
    const alice = aPlayer({ id: "alice", version: 4, wallet: { gold: 1 } });
    collections.players.find.mockReturnValueOnce(cursor([playerDoc(alice)]));
    const { commit } = credit("alice", 5);

    const committed = await store.commitPlayers(commit);

    expect(committed).toMatchObject({ replayed: false, result: { version: 5 } });
    expect(collections.players.replaceOne).toHaveBeenCalledOnce();
    const [filter, replacement] = collections.players.replaceOne.mock.calls[0] ?? [];
    expect(filter).toEqual({ _id: "alice", version: 4 });
    expect(replacement).toMatchObject({ id: "alice", version: 5, wallet: { gold: 6 } });
    expect(collections.op_log.insertMany.mock.calls[0]?.[0]).toMatchObject(committed.entries);
    expect(collections.op_results.insertOne.mock.calls[0]?.[0]).toMatchObject({
      _id: `server:game:${commit.opId}`,
      requestHash: commit.requestHash,
      kept: true,
      result: { version: 5 },
    });
    // The op-log documents were copies: the driver's `_id` never reaches the returned entries.
    expect(committed.entries[0]).not.toHaveProperty("_id");
    expect(session.events).toEqual(["start", "commit", "end"]);
  });

  it("keeps an operator's reason and the version a write reverses in the op log document", async () => {
    const { store, collections } = fakeStore();
    collections.players.find.mockReturnValueOnce(cursor([playerDoc(aPlayer({ id: "alice", version: 4, wallet: { gold: 9 } }))]));
    const { commit } = credit("alice", 5);
    const reversal: PlayerCommit<{ version: number }> = {
      ...commit,
      actor: anActor({ role: "admin", sub: "ops" }),
      kind: "inventory:reverse",
      reason: "granted twice",
      apply: (players, at) => {
        const plan = commit.apply(players, at, new Map());
        return { ...plan, writes: plan.writes.map((write) => ({ ...write, reverses: 3 })) };
      },
    };

    const committed = await store.commitPlayers(reversal);

    expect(collections.op_log.insertMany.mock.calls[0]?.[0]).toEqual([
      expect.objectContaining({ version: 5, kind: "inventory:reverse", reason: "granted twice", reverses: 3 }),
    ]);
    expect(committed.entries[0]).toMatchObject({ reason: "granted twice", reverses: 3 });
  });

  it("reads the op result and the players inside the commit's transaction, and every write joins it", async () => {
    // Call-shape only: a read outside the session would see another snapshot, which no fake can show.
    const { store, collections, session } = fakeStore();
    collections.players.find.mockReturnValueOnce(cursor([playerDoc(aPlayer({ id: "alice" }))]));

    await store.commitPlayers(credit("alice", 5).commit);

    expect(collections.op_results.findOne.mock.calls[0]?.[1]).toEqual({ session });
    expect(collections.players.find.mock.calls[0]?.[1]).toMatchObject({ session });
    expect(collections.players.replaceOne.mock.calls[0]?.[2]).toEqual({ session });
    expect(collections.op_log.insertMany.mock.calls[0]?.[1]).toEqual({ session });
    expect(collections.op_results.insertOne.mock.calls[0]?.[1]).toEqual({ session });
  });

  it("stores a committed refusal beside the result, in the commit's transaction, and answers a repeat with it", async () => {
    const { store, collections } = fakeStore();
    collections.players.find.mockReturnValueOnce(cursor([playerDoc(aPlayer({ id: "alice", version: 4 }))]));
    const { commit } = credit("alice", 5);
    const refusal = new HoardError("CART_PRICE_CHANGED", "1 line(s) changed price; nothing was charged", { details: { lines: [] } });
    const refusing: PlayerCommit<{ version: number }> = { ...commit, apply: (...args) => ({ ...commit.apply(...args), refusal }) };

    const committed = await store.commitPlayers(refusing);

    expect(committed).toMatchObject({ replayed: false, result: { version: 5 }, refused: refusal.toWire() });
    expect(collections.players.replaceOne).toHaveBeenCalledOnce();
    const stored = insertedResult(collections);
    expect(stored).toMatchObject({ kept: true, result: { version: 5 }, refused: refusal.toWire() });
    collections.op_results.findOne.mockResolvedValueOnce(stored);
    await expect(store.commitPlayers(refusing)).resolves.toEqual({
      replayed: true,
      result: { version: 5 },
      refused: refusal.toWire(),
      entries: [],
    });
  });

  it("replays a stored result without running apply or writing", async () => {
    const { store, collections } = fakeStore();
    const { commit, counter } = credit("alice", 5);
    collections.op_results.findOne.mockResolvedValueOnce(storedResult(commit));

    await expect(store.commitPlayers(commit)).resolves.toEqual({ replayed: true, result: { version: 7 }, entries: [] });

    expect(counter.runs).toBe(0);
    expect(collections.players.replaceOne).not.toHaveBeenCalled();
  });

  it("treats E11000 on the op result as 'another node applied this op': rolls back and returns the stored result", async () => {
    const { store, collections, session } = fakeStore();
    collections.players.find.mockReturnValue(cursor([playerDoc(aPlayer({ id: "alice", version: 1 }))]));
    const { commit, counter } = credit("alice", 5);
    collections.op_results.insertOne.mockRejectedValueOnce(driverError.duplicateKey());
    // Nothing stored when the attempt looked; the other node's result once it had committed.
    collections.op_results.findOne.mockResolvedValueOnce(null).mockResolvedValueOnce(storedResult(commit, { result: { version: 2 } }));

    const committed = await store.commitPlayers(commit);

    expect(committed).toEqual({ replayed: true, result: { version: 2 }, entries: [] });
    expect(counter.runs).toBe(1);
    expect(session.events).toEqual(["start", "abort", "end"]);
    // The answer is read with majority read concern: only what is durable counts.
    expect(collections.op_results.findOne.mock.calls[1]?.[1]).toEqual({ readConcern: { level: "majority" } });
  });

  it("answers the E11000 case with OP_ID_REUSED when the other node's op had another request", async () => {
    const { store, collections } = fakeStore();
    collections.players.find.mockReturnValue(cursor([playerDoc(aPlayer({ id: "alice" }))]));
    const { commit } = credit("alice", 5);
    collections.op_results.insertOne.mockRejectedValueOnce(driverError.duplicateKey());
    collections.op_results.findOne.mockResolvedValueOnce(null).mockResolvedValueOnce(storedResult(commit, { requestHash: "another" }));

    await expect(store.commitPlayers(commit)).rejects.toMatchObject({ code: "OP_ID_REUSED", details: { opId: commit.opId } });
  });

  it("refuses a repeat of a pruned op as OP_ID_EXPIRED, before comparing the request", async () => {
    const { store, collections } = fakeStore();
    const { commit, counter } = credit("alice", 5);
    const { kept: _kept, result: _result, ...tombstone } = storedResult(commit, { requestHash: "another request" });
    collections.op_results.findOne.mockResolvedValueOnce(tombstone);

    await expect(store.commitPlayers(commit)).rejects.toMatchObject({ code: "OP_ID_EXPIRED" });
    expect(counter.runs).toBe(0);
  });

  it("reruns the transaction on a compare-and-set miss, with apply seeing the new state", async () => {
    const { store, collections, session } = fakeStore();
    collections.players.find
      .mockReturnValueOnce(cursor([playerDoc(aPlayer({ id: "alice", version: 1, wallet: { gold: 1 } }))]))
      .mockReturnValueOnce(cursor([playerDoc(aPlayer({ id: "alice", version: 2, wallet: { gold: 10 } }))]));
    collections.players.replaceOne.mockResolvedValueOnce({ matchedCount: 0 });
    const { commit, counter } = credit("alice", 5);

    const committed = await store.commitPlayers(commit);

    expect(counter.runs).toBe(2);
    expect(committed).toMatchObject({ replayed: false, result: { version: 3 } });
    expect(committed.entries.map((entry) => [entry.version, entry.changes])).toEqual([[3, { wallet: { gold: 15 } }]]);
    expect(collections.players.replaceOne.mock.calls.map((call) => call[0])).toEqual([
      { _id: "alice", version: 1 },
      { _id: "alice", version: 2 },
    ]);
    // A fresh transaction on the same session: one session per commit.
    expect(session.events).toEqual(["start", "abort", "start", "commit", "end"]);
  });

  it("treats E11000 on a player insert as a conflict: the rerun sees the player and apply refuses", async () => {
    const { store, collections } = fakeStore();
    collections.players.find.mockReturnValueOnce(cursor([])).mockReturnValueOnce(cursor([playerDoc(aPlayer({ id: "bob" }))]));
    collections.players.insertOne.mockRejectedValueOnce(driverError.duplicateKey());

    await expect(store.commitPlayers(createCommit("bob"))).rejects.toMatchObject({ code: "PLAYER_EXISTS" });
    expect(collections.op_results.insertOne).not.toHaveBeenCalled();
  });

  it("gives up with PLAYER_CONFLICT after the policy's attempts, having committed nothing", async () => {
    const { store, collections, session } = fakeStore({ maxAttempts: 3 });
    collections.players.find.mockImplementation(() => cursor([playerDoc(aPlayer({ id: "alice" }))]));
    collections.players.replaceOne.mockResolvedValue({ matchedCount: 0 });
    const { commit, counter } = credit("alice", 5);

    await expect(store.commitPlayers(commit)).rejects.toMatchObject({ code: "PLAYER_CONFLICT", details: { playerId: "alice" } });
    expect(counter.runs).toBe(3);
    expect(session.events).not.toContain("commit");
  });

  it("on a transient commit failure reruns everything; the driver rolled the first writes back", async () => {
    const { store, collections, session } = fakeStore();
    session.failCommits(driverError.writeConflict());
    collections.players.find.mockImplementation(() => cursor([playerDoc(aPlayer({ id: "alice", version: 1 }))]));
    const { commit, counter } = credit("alice", 5);

    const committed = await store.commitPlayers(commit);

    expect(counter.runs).toBe(2);
    expect(collections.op_log.insertMany).toHaveBeenCalledTimes(2);
    expect(committed.entries).toHaveLength(1);
    expect(session.events).toEqual(["start", "commit", "start", "commit", "end"]);
  });

  it("after an unknown commit outcome, answers its own stored result as a first apply, with its entries", async () => {
    const { store, collections, session } = fakeStore({ maxAttempts: 2 });
    const unknown = driverError.commitOutcomeUnknown();
    session.failCommits(unknown, unknown);
    collections.players.find.mockImplementation(() => cursor([playerDoc(aPlayer({ id: "alice" }))]));
    const { commit } = credit("alice", 5);
    // The commit did apply: the majority read finds the very document our attempt inserted.
    collections.op_results.findOne.mockResolvedValueOnce(null).mockImplementationOnce(async () => insertedResult(collections));

    const committed = await store.commitPlayers(commit);

    expect(committed).toMatchObject({ replayed: false, result: { version: 2 } });
    expect(committed.entries).toMatchObject([{ playerId: "alice", version: 2 }]);
    // Only what a majority holds counts as applied: a failover cannot take it back.
    expect(collections.op_results.findOne.mock.calls[1]?.[1]).toEqual({ readConcern: { level: "majority" } });
  });

  it("after a commit sent again is forgotten by a new primary, the rerun that finds its own result answers as a first apply", async () => {
    const { store, collections, session } = fakeStore();
    session.failCommits(driverError.commitOutcomeUnknown(), driverError.noSuchTransaction());
    collections.players.find.mockImplementation(() => cursor([playerDoc(aPlayer({ id: "alice" }))]));
    const { commit, counter } = credit("alice", 5);
    // The first commit applied before the failover: the rerun reads our own result.
    collections.op_results.findOne.mockResolvedValueOnce(null).mockImplementationOnce(async () => insertedResult(collections));

    const committed = await store.commitPlayers(commit);

    expect(counter.runs).toBe(1);
    expect(committed).toMatchObject({ replayed: false, result: { version: 2 } });
    expect(committed.entries).toHaveLength(1);
  });

  it("after an unknown commit outcome, answers another attempt's stored result as a replay", async () => {
    const { store, collections, session } = fakeStore({ maxAttempts: 2 });
    const unknown = driverError.commitOutcomeUnknown();
    session.failCommits(unknown, unknown);
    collections.players.find.mockImplementation(() => cursor([playerDoc(aPlayer({ id: "alice" }))]));
    const { commit } = credit("alice", 5);
    collections.op_results.findOne.mockResolvedValueOnce(null).mockResolvedValueOnce(storedResult(commit, { result: { version: 2 } }));

    await expect(store.commitPlayers(commit)).resolves.toEqual({ replayed: true, result: { version: 2 }, entries: [] });
  });

  it("after an unknown commit outcome with nothing stored, is STORE_UNAVAILABLE (a retry with the same opId is safe)", async () => {
    const { store, collections, session } = fakeStore({ maxAttempts: 2 });
    const unknown = driverError.commitOutcomeUnknown();
    session.failCommits(unknown, unknown);
    collections.players.find.mockImplementation(() => cursor([playerDoc(aPlayer({ id: "alice" }))]));

    const error = await store.commitPlayers(credit("alice", 5).commit).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(HoardError);
    expect(error).toMatchObject({ code: "STORE_UNAVAILABLE", cause: unknown });
  });

  it("refuses a player state past 16 MiB with the typed limit error, after one run and with nothing stored", async () => {
    const { store, collections, session } = fakeStore();
    collections.players.find.mockImplementation(() => cursor([playerDoc(aPlayer({ id: "alice" }))]));
    collections.players.replaceOne.mockRejectedValueOnce(
      new MongoServerError({ message: "BSONObj size: 17825792 (0x1100000) is invalid", code: 10334, codeName: "BSONObjectTooLarge" }),
    );
    const { commit, counter } = credit("alice", 5);

    await expect(store.commitPlayers(commit)).rejects.toMatchObject({ code: "PLAYER_STATE_LIMIT_EXCEEDED" });
    expect(counter.runs).toBe(1);
    expect(collections.op_results.insertOne).not.toHaveBeenCalled();
    expect(session.events).toEqual(["start", "abort", "end"]);
  });

  it("passes a refusal from apply through as the same error, aborting without a rerun", async () => {
    const { store, collections, session } = fakeStore();
    const refusal = new HoardError("WALLET_INSUFFICIENT_FUNDS");
    const { commit } = credit("alice", 5);

    const refused: typeof commit = {
      ...commit,
      apply: () => {
        throw refusal;
      },
    };

    const error = await store.commitPlayers(refused).catch((caught: unknown) => caught);

    expect(error).toBe(refusal);
    expect(collections.players.find).toHaveBeenCalledOnce();
    expect(session.events).toEqual(["start", "abort", "end"]);
  });

  it("refuses a write that skips a version without retrying it", async () => {
    const { store, collections } = fakeStore();
    collections.players.find.mockImplementation(() => cursor([playerDoc(aPlayer({ id: "alice", version: 1 }))]));
    const { commit, counter } = credit("alice", 5);
    const skipping: typeof commit = {
      ...commit,
      apply: (players, at, guards) => {
        const plan = commit.apply(players, at, guards);
        return { ...plan, writes: plan.writes.map((write) => ({ ...write, player: { ...write.player, version: 3 } })) };
      },
    };

    await expect(store.commitPlayers(skipping)).rejects.toThrow("must write version 2, not 3");
    expect(counter.runs).toBe(1);
    expect(collections.players.replaceOne).not.toHaveBeenCalled();
  });
});

describe("a retried commit publishes once", () => {
  function inventoryOn(store: MongoStore) {
    const published: PushMessage[] = [];
    const items = new ItemService(store);
    const service = new InventoryService({
      store,
      items,
      loot: new LootService({ store, items }),
      publisher: { publish: (message) => published.push(message) },
      limits: DEFAULT_STATE_LIMITS,
    });
    return { service, published };
  }

  it("publishes the committed attempt's entry once when a compare-and-set miss made apply run twice", async () => {
    const { store, collections } = fakeStore();
    collections.players.find
      .mockReturnValueOnce(cursor([playerDoc(aPlayer({ id: "alice", version: 1 }))]))
      .mockReturnValueOnce(cursor([playerDoc(aPlayer({ id: "alice", version: 2, wallet: { gold: 10 } }))]));
    collections.players.replaceOne.mockResolvedValueOnce({ matchedCount: 0 });
    const { service, published } = inventoryOn(store);

    const result = await service.apply(anActor(), { opId: anOpId(), playerId: "alice", ops: [op.credit("gold", 5)] });

    expect(collections.players.find).toHaveBeenCalledTimes(2);
    expect(result).toMatchObject({ version: 3, changes: { wallet: { gold: 15 } }, replayed: false });
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ type: "inventory", topic: "inventory/alice", seq: 3, entry: { version: 3 } });
  });

  it("publishes once when the first attempt wrote everything and its commit failed", async () => {
    const { store, collections, session } = fakeStore();
    session.failCommits(driverError.notPrimary());
    collections.players.find.mockImplementation(() => cursor([playerDoc(aPlayer({ id: "alice", version: 1 }))]));
    const { service, published } = inventoryOn(store);

    await service.apply(anActor(), { opId: anOpId(), playerId: "alice", ops: [op.credit("gold", 5)] });

    expect(collections.op_results.insertOne).toHaveBeenCalledTimes(2);
    expect(published.map((message) => message.seq)).toEqual([2]);
  });

  it("publishes nothing for a replay", async () => {
    const { store, collections } = fakeStore();
    const opId = anOpId();
    const input = { opId, playerId: "alice", ops: [op.credit("gold", 5)] };
    collections.op_results.findOne.mockResolvedValueOnce({
      _id: "key",
      requestHash: requestHash("inventory:apply", input),
      at: new Date(),
      kept: true,
      result: { playerId: "alice", version: 2, changes: { wallet: { gold: 5 } }, replayed: false },
    });
    const { service, published } = inventoryOn(store);

    await expect(service.apply(anActor(), input)).resolves.toMatchObject({ version: 2, replayed: true });
    expect(published).toEqual([]);
  });
});

describe("MongoStore outside commits", () => {
  it("builds filters from strings only: an object where an id belongs never reaches the driver", async () => {
    const { store, collections } = fakeStore();

    await expect(store.getPlayer({ $ne: null } as unknown as string)).rejects.toThrow(TypeError);
    await expect(store.readHistory("alice", { sinceVersion: { $gte: 0 } as unknown as number, limit: 10 })).rejects.toThrow(TypeError);
    expect(collections.players.findOne).not.toHaveBeenCalled();
  });

  it("prunes by leaving a tombstone: result, refusal and kept are unset on results older than the cut", async () => {
    const { store, collections } = fakeStore();
    collections.op_results.updateMany.mockResolvedValueOnce({ modifiedCount: 3 });
    const cut = new Date("2030-01-01T00:00:00Z");

    await expect(store.pruneOpResults(cut)).resolves.toBe(3);
    expect(collections.op_results.updateMany).toHaveBeenCalledWith(
      { kept: true, at: { $lt: cut } },
      { $unset: { kept: "", result: "", refused: "" } },
    );
  });

  it("maps a lost primary to STORE_UNAVAILABLE with the driver error as cause", async () => {
    const { store, collections } = fakeStore();
    const lost = driverError.notPrimary();
    collections.players.findOne.mockRejectedValueOnce(lost);

    await expect(store.getPlayer("alice")).rejects.toMatchObject({ code: "STORE_UNAVAILABLE", cause: lost });
  });

  it("close lets a running commit finish, closes the client once and refuses later calls", async () => {
    const { store, collections, client } = fakeStore();
    collections.players.find.mockImplementation(() => cursor([playerDoc(aPlayer({ id: "alice" }))]));
    const running = store.commitPlayers(credit("alice", 5).commit);

    await Promise.all([store.close(), store.close()]);

    await expect(running).resolves.toMatchObject({ replayed: false });
    expect(client.close).toHaveBeenCalledOnce();
    await expect(store.commitPlayers(credit("alice", 1).commit)).rejects.toMatchObject({ code: "SERVER_SHUTTING_DOWN" });
    await expect(store.getPlayer("alice")).rejects.toMatchObject({ code: "SERVER_SHUTTING_DOWN" });
  });
});

describe("player search", () => {
  it("takes the search literally: regex characters in it match only themselves", () => {
    const starts = (search: string) => new RegExp(`^${escapeRegex(search)}`, "i");
    expect(starts("a.b(").test("A.B(x")).toBe(true);
    expect(starts("a.b(").test("axb(")).toBe(false);
    expect(starts("$[x]*\\").test("$[X]*\\tail")).toBe(true);
    expect(starts(".*").test("anything")).toBe(false);
  });
});
