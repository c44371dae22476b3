import type { LootTable, StoredLootTable } from "@hoard/protocol";
import type { Collection } from "mongodb";
import type { LootTableStore } from "../../loot/port";
import type { MongoPortDeps } from "./context";
import { isDuplicateKey } from "./errors";
import { count, text, texts } from "./scalars";
import type { DomainSchema } from "./schema";

/** `loot_tables`: one document per table, `_id` = its content id, never changed. */
export interface LootTableDoc {
  _id: string;
  definition: LootTable;
  createdAt: string;
}

export const lootSchema: DomainSchema = { collections: ["loot_tables"], indexes: [] };

/** Loot tables on MongoDB (the sqlite ones are sqlite/loot-store.ts). Single-document writes: no transaction needed. */
export class MongoLootTables implements LootTableStore {
  private readonly tables: Collection<LootTableDoc>;

  constructor(private readonly deps: MongoPortDeps) {
    this.tables = deps.context.db.collection<LootTableDoc>("loot_tables");
  }

  save(table: StoredLootTable): Promise<{ table: StoredLootTable; created: boolean }> {
    return this.deps.run(async () => {
      const id = text(table.id, "loot table id");
      try {
        await this.tables.insertOne({ _id: id, definition: table.definition, createdAt: table.createdAt });
        return { table, created: true };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      // Content-addressed: the stored table is the same; keep its first createdAt.
      const stored = await this.tables.findOne({ _id: id });
      return { table: stored ? fromDoc(stored) : table, created: false };
    });
  }

  get(ids: readonly string[]): Promise<Map<string, StoredLootTable>> {
    return this.deps.run(async () => {
      const unique = [...new Set(texts(ids, "loot table id"))];
      const docs = unique.length === 0 ? [] : await this.tables.find({ _id: { $in: unique } }).toArray();
      return new Map(docs.map((doc) => [doc._id, fromDoc(doc)]));
    });
  }

  list(page: { after?: string | undefined; limit: number }): Promise<StoredLootTable[]> {
    return this.deps.run(async () => {
      const after = text(page.after ?? "", "after");
      const docs = await this.tables.find({ _id: { $gt: after } }, { sort: { _id: 1 }, limit: count(page.limit, "limit") }).toArray();
      return docs.map(fromDoc);
    });
  }
}

function fromDoc(doc: LootTableDoc): StoredLootTable {
  return { id: doc._id, definition: doc.definition, createdAt: doc.createdAt };
}
