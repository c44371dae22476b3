import { type ClientEventName, HoardError, type Role } from "@hoard/protocol";
import type { Principal } from "./tokens";

/**
 * Authorization rules shared by every action. A rule throws AUTH_FORBIDDEN or returns.
 * `player` reaches only its own state; `server` (a trusted game server) and `admin`
 * (the console) reach every player; `viewer` (the read-only console) reads every player
 * and acts on nothing (see `refuseViewerWrites`).
 */
export type Rule<I> = (principal: Principal, input: I) => void;

export function forbidden(message: string): HoardError {
  return new HoardError("AUTH_FORBIDDEN", message);
}

/** Any authenticated caller. */
export const anyRole: Rule<unknown> = () => {};

export function roles(...allowed: Role[]): Rule<unknown> {
  return (principal) => {
    if (!allowed.includes(principal.role)) throw forbidden(`needs the ${allowed.join(" or ")} role`);
  };
}

/** The player itself, or any server, admin or viewer. */
export function selfOrTrusted<I>(playerIdOf: (input: I) => string): Rule<I> {
  return (principal, input) => {
    if (principal.role === "player" && principal.sub !== playerIdOf(input)) {
      throw forbidden("a player may only reach its own state");
    }
  };
}

/**
 * Whether each event only reads (or watches) or may change something. A Record over every
 * event, so a new event does not compile until someone says which it is; the viewer role may
 * send only the `read` ones. Subscribing is a read: it changes no state, only what the
 * connection is told.
 */
export const eventAccess: Readonly<Record<ClientEventName, "read" | "write">> = {
  "items:create": "write",
  "items:get": "read",
  "items:list": "read",
  "kits:put": "write",
  "kits:get": "read",
  "kits:list": "read",
  "loot:create": "write",
  "loot:get": "read",
  "loot:list": "read",
  "loot:replay": "read",
  "players:create": "write",
  "players:get": "read",
  "players:list": "read",
  "players:disconnect": "write",
  "inventory:apply": "write",
  "inventory:reverse": "write",
  "inventory:list": "read",
  "inventory:history": "read",
  "inventory:resync": "read",
  "cart:get": "read",
  "cart:add": "write",
  "cart:update": "write",
  "cart:remove": "write",
  "cart:clear": "write",
  "cart:checkout": "write",
  "cart:orders": "read",
  "shop:put": "write",
  "shop:list": "read",
  "shop:remove": "write",
  "shop:supply": "write",
  "shop:supplies": "read",
  "trades:propose": "write",
  "trades:accept": "write",
  "trades:decline": "write",
  "trades:cancel": "write",
  "trades:get": "read",
  "trades:list": "read",
  "trades:history": "read",
  "trades:execute": "write",
  "economy:tradeCounts": "read",
  "economy:topItems": "read",
  "economy:imbalancedTrades": "read",
  "economy:diverseInventories": "read",
  "economy:richestPlayers": "read",
  "presence:login": "write",
  "presence:logout": "write",
  "presence:ingest": "write",
  "presence:stats": "read",
  "presence:areas": "read",
  "presence:history": "read",
  "stock:acquire": "write",
  "stock:sell": "write",
  "stock:setPartitions": "write",
  "stock:read": "read",
  "stock:list": "read",
  "cluster:nodes": "read",
  "cluster:sockets": "read",
  "sub:subscribe": "read",
  "sub:unsubscribe": "read",
};

/**
 * The viewer's one rule, checked by the dispatcher before anything else an event does (even
 * before its payload is parsed), so no action's own rule can forget it.
 */
export function refuseViewerWrites(principal: Principal, event: ClientEventName): void {
  if (principal.role === "viewer" && eventAccess[event] !== "read") throw forbidden(`the viewer role only reads; ${event} changes state`);
}
