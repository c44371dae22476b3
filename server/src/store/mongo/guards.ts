import type { ClientSession, Collection } from "mongodb";
import { type Guarded, type GuardRef, guardKey } from "../../commit/plan";
import { GuardConflict, isDuplicateKey } from "./errors";

/**
 * How the Mongo engine reads and writes one kind of guard document (the Mongo side of
 * sqlite/guard-table.ts), inside the commit's transaction. A domain's store provides one per
 * kind it owns; MongoStore hands them to every commit by kind.
 */
export interface GuardCollection {
  /** The stored documents among these ids (absent ones are left out). */
  read(ids: readonly string[], session: ClientSession): Promise<Guarded[]>;
  /** Writes `doc` if the stored version is still `expected` (0 = absent); false when it is not. */
  write(doc: Guarded, expected: number, session: ClientSession): Promise<boolean>;
}

export type GuardCollections = ReadonlyMap<string, GuardCollection>;

/** The declared guards that exist, by `guardKey`, read in the commit's transaction, one query per kind. */
export async function readGuards(
  collections: GuardCollections,
  refs: readonly GuardRef[],
  session: ClientSession,
): Promise<Map<string, Guarded>> {
  const idsByKind = new Map<string, Set<string>>();
  for (const ref of refs) idsByKind.set(ref.kind, (idsByKind.get(ref.kind) ?? new Set()).add(ref.id));
  const read = new Map<string, Guarded>();
  for (const [kind, ids] of [...idsByKind].sort(([a], [b]) => compare(a, b))) {
    for (const doc of await collectionOf(collections, kind).read([...ids].sort(), session)) read.set(guardKey(doc), doc);
  }
  return read;
}

/**
 * Writes the guards a plan returned, in key order, each compare-and-set on the version read in
 * this transaction. An undeclared guard or a version that skips is a bug in the caller (an
 * Error, not retried, as on sqlite); a miss is another node's commit that got there first
 * (GuardConflict: the transaction runs again and `apply` sees the new document).
 */
export async function writeGuards(write: {
  collections: GuardCollections;
  docs: readonly Guarded[];
  read: ReadonlyMap<string, Guarded>;
  declared: readonly GuardRef[];
  session: ClientSession;
}): Promise<void> {
  const declared = new Set(write.declared.map(guardKey));
  for (const doc of [...write.docs].sort((a, b) => compare(guardKey(a), guardKey(b)))) {
    const key = guardKey(doc);
    if (!declared.has(key)) throw new Error(`commit wrote guard ${key} it did not declare`);
    const expected = write.read.get(key)?.version ?? 0;
    if (doc.version !== expected + 1) throw new Error(`commit of guard ${key} must write version ${expected + 1}, not ${doc.version}`);
    if (!(await collectionOf(write.collections, doc.kind).write(doc, expected, write.session))) throw new GuardConflict(key);
  }
}

function collectionOf(collections: GuardCollections, kind: string): GuardCollection {
  const collection = collections.get(kind);
  if (!collection) throw new Error(`no guard collection for kind ${kind}`);
  return collection;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A guard document created at version 1: false when another commit created it first. */
export async function insertNew<T extends { _id: string }>(collection: Collection<T>, doc: T, session: ClientSession): Promise<boolean> {
  try {
    await collection.insertOne(doc as Parameters<Collection<T>["insertOne"]>[0], { session });
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}
