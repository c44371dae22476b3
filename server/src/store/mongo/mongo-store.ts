import { type HistoryEntry, HoardError, type Kit, type Player, type StoredItem } from "@hoard/protocol";
import { type Document, type Filter, MongoClient, type MongoClientOptions } from "mongodb";
import { type Committed, type DomainRecord, guardKey, type PlayerCommit } from "../../commit/plan";
import { ConfigError } from "../../config";
import type { Page, PlayerSummary, RecordQuery, Store } from "../port";
import { type CommitEngine, commitPlayers } from "./commit";
import { createMongoContext, type ItemDoc, type MongoContext, type MongoPortDeps, playerOf, type RecordDoc, withoutId } from "./context";
import { isDuplicateKey, storeError } from "./errors";
import { KeyedLocks } from "./locks";
import { MongoLootTables } from "./loot-store";
import { MongoPresenceHistory } from "./presence-store";
import { count, text, texts } from "./scalars";
import { ensureSchema, type SchemaLog } from "./schema";
import { MongoShopCatalog } from "./shop-store";
import { MongoStockStore } from "./stock-store";
import { hasWritableServer, whyNotUsable } from "./topology";
import { MongoTradeStore } from "./trade-store";
import { DEFAULT_SERVER_SELECTION_MS, defaultMongoTuning, type MongoTuning } from "./tuning";

export interface MongoStoreOptions {
  /** A MongoDB connection string (MONGODB_URL); a replica set or a mongos. */
  url: string;
  /** The database Hoard keeps its collections in (HOARD_MONGO_DB). */
  database: string;
  /** Time limits, retry budget, analytics reads, import batches (HOARD_MONGO_*); defaults otherwise. */
  tuning?: MongoTuning;
  /** More driver options (pool size, timeouts); the engine's own settings below win. */
  clientOptions?: MongoClientOptions;
  /** The clock commits are stamped with (expiring units are judged by it); the wall clock otherwise. */
  now?: () => number;
  /** Where start-up notes go (an index migrated); one JSON line on stderr by default. */
  log?: SchemaLog;
}

/**
 * The driver options every node uses. Majority writes with a time limit (outside transactions;
 * commits get theirs in context.ts), majority reads (a resync or a decision never rests on a write
 * that a failover could roll back), the primary for everything but the economy questions, and a
 * server selection limit: the URL's `serverSelectionTimeoutMS` when it sets one, 5 s otherwise
 * (the driver's own default is 30 s, which every request would wait while there is no primary).
 */
export function mongoClientOptions(url: string, tuning: MongoTuning, extra: MongoClientOptions = {}): MongoClientOptions {
  const selection = /[?&]serverSelectionTimeoutMS=/i.test(url) ? {} : { serverSelectionTimeoutMS: DEFAULT_SERVER_SELECTION_MS };
  return {
    appName: "hoard",
    ...selection,
    ...extra,
    // A JSON value never holds undefined; without this the driver would store it as null.
    ignoreUndefined: true,
    writeConcern: { w: "majority", wtimeoutMS: tuning.writeTimeoutMs },
    // As readConcernLevel, the key a URL would set: the object's value wins only over the same key.
    readConcernLevel: "majority",
    readPreference: "primary",
  };
}

/**
 * Connects, checks that the server is a writable primary that can run transactions, creates
 * missing collections and indexes (migrating changed ones), and returns the store. Start-up
 * problems are ConfigErrors of one line, meant for the operator.
 */
export async function openMongoStore(options: MongoStoreOptions): Promise<MongoStore> {
  const tuning = options.tuning ?? defaultMongoTuning;
  const client = new MongoClient(options.url, mongoClientOptions(options.url, tuning, options.clientOptions));
  try {
    await client.connect();
  } catch (error) {
    throw new ConfigError(`MONGODB_URL: cannot connect to MongoDB (${oneLine(error)}): start it, or fix or unset MONGODB_URL`, {
      cause: error,
    });
  }
  try {
    await checkServer(client);
    const context = createMongoContext({ client, database: options.database, tuning, ...(options.now ? { now: options.now } : {}) });
    await ensureSchema(context.db, options.log);
    const store = new MongoStore(context);
    client.on("topologyDescriptionChanged", (event) => {
      store.reachable = hasWritableServer(event.newDescription);
    });
    return store;
  } catch (error) {
    await client.close().catch(() => {});
    throw error;
  }
}

/**
 * `hello` from the server writes would go to: refused unless it is a writable primary of a
 * replica set, or a mongos. With no primary the command waits out server selection, then fails.
 */
