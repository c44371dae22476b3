import type { Collection, Db, IndexDescription } from "mongodb";
import { codeOf } from "./errors";
import { lootSchema } from "./loot-store";
import { presenceSchema } from "./presence-store";
import { shopSchema } from "./shop-store";
import { stockSchema } from "./stock-store";
import { tradeSchema } from "./trade-store";

/**
 * What the engine needs to exist in its database, created at start when missing (idempotent,
 * safe with several nodes starting at once). Like the sqlite migrations, each domain lists its
 * collections and indexes beside its sub-port (a `DomainSchema`), appended to `domains` below.
 */
export interface IndexPlan {
  collection: string;
  key: IndexDescription["key"];
  options: Omit<IndexDescription, "key"> & { name: string };
}

/**
 * Created up front rather than by a first insert: an insert inside a transaction that has to
 * create its collection fails on some deployments (sharded clusters, older servers).
 */
export const coreCollections: readonly string[] = ["items", "kits", "players", "op_log", "op_results", "records"];

export const coreIndexes: readonly IndexPlan[] = [
  // The expiry sweep finds due players by their soonest lot; players with none are not in it.
  {
    collection: "players",
    key: { nextExpiry: 1 },
    options: { name: "next_expiry", partialFilterExpression: { nextExpiry: { $exists: true } } },
  },
  // The op log: one entry per player version; readHistory scans it by (playerId, version).
  { collection: "op_log", key: { playerId: 1, version: 1 }, options: { name: "playerId_version", unique: true } },
  // Pruning finds the results still kept by age; pruned tombstones drop out of this index.
  { collection: "op_results", key: { at: 1 }, options: { name: "kept_at", partialFilterExpression: { kept: true } } },
  // Records: written once per (kind, id); listed by time, of a kind or of a kind and a player.
  { collection: "records", key: { kind: 1, id: 1 }, options: { name: "kind_id", unique: true } },
  { collection: "records", key: { kind: 1, at: 1, id: 1 }, options: { name: "kind_at_id" } },
  { collection: "records", key: { kind: 1, playerIds: 1, at: 1, id: 1 }, options: { name: "kind_playerIds_at_id" } },
];

/** What one domain needs: listed beside its sub-port (shop-store.ts, trade-store.ts…). */
export interface DomainSchema {
  collections: readonly string[];
  indexes: readonly IndexPlan[];
}

const domains: readonly DomainSchema[] = [shopSchema, tradeSchema, presenceSchema, stockSchema, lootSchema];

/** Every collection and index of the engine: core first, then each domain's own list. */
export const collections: readonly string[] = [...coreCollections, ...domains.flatMap((domain) => domain.collections)];
export const indexes: readonly IndexPlan[] = [...coreIndexes, ...domains.flatMap((domain) => domain.indexes)];

const NAMESPACE_EXISTS = 48;
const INDEX_NOT_FOUND = 27;
/** An index of these keys exists under another name or with other options. */
const INDEX_OPTIONS_CONFLICT = 85;
/** An index of this name exists with other keys. */
const INDEX_KEY_SPECS_CONFLICT = 86;

/** Where start-up notes go: pino's `warn(fields, message)` fits. */
export interface SchemaLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

const stderrLog: SchemaLog = {
  warn: (fields, message) => process.stderr.write(`${JSON.stringify({ level: "warn", ...fields, msg: message })}\n`),
};

/**
 * Creates what is missing. An index whose keys or options changed in a later release (the server
 * refuses it with code 85 or 86) is migrated: the old one is dropped and the new one built, and the
 * log says so. Queries that used it run unindexed (slower, still correct) until the build ends.
 */
export async function ensureSchema(db: Db, log: SchemaLog = stderrLog): Promise<void> {
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((info) => info.name));
  for (const name of collections) {
    if (existing.has(name)) continue;
    try {
      await db.createCollection(name);
    } catch (error) {
      // Another node created it between our listing and now.
      if (codeOf(error) === NAMESPACE_EXISTS) continue;
      throw new Error(`cannot create the collection ${db.databaseName}.${name} (${messageOf(error)})`, { cause: error });
    }
  }
  const byCollection = new Map<string, IndexPlan[]>();
  for (const plan of indexes) byCollection.set(plan.collection, [...(byCollection.get(plan.collection) ?? []), plan]);
  for (const [name, list] of byCollection) {
    const collection = db.collection(name);
    try {
      try {
        // An index that exists with the same keys and options is left alone.
        await collection.createIndexes(list.map(description));
      } catch (error) {
        if (!isIndexConflict(error)) throw error;
        for (const plan of list) await migrateIndex(collection, plan, log);
      }
    } catch (error) {
      const names = list.map((plan) => plan.options.name).join(", ");
      throw new Error(`cannot create the indexes of ${db.databaseName}.${name} (${names}): ${messageOf(error)}`, { cause: error });
    }
  }
}

/** Creates one index, dropping first an index that holds its name or its keys with other options. */
async function migrateIndex(collection: Collection, plan: IndexPlan, log: SchemaLog): Promise<void> {
  try {
    await collection.createIndexes([description(plan)]);
    return;
  } catch (error) {
    if (!isIndexConflict(error)) throw error;
  }
  const keys = JSON.stringify(plan.key);
  const stale = (await collection.listIndexes().toArray()).filter(
    (index) => index.name !== "_id_" && (index.name === plan.options.name || JSON.stringify(index.key) === keys),
  );
  for (const index of stale) {
    log.warn(
      { collection: collection.collectionName, dropped: index.name, index: plan.options.name },
      `migrating index ${collection.collectionName}.${plan.options.name}: its keys or options changed; dropping ${String(index.name)} and building it again`,
    );
    try {
      await collection.dropIndex(String(index.name));
    } catch (error) {
      // Another node starting at the same time dropped it first.
      if (codeOf(error) !== INDEX_NOT_FOUND) throw error;
    }
  }
  await collection.createIndexes([description(plan)]);
}

function description(plan: IndexPlan): IndexDescription {
  return { key: plan.key, ...plan.options };
}

function isIndexConflict(error: unknown): boolean {
  const code = codeOf(error);
  return code === INDEX_OPTIONS_CONFLICT || code === INDEX_KEY_SPECS_CONFLICT;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
