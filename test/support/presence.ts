import { randomUUID } from "node:crypto";
import type { PresenceEvent } from "@hoard/protocol";

/** A fresh area code, so tests sharing one node (and one Redis) never see each other's players. */
export function newArea(label = "area"): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

export function presenceEvent(fields: Omit<PresenceEvent, "eventId"> & { eventId?: string }): PresenceEvent {
  return { eventId: randomUUID(), ...fields };
}

/** A small seeded PRNG (mulberry32), so a failing generated run can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The origin's generator: 500–1000 random LOGIN events over 10 users, 10 modes and 19 areas;
 * about half are followed (a few events later) by the LOGOUT of the same user, area and mode.
 * Also answers what the counts must be: the users still logged in, by area and mode, worked
 * out by a plain model (a user is where its latest LOGIN put it; a LOGOUT clears the user
 * only if it names where the user is).
 */
export function originWorkload(options: { seed: number; prefix: string }): {
  events: PresenceEvent[];
  expected: Map<string, Map<string, number>>;
  areaCodes: string[];
} {
  const random = seeded(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const users = Array.from({ length: 10 }, (_, i) => `${options.prefix}-user${i}`);
  const modes = Array.from({ length: 10 }, (_, i) => `mode${i}`);
  const areaCodes = Array.from({ length: 19 }, (_, i) => `${options.prefix}-a${i}`);
  const logins = 500 + Math.floor(random() * 501);

  const events: PresenceEvent[] = [];
  const later: Array<{ at: number; event: PresenceEvent }> = [];
  for (let i = 0; i < logins; i++) {
    const fields = { userId: pick(users), areaCode: pick(areaCodes), mode: pick(modes) };
    events.push(presenceEvent({ ...fields, event: "LOGIN" }));
    if (random() < 0.5) later.push({ at: events.length + Math.floor(random() * 20), event: presenceEvent({ ...fields, event: "LOGOUT" }) });
    for (let j = later.length - 1; j >= 0; j--) {
      const due = later[j];
      if (due && due.at <= events.length) {
        events.push(due.event);
        later.splice(j, 1);
      }
    }
  }
  for (const { event } of later) events.push(event);

  const where = new Map<string, { areaCode: string; mode: string }>();
  for (const event of events) {
    const current = where.get(event.userId);
    if (event.event === "LOGIN") where.set(event.userId, { areaCode: event.areaCode, mode: event.mode });
    else if (current?.areaCode === event.areaCode && current.mode === event.mode) where.delete(event.userId);
  }
  const expected = new Map<string, Map<string, number>>();
  for (const { areaCode, mode } of where.values()) {
    const byMode = expected.get(areaCode) ?? new Map<string, number>();
    byMode.set(mode, (byMode.get(mode) ?? 0) + 1);
    expected.set(areaCode, byMode);
  }
  return { events, expected, areaCodes };
}

/** Expected stats of an area as the server answers them: most played first, ties by mode. */
export function expectedModes(byMode: Map<string, number> | undefined): Array<{ mode: string; players: number }> {
  return [...(byMode ?? [])]
    .map(([mode, players]) => ({ mode, players }))
    .sort((a, b) => b.players - a.players || (a.mode < b.mode ? -1 : 1));
}
