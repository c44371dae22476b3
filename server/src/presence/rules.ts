/**
 * Pure presence rules: no I/O, no clock. The in-process engine runs them as they are; the
 * Redis engine runs the same rules in its Lua scripts (redis-scripts.ts), and one test suite
 * holds both engines to them.
 *
 * - A user has at most one presence (one area, one mode), so it is counted once.
 * - The latest login owns the presence: a login elsewhere moves it, a login to the same place
 *   only refreshes it (counts once).
 * - Only the owner ends it: the connection that logged in last (logout or disconnect), or, for a
 *   presence a game server reported, a LOGOUT event naming the same area and mode. Anything
 *   else (a LOGOUT without a LOGIN, a stale LOGOUT for a place the user has left, closing an
 *   older tab) changes nothing.
 * - Counts move by exactly the deltas below, so they never go negative.
 */

/** Owner of presences reported by game servers (presence:ingest). */
export const EVENTS_OWNER = "e";

export interface Presence {
  areaCode: string;
  mode: string;
  /** A connection id, or EVENTS_OWNER. */
  owner: string;
  /** Epoch ms after which an event presence is gone; 0 for a connection's presence (it ends with the connection). */
  expiresAt: number;
}

export type PresenceChange =
  | { type: "login"; areaCode: string; mode: string; owner: string; expiresAt: number }
  /** Ends the presence if `owner` holds it and, when given, it is in that area and mode. */
  | { type: "logout"; owner: string; areaCode?: string; mode?: string };

interface CountDelta {
  areaCode: string;
  mode: string;
  by: 1 | -1;
}

export interface Transition {
  /** The user's presence afterwards (undefined = none). */
  next: Presence | undefined;
  deltas: CountDelta[];
  /** True when the change was refused and nothing at all changed. */
  ignored: boolean;
}

export function transition(current: Presence | undefined, change: PresenceChange): Transition {
  if (change.type === "login") {
    const next: Presence = { areaCode: change.areaCode, mode: change.mode, owner: change.owner, expiresAt: change.expiresAt };
    if (!current) return { next, deltas: [{ areaCode: next.areaCode, mode: next.mode, by: 1 }], ignored: false };
    if (current.areaCode === next.areaCode && current.mode === next.mode) return { next, deltas: [], ignored: false };
    return {
      next,
      deltas: [
        { areaCode: current.areaCode, mode: current.mode, by: -1 },
        { areaCode: next.areaCode, mode: next.mode, by: 1 },
      ],
      ignored: false,
    };
  }
  if (!current || current.owner !== change.owner) return { next: current, deltas: [], ignored: true };
  if (change.areaCode !== undefined && (change.areaCode !== current.areaCode || change.mode !== current.mode)) {
    return { next: current, deltas: [], ignored: true };
  }
  return { next: undefined, deltas: [{ areaCode: current.areaCode, mode: current.mode, by: -1 }], ignored: false };
}

export interface ModeCount {
  mode: string;
  players: number;
}

/** Most played first; equal counts by mode name, so the order is stable. */
export function sortModes(modes: Iterable<ModeCount>): ModeCount[] {
  return [...modes].filter((entry) => entry.players > 0).sort((a, b) => b.players - a.players || compare(a.mode, b.mode));
}

/** Busiest first; equal counts by area code. */
export function sortAreas<T extends { areaCode: string; players: number }>(areas: Iterable<T>): T[] {
  return [...areas].filter((entry) => entry.players > 0).sort((a, b) => b.players - a.players || compare(a.areaCode, b.areaCode));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