export async function checkServer(client: Pick<MongoClient, "db">): Promise<void> {
  let hello: Document;
  try {
    hello = await client.db("admin").command({ hello: 1 });
  } catch (error) {
    throw new ConfigError(`MONGODB_URL: no writable MongoDB primary answered (${oneLine(error)})`, { cause: error });
  }
  const reason = whyNotUsable(hello);
  if (reason) throw new ConfigError(reason);
}

/** A driver error's message on one line (server selection errors list every member over several). */
function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").trim();
}

/**
 * The scale-out engine (official driver; a replica set or a sharded cluster). Every commit is a
 * transaction of its own with majority writes (commit.ts); commits of one player from this
 * node wait for each other in-process (locks.ts) instead of colliding in the database.
 * Domain sub-ports are built here from `context`, one file each in this folder; a domain's
 * guard collections (trade offers, feeds) join every commit's transaction.
 */
export class MongoStore implements Store {
  readonly engine = "mongo" as const;
  /** False while the deployment has no server that takes writes (kept by openMongoStore from the driver's events). */
  reachable = true;
  readonly shop: MongoShopCatalog;
  readonly trades: MongoTradeStore;
  readonly presenceHistory: MongoPresenceHistory;
  readonly stock: MongoStockStore;
  readonly lootTables: MongoLootTables;
  private readonly locks = new KeyedLocks();
  private readonly running = new Set<Promise<unknown>>();
  private closing: Promise<void> | undefined;
  /** What commits run on: the context and every domain's guard collections, by kind. */
  private readonly engineForCommits: CommitEngine;

  constructor(private readonly context: MongoContext) {
    const deps: MongoPortDeps = { context, run: (operation) => this.run(operation) };
    this.shop = new MongoShopCatalog(deps);
    this.trades = new MongoTradeStore(deps);
    this.presenceHistory = new MongoPresenceHistory(deps);
    this.stock = new MongoStockStore(deps);
    this.lootTables = new MongoLootTables(deps);
    this.engineForCommits = { context, guards: new Map([...this.trades.guardCollections, ...this.shop.guardCollections]) };
  }

