import type { Db, IndexDescription } from "mongodb";
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

const domains: readonly DomainSchema[] = [shopSchema, tradeSchema, presenceSchema, stockSchema];

/** Every collection and index of the engine: core first, then each domain's own list. */
export const collections: readonly string[] = [...coreCollections, ...domains.flatMap((domain) => domain.collections)];
export const indexes: readonly IndexPlan[] = [...coreIndexes, ...domains.flatMap((domain) => domain.indexes)];

const NAMESPACE_EXISTS = 48;

export async function ensureSchema(db: Db): Promise<void> {
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((info) => info.name));
  for (const name of collections) {
    if (existing.has(name)) continue;
    try {
      await db.createCollection(name);
    } catch (error) {
      // Another node created it between our listing and now.
      if ((error as { code?: unknown }).code !== NAMESPACE_EXISTS) throw error;
    }
  }
  const byCollection = new Map<string, IndexPlan[]>();
  for (const plan of indexes) byCollection.set(plan.collection, [...(byCollection.get(plan.collection) ?? []), plan]);
  for (const [collection, list] of byCollection) {
    try {
      // An index that exists with the same keys and options is left alone.
      await db.collection(collection).createIndexes(list.map((plan) => ({ key: plan.key, ...plan.options })));
    } catch (error) {
      const names = list.map((plan) => plan.options.name).join(", ");
      throw new Error(`cannot create the indexes of ${db.databaseName}.${collection} (${names})`, { cause: error });
    }
  }
}
