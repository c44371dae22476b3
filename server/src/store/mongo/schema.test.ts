import { MongoServerError } from "mongodb";
import { describe, expect, it, vi } from "vitest";
import { ensureSchema, indexes, type SchemaLog } from "./schema";

/**
 * ensureSchema on a driver-shaped fake database: collections and indexes answer what each test
 * scripts. What a real server does with the indexes is the kit's to show (test/contract/mongo*.test.ts).
 */

function serverError(code: number, codeName: string, message = codeName) {
  return new MongoServerError({ message, code, codeName });
}

/** Every collection exists; each collection's createIndexes answers by `createIndexes`. */
function fakeDb(options: {
  createIndexes?: (collection: string, specs: Array<{ name: string }>) => Promise<unknown>;
  listIndexes?: (collection: string) => unknown[];
  missing?: string[];
  createCollection?: (name: string) => Promise<unknown>;
  onDrop?: (collection: string, index: string) => void;
}) {
  const all = [...new Set(indexes.map((plan) => plan.collection))];
  const calls = { dropIndex: [] as string[], createIndexes: [] as Array<{ collection: string; names: string[] }> };
  const db = {
    databaseName: "hoard",
    listCollections: () => ({
      toArray: async () =>
        [...all, "items", "kits", "players", "op_results", "stock_keys", "stock_ops", "trade_feeds"]
          .filter((name) => !(options.missing ?? []).includes(name))
          .map((name) => ({ name })),
    }),
    createCollection: vi.fn(options.createCollection ?? (async () => ({}))),
    collection: (name: string) => ({
      collectionName: name,
      createIndexes: async (specs: Array<{ name: string }>) => {
        calls.createIndexes.push({ collection: name, names: specs.map((spec) => spec.name) });
        return options.createIndexes ? options.createIndexes(name, specs) : specs.map((spec) => spec.name);
      },
      listIndexes: () => ({ toArray: async () => options.listIndexes?.(name) ?? [] }),
      dropIndex: async (index: string) => {
        calls.dropIndex.push(`${name}.${index}`);
        options.onDrop?.(name, index);
      },
    }),
  };
  return { db: db as never, calls };
}

function recordingLog(): SchemaLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (_fields, message) => lines.push(message) };
}

describe("ensureSchema", () => {
  it("migrates an index whose options changed (code 85): drops the old one, builds the new one, and says so", async () => {
    const built = new Set<string>();
    const { db, calls } = fakeDb({
      createIndexes: async (collection, specs) => {
        // The stored op_log index is not unique yet: the server refuses the new definition until it is dropped.
        if (collection === "op_log" && !built.has("playerId_version")) {
          throw serverError(85, "IndexOptionsConflict", "Index already exists with a different name: playerId_1_version_1");
        }
        return specs.map((spec) => spec.name);
      },
      listIndexes: (collection) =>
        collection === "op_log"
          ? [
              { name: "_id_", key: { _id: 1 } },
              { name: "playerId_1_version_1", key: { playerId: 1, version: 1 } },
            ]
          : [],
      onDrop: () => built.add("playerId_version"),
    });
    const log = recordingLog();

    await ensureSchema(db, log);

    expect(calls.dropIndex).toEqual(["op_log.playerId_1_version_1"]);
    expect(calls.createIndexes.filter((call) => call.collection === "op_log").at(-1)).toEqual({
      collection: "op_log",
      names: ["playerId_version"],
    });
    expect(log.lines).toEqual([expect.stringContaining("migrating index op_log.playerId_version")]);
  });

  it("migrates an index whose name now holds other keys (code 86)", async () => {
    let dropped = false;
    const { db, calls } = fakeDb({
      createIndexes: async (collection, specs) => {
        if (collection === "records" && !dropped && specs.some((spec) => spec.name === "kind_at_id")) {
          throw serverError(86, "IndexKeySpecsConflict");
        }
        return specs.map((spec) => spec.name);
      },
      listIndexes: (collection) => (collection === "records" ? [{ name: "kind_at_id", key: { kind: 1, at: 1 } }] : []),
      onDrop: () => {
        dropped = true;
      },
    });
    await ensureSchema(db, recordingLog());

    expect(calls.dropIndex).toEqual(["records.kind_at_id"]);
  });

  it("passes any other index failure on with the collection and index names", async () => {
    const { db } = fakeDb({
      createIndexes: async (collection) => {
        if (collection === "records") throw serverError(13, "Unauthorized", "not authorized on hoard to execute command");
        return [];
      },
    });

    await expect(ensureSchema(db, recordingLog())).rejects.toThrow(
      /cannot create the indexes of hoard\.records \(.*kind_id.*\): not authorized/,
    );
  });

  it("wraps a createCollection failure with the collection it was creating, and lets 'exists' pass", async () => {
    const refused = fakeDb({
      missing: ["players"],
      createCollection: async () => {
        throw serverError(13, "Unauthorized", 'not authorized on hoard to execute command { create: "players" }');
      },
    });
    await expect(ensureSchema(refused.db, recordingLog())).rejects.toThrow(/^cannot create the collection hoard\.players \(not authorized/);

    const raced = fakeDb({
      missing: ["players"],
      createCollection: async () => {
        throw serverError(48, "NamespaceExists");
      },
    });
    await expect(ensureSchema(raced.db, recordingLog())).resolves.toBeUndefined();
  });
});
