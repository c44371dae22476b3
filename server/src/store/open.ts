import type { Config } from "../config";
import { ConfigError } from "../config";
import type { Store } from "./port";
import { SqliteStore } from "./sqlite/sqlite-store";

/** Picks the engine: MongoDB when MONGODB_URL is set, the embedded sqlite file otherwise. */
export function openStore(config: Config): Store {
  if (config.mongoUrl) {
    throw new ConfigError("MONGODB_URL is set, but this build has no MongoDB engine yet; unset it to use the embedded store");
  }
  return new SqliteStore({ path: config.db, synchronous: config.sqliteSynchronous });
}
