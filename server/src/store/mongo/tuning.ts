import { ReadPreference } from "mongodb";
import { DEFAULT_CONFLICT_BUDGET_MS } from "./transaction";

/**
 * The MongoDB engine's limits an operator may tune (README, Configuration: HOARD_MONGO_*). Each
 * bounds how long one request can hold a player's in-process lock or a server's resources.
 */
export interface MongoTuning {
  /** How long a commit keeps retrying conflicts and elections, from its first attempt. */
  conflictBudgetMs: number;
  /** How long a write or a commit waits for a majority: `wtimeoutMS`, and `maxCommitTimeMS` on commits. */
  writeTimeoutMs: number;
  /** `maxTimeMS` of each economy question (aggregations over every player or a period's trades). */
  analyticsTimeoutMs: number;
  /** Where the economy questions read: the primary, or a secondary at most 90 s behind when one is up. */
  analyticsRead: "primary" | "secondaryPreferred";
  /** Stock import rows per transaction: a MongoDB transaction should stay small (see stock-store.ts). */
  importBatchRows: number;
}

export const defaultMongoTuning: MongoTuning = {
  conflictBudgetMs: DEFAULT_CONFLICT_BUDGET_MS,
  writeTimeoutMs: 10_000,
  analyticsTimeoutMs: 30_000,
  analyticsRead: "secondaryPreferred",
  importBatchRows: 1000,
};

/** How long the driver waits for a suitable server (a primary, for writes) when the URL does not say. */
export const DEFAULT_SERVER_SELECTION_MS = 5000;

/** The lowest bound the server accepts for `maxStalenessSeconds`. */
const MAX_STALENESS_SECONDS = 90;

/** The options of an economy question's aggregation: bounded in time, off the primary where allowed. */
export function analyticsOptions(tuning: MongoTuning): { readPreference: ReadPreference; maxTimeMS: number } {
  const readPreference =
    tuning.analyticsRead === "primary"
      ? ReadPreference.primary
      : new ReadPreference(ReadPreference.SECONDARY_PREFERRED, undefined, { maxStalenessSeconds: MAX_STALENESS_SECONDS });
  return { readPreference, maxTimeMS: tuning.analyticsTimeoutMs };
}
