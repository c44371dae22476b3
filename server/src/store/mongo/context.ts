import type { HistoryEntry, ItemDefinition, Kit, Player } from "@hoard/protocol";
import type { ClientSession, Collection, Db, MongoClient, TransactionOptions } from "mongodb";
import type { DomainRecord } from "../../commit/plan";
import { type Clock, type RetryPolicy, retryPolicy, runTransaction, transactionOptions } from "./transaction";
import { defaultMongoTuning, type MongoTuning } from "./tuning";

/** `items`: one document per definition, `_id` = its content id. */
export interface ItemDoc {
  _id: string;
  definition: ItemDefinition;
  createdAt: string;
}

/** `kits`: `_id` = the kit's name. */
export type KitDoc = Kit & { _id: string };

/** `players`: the player state as it is, `_id` = its id; `version` is the compare-and-set key. */
/** A player as stored: its state, and `nextExpiry` (its soonest expiry lot, indexed for the sweep) when it has one. */
export type PlayerDoc = Player & { _id: string; nextExpiry?: string };

/** `op_log`: one entry per player version, unique on (playerId, version). */
export type OpLogDoc = HistoryEntry;

/**
 * `op_results`: one per applied op, `_id` = the op key (role:sub:opId). `kept` is present while
 * the result is; pruning drops both and leaves the document as a tombstone of the op id.
 */
export interface OpResultDoc {
  _id: string;
  requestHash: string;
  at: Date;
  kept?: true;
  result?: unknown;
  /**
   * The nonce of the attempt that stored the result (op-results.ts): lets the caller whose
   * commit outcome was unknown recognise its own commit. Pruning leaves it with the tombstone.
   */
  attempt?: string;
}

/** `records`: written once by commits, unique on (kind, id). */
export type RecordDoc = DomainRecord;

export interface CoreCollections {
  items: Collection<ItemDoc>;
  kits: Collection<KitDoc>;
  players: Collection<PlayerDoc>;
  opLog: Collection<OpLogDoc>;
  opResults: Collection<OpResultDoc>;
  records: Collection<RecordDoc>;
}

/**
 * What every part of the Mongo engine shares: the client, the database, the core collections and
 * the transaction runner. A domain's sub-port (shop-store.ts, trade-store.ts, stock-store.ts…)
 * is one more file in this folder that takes the context (MongoPortDeps), opens its own
 * collections on `db`, lists them and their indexes in a DomainSchema that schema.ts appends, and
 * runs its multi-document writes through `transaction` (idempotent ops through op-results.ts).
 */
export interface MongoContext {
  readonly client: MongoClient;
  readonly db: Db;
  readonly collections: CoreCollections;
  readonly tuning: MongoTuning;
  /** The clock commits are stamped with (ms since the epoch); the wall clock when absent. */
  readonly now?: () => number;
  /**
   * Runs `body` in one transaction on a session of its own, retried by the engine's policy
   * (transaction.ts). Pass the session to every operation inside; return only data: the body
   * may run more than once, and only the committed attempt's value comes back.
   */
  transaction<T>(body: (session: ClientSession, attempt: number) => Promise<T>): Promise<T>;
}

/**
 * What MongoStore hands each domain's sub-port: the context, and `run`, which every public method
 * goes through (it refuses work once the store is closing, maps driver errors to HoardErrors and
 * lets close() wait for the operation).
 */
export interface MongoPortDeps {
  context: MongoContext;
  run<T>(operation: () => Promise<T>): Promise<T>;
}

export function createMongoContext(options: {
  client: MongoClient;
  database: string;
  tuning?: MongoTuning;
  /** Replaces the policy made from `tuning.conflictBudgetMs` (tests). */
  policy?: RetryPolicy;
  clock?: Clock;
  now?: () => number;
}): MongoContext {
  const { client } = options;
  const db = client.db(options.database);
  const tuning = options.tuning ?? defaultMongoTuning;
  const policy = options.policy ?? retryPolicy(tuning.conflictBudgetMs);
  // A commit waits for a majority at most this long: on the server (maxCommitTimeMS) and for replication (wtimeout).
  const txnOptions: TransactionOptions = {
    ...transactionOptions,
    writeConcern: { w: "majority", wtimeoutMS: tuning.writeTimeoutMs },
    maxCommitTimeMS: tuning.writeTimeoutMs,
  };
  return {
    client,
    db,
    tuning,
    ...(options.now ? { now: options.now } : {}),
    collections: {
      items: db.collection<ItemDoc>("items"),
      kits: db.collection<KitDoc>("kits"),
      players: db.collection<PlayerDoc>("players"),
      opLog: db.collection<OpLogDoc>("op_log"),
      opResults: db.collection<OpResultDoc>("op_results"),
      records: db.collection<RecordDoc>("records"),
    },
    async transaction(body) {
      const session = client.startSession();
      try {
        return await runTransaction({
          session,
          body: (attempt) => body(session, attempt),
          policy,
          options: txnOptions,
          ...(options.clock ? { clock: options.clock } : {}),
        });
      } finally {
        await session.endSession();
      }
    },
  };
}

/** A stored player as the port hands it out: without `_id` and the engine's expiry index field. */
export function playerOf(doc: PlayerDoc): Player {
  const { _id: _dropped, nextExpiry: _index, ...player } = doc;
  return player;
}

/** A stored document as the port hands it out: without the engine's `_id`. */
export function withoutId<T extends { _id?: unknown }>(doc: T): Omit<T, "_id"> {
  const { _id: _dropped, ...rest } = doc;
  return rest;
}
