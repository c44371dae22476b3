/**
 * The zod-free entry, `@hoard/protocol/client`: what clients (the SDK, the web console) need
 * at run time — the error registry and `HoardError`, topic names, the events' transport table
 * (`eventMeta`: which ones are mutations), the pure helpers — and the
 * types of every message. The schemas stay behind the main entry, which only the server
 * imports: a client never parses, and zod would be most of a browser bundle.
 *
 * `export type *` keeps each schema module's names for types only (`Player` the type, not the
 * schema), so no module that builds a schema is ever loaded from here.
 */

export type * from "./cart.js";
export * from "./changes.js";
export type * from "./cluster.js";
export type * from "./common.js";
export * from "./days.js";
export * from "./envelope.js";
export * from "./errors.js";
export * from "./event-meta.js";
export type * from "./events.js";
export type * from "./inventory.js";
export type * from "./items.js";
export type * from "./loot.js";
export type * from "./presence.js";
export type * from "./push.js";
export type * from "./resync.js";
export type * from "./stock.js";
export * from "./topics.js";
export type * from "./trade.js";
