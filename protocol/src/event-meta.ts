import type { ClientEventName } from "./events.js";

/**
 * The zod-free half of the event table: per event, whether it changes state and whether it
 * carries an opId. It sits apart from the schemas and REST routes (`events.ts`) because the
 * client entry exports it at run time (the SDK fills an opId and resends a write by it) without
 * loading zod, and small: the browser bundle carries these flags, not the routes. A row for
 * every event is checked by the compiler (`satisfies` below) and against the schemas by
 * event-meta.test.ts.
 */

export interface EventMeta {
  /** Changes state: the SDK waits for the connection and sends it again after a lost ack. */
  mutation: boolean;
  /**
   * `false` for a mutation that is idempotent by its content (an item's id is its hash, a kit
   * or price is put whole, presence events carry their ids) and so carries no opId. Every other
   * mutation carries an opId, which the SDK fills.
   */
  opId?: false;
}

export const eventMeta = {
  "items:create": { mutation: true, opId: false },
  "items:get": { mutation: false },
  "items:list": { mutation: false },
  "kits:put": { mutation: true, opId: false },
  "kits:get": { mutation: false },
  "kits:list": { mutation: false },
  "loot:create": { mutation: true, opId: false },
  "loot:get": { mutation: false },
  "loot:list": { mutation: false },
  "loot:replay": { mutation: false },
  "players:create": { mutation: true },
  "players:get": { mutation: false },
  "players:list": { mutation: false },
  // An operator's act on connections, not on state: sent once, never resent after a lost ack.
  "players:disconnect": { mutation: false },
  "inventory:apply": { mutation: true },
  "inventory:reverse": { mutation: true },
  "inventory:list": { mutation: false },
  "inventory:history": { mutation: false },
  "inventory:resync": { mutation: false },
  "cart:get": { mutation: false },
  "cart:add": { mutation: true },
  "cart:update": { mutation: true },
  "cart:remove": { mutation: true },
  "cart:clear": { mutation: true },
  "cart:checkout": { mutation: true },
  "cart:orders": { mutation: false },
  "shop:put": { mutation: true, opId: false },
  "shop:list": { mutation: false },
  "shop:remove": { mutation: true, opId: false },
  "shop:supply": { mutation: true, opId: false },
  "shop:supplies": { mutation: false },
  "trades:propose": { mutation: true },
  "trades:accept": { mutation: true },
  "trades:decline": { mutation: true },
  "trades:cancel": { mutation: true },
  "trades:get": { mutation: false },
  "trades:list": { mutation: false },
  "trades:history": { mutation: false },
  "trades:execute": { mutation: true },
  "economy:tradeCounts": { mutation: false },
  "economy:topItems": { mutation: false },
  "economy:imbalancedTrades": { mutation: false },
  "economy:diverseInventories": { mutation: false },
  "economy:richestPlayers": { mutation: false },
  "presence:login": { mutation: true, opId: false },
  "presence:logout": { mutation: true, opId: false },
  "presence:ingest": { mutation: true, opId: false },
  "presence:stats": { mutation: false },
  "presence:areas": { mutation: false },
  "presence:history": { mutation: false },
  "stock:acquire": { mutation: true },
  "stock:sell": { mutation: true },
  "stock:setPartitions": { mutation: true },
  "stock:read": { mutation: false },
  "stock:list": { mutation: false },
  "cluster:nodes": { mutation: false },
  "cluster:sockets": { mutation: false },
  "sub:subscribe": { mutation: false },
  "sub:unsubscribe": { mutation: false },
} as const satisfies { readonly [E in ClientEventName]: EventMeta };

/** Events that carry an opId (the SDK fills it when the caller gives none). */
export type OpIdEvent = {
  [E in ClientEventName]: (typeof eventMeta)[E] extends { mutation: true; opId: false } | { mutation: false } ? never : E;
}[ClientEventName];

/** True for an event whose payload carries an opId. */
export function takesOpId(event: ClientEventName): event is OpIdEvent {
  const meta: EventMeta = eventMeta[event];
  return meta.mutation && meta.opId !== false;
}
