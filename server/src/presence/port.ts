import type { ModePlayers } from "@hoard/protocol";

/** One area's players by mode at one sample time. */
export interface PresenceSampleRow {
  areaCode: string;
  /** ISO time of the sample (the start of its period). */
  at: string;
  total: number;
  modes: ModePlayers[];
}

/**
 * The store's presence history: samples of each area's players, for charts and analytics.
 * Taking a sample again for the same area and time replaces it, so several nodes sharing one
 * store may all sample.
 */
export interface PresenceHistoryStore {
  recordSamples(samples: readonly PresenceSampleRow[]): Promise<void>;
  /** The latest `limit` samples of an area within [since, until), oldest first. */
  readSamples(query: { areaCode: string; since?: string; until?: string; limit: number }): Promise<PresenceSampleRow[]>;
  /** Forgets samples taken before `before` (ISO); answers how many. */
  pruneSamples(before: string): Promise<number>;
}
