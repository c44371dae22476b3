import type { AnyBulkWriteOperation, Collection, Filter } from "mongodb";
import type { PresenceHistoryStore, PresenceSampleRow } from "../../presence/port";
import type { MongoPortDeps } from "./context";
import { count, text } from "./scalars";
import type { DomainSchema } from "./schema";

/** `presence_samples`: one document per area and sample time, the row as it is. */
export type SampleDoc = PresenceSampleRow;

export const presenceSchema: DomainSchema = {
  collections: ["presence_samples"],
  indexes: [
    // One sample per (area, time): a second sample of the same moment replaces the first.
    { collection: "presence_samples", key: { areaCode: 1, at: 1 }, options: { name: "areaCode_at", unique: true } },
    // Pruning by age.
    { collection: "presence_samples", key: { at: 1 }, options: { name: "at" } },
  ],
};

/** Presence history on MongoDB (the sqlite one is sqlite/presence-store.ts). */
export class MongoPresenceHistory implements PresenceHistoryStore {
  private readonly samples: Collection<SampleDoc>;

  constructor(private readonly deps: MongoPortDeps) {
    this.samples = deps.context.db.collection<SampleDoc>("presence_samples");
  }

  recordSamples(samples: readonly PresenceSampleRow[]): Promise<void> {
    return this.deps.run(async () => {
      if (samples.length === 0) return;
      // Each sample is a replace-or-insert of its own document, so no transaction is needed:
      // a rerun after a failure writes the same documents again. Unordered: one round trip, and
      // one bad document does not stop the others.
      await this.samples.bulkWrite(samples.map(sampleUpsert), { ordered: false });
    });
  }

  readSamples(query: { areaCode: string; since?: string; until?: string; limit: number }): Promise<PresenceSampleRow[]> {
    return this.deps.run(async () => {
      const filter: Filter<SampleDoc> = { areaCode: text(query.areaCode, "areaCode") };
      const at: { $gte?: string; $lt?: string } = {};
      if (query.since !== undefined) at.$gte = text(query.since, "since");
      if (query.until !== undefined) at.$lt = text(query.until, "until");
      if (at.$gte !== undefined || at.$lt !== undefined) filter.at = at;
      // The latest `limit`, handed out oldest first.
      const docs = await this.samples
        .find(filter, { sort: { at: -1 }, limit: count(query.limit, "limit"), projection: { _id: 0 } })
        .toArray();
      return docs.reverse();
    });
  }

  pruneSamples(before: string): Promise<number> {
    return this.deps.run(async () => (await this.samples.deleteMany({ at: { $lt: text(before, "before") } })).deletedCount);
  }
}

function sampleUpsert(sample: PresenceSampleRow): AnyBulkWriteOperation<SampleDoc> {
  const areaCode = text(sample.areaCode, "areaCode");
  const at = text(sample.at, "at");
  return {
    replaceOne: {
      filter: { areaCode, at },
      replacement: { areaCode, at, total: count(sample.total, "total"), modes: sample.modes },
      upsert: true,
    },
  };
}