  saveItem(item: StoredItem): Promise<{ item: StoredItem; created: boolean }> {
    return this.run(async () => {
      const { items } = this.context.collections;
      const id = text(item.id, "item id");
      try {
        await items.insertOne({ _id: id, definition: item.definition, createdAt: item.createdAt });
        return { item, created: true };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      // Content-addressed: the stored definition is the same; keep its first createdAt.
      const existing = await items.findOne({ _id: id });
      return { item: existing ? itemOf(existing) : item, created: false };
    });
  }

  getItems(ids: readonly string[]): Promise<Map<string, StoredItem>> {
    return this.run(async () => {
      const unique = [...new Set(texts(ids, "item id"))];
      const docs = unique.length === 0 ? [] : await this.context.collections.items.find({ _id: { $in: unique } }).toArray();
      return new Map(docs.map((doc) => [doc._id, itemOf(doc)]));
    });
  }

  listItems(page: Page): Promise<StoredItem[]> {
    return this.run(async () => {
      const after = text(page.after ?? "", "after");
      const docs = await this.context.collections.items
        .find({ _id: { $gt: after } }, { sort: { _id: 1 }, limit: count(page.limit, "limit") })
        .toArray();
      return docs.map(itemOf);
    });
  }

  saveKit(kit: Kit): Promise<void> {
    return this.run(async () => {
      const name = text(kit.name, "kit name");
      // Kits are configuration: saving replaces the whole kit of that name.
      await this.context.collections.kits.replaceOne({ _id: name }, kit, { upsert: true });
    });
  }

  getKit(name: string): Promise<Kit | undefined> {
    return this.run(async () => {
      const doc = await this.context.collections.kits.findOne({ _id: text(name, "kit name") });
      return doc ? withoutId(doc) : undefined;
    });
  }

  listKits(): Promise<Kit[]> {
    return this.run(async () => (await this.context.collections.kits.find({}, { sort: { _id: 1 } }).toArray()).map(withoutId));
  }

  getPlayer(id: string): Promise<Player | undefined> {
    return this.run(async () => {
      const doc = await this.context.collections.players.findOne({ _id: text(id, "player id") });
      return doc ? playerOf(doc) : undefined;
    });
  }

  listPlayers(page: Page & { prefix?: string; search?: string }): Promise<PlayerSummary[]> {
    return this.run(async () => {
      const prefix = text(page.prefix ?? "", "prefix");
      // Ids use only [A-Za-z0-9_-], all below "~": [prefix, prefix~) is exactly the prefix range.
      const range = { _id: { $gt: text(page.after ?? "", "after"), $gte: prefix, $lt: `${prefix}~` } };
      // The search is a literal: every regex character in it is escaped; `i` folds case as the sqlite engine does.
      const starts = page.search === undefined ? undefined : { $regex: `^${escapeRegex(text(page.search, "search"))}`, $options: "i" };
      const filter = starts ? { ...range, $or: [{ _id: starts }, { name: starts }] } : range;
      const rows = await this.context.collections.players
        .find<{ id: string; version: number; name?: string }>(filter, {
          sort: { _id: 1 },
          limit: count(page.limit, "limit"),
          projection: { _id: 0, id: 1, version: 1, name: 1 },
        })
        .toArray();
      return rows.map((row) =>
        row.name === undefined ? { id: row.id, version: row.version } : { id: row.id, name: row.name, version: row.version },
      );
    });
  }

  commitPlayers<R>(commit: PlayerCommit<R>): Promise<Committed<R>> {
    // Guard keys (`kind/id`) hold a "/", which no player id does: one lock space serves both.
    const keys = [...commit.playerIds, ...(commit.guards ?? []).map(guardKey)];
    return this.run(() => this.locks.run(keys, () => commitPlayers(this.engineForCommits, commit)));
  }

  readHistory(playerId: string, range: { sinceVersion: number; limit: number }): Promise<HistoryEntry[]> {
    return this.run(async () => {
      const docs = await this.context.collections.opLog
        .find(
          { playerId: text(playerId, "player id"), version: { $gt: count(range.sinceVersion, "sinceVersion") } },
          { sort: { version: 1 }, limit: count(range.limit, "limit"), projection: { _id: 0 } },
        )
        .toArray();
      return docs.map(withoutId);
    });
  }

  getRecord(kind: string, id: string): Promise<DomainRecord | undefined> {
    return this.run(async () => {
      const doc = await this.context.collections.records.findOne({ kind: text(kind, "kind"), id: text(id, "record id") });
      return doc ? withoutId(doc) : undefined;
    });
  }

  listRecords(kind: string, query: RecordQuery): Promise<DomainRecord[]> {
    return this.run(async () => {
      const docs = await this.context.collections.records
        .find(recordFilter(kind, query), { sort: { at: 1, id: 1 }, limit: count(query.limit, "limit") })
        .toArray();
      return docs.map(withoutId);
    });
  }

  listDueExpiries(at: string, limit: number): Promise<string[]> {
    return this.run(async () => {
      const due = await this.context.collections.players
        .find({ nextExpiry: { $lte: text(at, "at") } }, { projection: { _id: 1 }, sort: { nextExpiry: 1 }, limit })
        .toArray();
      return due.map((doc) => doc._id);
    });
  }

  pruneOpResults(before: Date): Promise<number> {
    return this.run(async () => {
      if (!(before instanceof Date)) throw new TypeError("before must be a Date");
      // The op id stays as a tombstone: a late repeat is OP_ID_EXPIRED, never applied again.
      const pruned = await this.context.collections.opResults.updateMany(
        { kept: true, at: { $lt: before } },
        { $unset: { kept: "", result: "", refused: "" } },
      );
      return pruned.modifiedCount;
    });
  }

  /** Lets every operation under way finish, then hangs up; later calls are refused. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.running]);
      await this.context.client.close();
    })();
    return this.closing;
  }

  /** Refuses work once closing, maps driver errors, and tracks the operation for close(). */
  private run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new HoardError("SERVER_SHUTTING_DOWN", "the store is closed"));
    // A filter refusing a non-string throws as soon as it is built: that too is a rejection.
    let started: Promise<T>;
    try {
      started = operation();
    } catch (error) {
      started = Promise.reject(error);
    }
    const running = started.catch((error: unknown) => {
      throw storeError(error);
    });
    this.running.add(running);
    const forget = () => this.running.delete(running);
    running.then(forget, forget);
    return running;
  }
}

function itemOf(doc: ItemDoc): StoredItem {
  return { id: doc._id, definition: doc.definition, createdAt: doc.createdAt };
}

/** Records of a kind (and of a player), within [since, until), after the (at, id) of a page's last. */
function recordFilter(kind: string, query: RecordQuery): Filter<RecordDoc> {
  const filter: Filter<RecordDoc> = { kind: text(kind, "kind") };
  if (query.playerId !== undefined) filter.playerIds = text(query.playerId, "playerId");
  const at: { $gte?: string; $lt?: string } = {};
  if (query.since !== undefined) at.$gte = text(query.since, "since");
  if (query.until !== undefined) at.$lt = text(query.until, "until");
  if (at.$gte !== undefined || at.$lt !== undefined) filter.at = at;
  if (query.after !== undefined) {
    const afterAt = text(query.after.at, "after.at");
    filter.$or = [{ at: { $gt: afterAt } }, { at: afterAt, id: { $gt: text(query.after.id, "after.id") } }];
  }
  return filter;
}

/** A literal for a `$regex`: every character a regex treats specially is escaped (PCRE and JS agree on these). */
export function escapeRegex(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
