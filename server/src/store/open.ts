import type { Config } from "../config";
import { ConfigError } from "../config";
import { storeOpenFailure } from "../startup";
import type { Store } from "./port";
import { SqliteStore } from "./sqlite/sqlite-store";

/**
 * Picks and opens the engine: MongoDB when MONGODB_URL is set (connects and checks the server
 * first, hence async), the embedded sqlite file otherwise. main.ts calls this and hands the
 * store to createApp.
 */
export async function openStore(config: Config, now?: () => number): Promise<Store> {
  if (config.mongoUrl) {
    // Imported only when asked for: the driver is large, and a node on sqlite never loads it.
    const { openMongoStore } = await import("./mongo/mongo-store");
    return openMongoStore({ url: config.mongoUrl, database: config.mongoDatabase, tuning: config.mongoTuning, ...(now ? { now } : {}) });
  }
  return openEmbeddedStore(config);
}

/**
 * The store createApp opens itself when it is given none: the embedded engine, which opens
 * synchronously. A MongoDB configuration must come through openStore; refusing it here keeps a
 * node from quietly running on a local file when the operator asked for MongoDB.
 */
export function openEmbeddedStore(config: Config, now?: () => number): Store {
  if (config.mongoUrl) {
    throw new ConfigError("MONGODB_URL is set: open the store with `await openStore(config)` and pass it to createApp as overrides.store");
  }
  try {
    return new SqliteStore({
      path: config.db,
      synchronous: config.sqliteSynchronous,
      playerCacheSize: config.sqlitePlayerCache,
      ...(now ? { now } : {}),
    });
  } catch (error) {
    throw storeOpenFailure(error, config.db);
  }
}
