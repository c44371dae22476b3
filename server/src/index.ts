export { type AppOverrides, createApp, type HoardApp } from "./app";
export { signingSecret } from "./auth/dev-secret";
export { type Config, ConfigError, loadConfig } from "./config";
export { MongoStore, openMongoStore } from "./store/mongo/mongo-store";
export { openStore } from "./store/open";
export type { Store } from "./store/port";
export { SqliteStore } from "./store/sqlite/sqlite-store";
