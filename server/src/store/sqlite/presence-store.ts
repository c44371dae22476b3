import type { ModePlayers } from "@hoard/protocol";
import type Database from "better-sqlite3";
import type { PresenceHistoryStore, PresenceSampleRow } from "../../presence/port";

/** Presence samples in the embedded store (table presence_samples, presence-schema.ts). */
export class SqlitePresenceHistory implements PresenceHistoryStore {
  private readonly stmt;
  private readonly insertAll: (samples: readonly PresenceSampleRow[]) => void;

  constructor(db: Database.Database) {
    this.stmt = {
      put: db.prepare("INSERT OR REPLACE INTO presence_samples (area_code, at, total, modes) VALUES (?, ?, ?, ?)"),
      read: db.prepare("SELECT at, total, modes FROM presence_samples WHERE area_code = ? AND at >= ? AND at < ? ORDER BY at DESC LIMIT ?"),
      prune: db.prepare("DELETE FROM presence_samples WHERE at < ?"),
    };
    this.insertAll = db.transaction((samples: readonly PresenceSampleRow[]) => {
      for (const sample of samples) this.stmt.put.run(sample.areaCode, sample.at, sample.total, JSON.stringify(sample.modes));
    });
  }

  async recordSamples(samples: readonly PresenceSampleRow[]): Promise<void> {
    if (samples.length > 0) this.insertAll(samples);
  }

  async readSamples(query: { areaCode: string; since?: string; until?: string; limit: number }): Promise<PresenceSampleRow[]> {
    const rows = this.stmt.read.all(query.areaCode, query.since ?? "", query.until ?? "\uffff", query.limit) as Array<{
      at: string;
      total: number;
      modes: string;
    }>;
    return rows
      .reverse()
      .map((row) => ({ areaCode: query.areaCode, at: row.at, total: row.total, modes: JSON.parse(row.modes) as ModePlayers[] }));
  }

  async pruneSamples(before: string): Promise<number> {
    return this.stmt.prune.run(before).changes;
  }
}
