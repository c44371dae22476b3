import { describe, expect, it } from "vitest";
import { EVENTS_OWNER, type Presence, sortAreas, sortModes, transition } from "./rules";

const at = (fields: Partial<Presence> = {}): Presence => ({ areaCode: "eu", mode: "duel", owner: "c1", expiresAt: 0, ...fields });
const login = (fields: { areaCode?: string; mode?: string; owner?: string; expiresAt?: number } = {}) => ({
  type: "login" as const,
  areaCode: "eu",
  mode: "duel",
  owner: "c1",
  expiresAt: 0,
  ...fields,
});

describe("presence rules", () => {
  it("a first login counts one", () => {
    expect(transition(undefined, login())).toEqual({ next: at(), deltas: [{ areaCode: "eu", mode: "duel", by: 1 }], ignored: false });
  });

  it("a repeated login counts once, and takes the presence over (refreshing its expiry)", () => {
    expect(transition(at(), login({ owner: "c2" }))).toEqual({ next: at({ owner: "c2" }), deltas: [], ignored: false });
    expect(transition(at({ owner: EVENTS_OWNER, expiresAt: 5 }), login({ owner: EVENTS_OWNER, expiresAt: 9 })).next?.expiresAt).toBe(9);
  });

  it("a login elsewhere moves the one count", () => {
    expect(transition(at(), login({ areaCode: "us", mode: "raid" })).deltas).toEqual([
      { areaCode: "eu", mode: "duel", by: -1 },
      { areaCode: "us", mode: "raid", by: 1 },
    ]);
  });

  it("a logout without a presence, or from another owner, changes nothing", () => {
    expect(transition(undefined, { type: "logout", owner: "c1" })).toEqual({ next: undefined, deltas: [], ignored: true });
    expect(transition(at(), { type: "logout", owner: "c2" })).toEqual({ next: at(), deltas: [], ignored: true });
  });

  it("a LOGOUT event must name where the user is", () => {
    const current = at({ owner: EVENTS_OWNER, expiresAt: 10 });
    expect(transition(current, { type: "logout", owner: EVENTS_OWNER, areaCode: "us", mode: "duel" }).ignored).toBe(true);
    expect(transition(current, { type: "logout", owner: EVENTS_OWNER, areaCode: "eu", mode: "raid" }).ignored).toBe(true);
    expect(transition(current, { type: "logout", owner: EVENTS_OWNER, areaCode: "eu", mode: "duel" })).toEqual({
      next: undefined,
      deltas: [{ areaCode: "eu", mode: "duel", by: -1 }],
      ignored: false,
    });
  });

  it("sorts modes and areas by players, ties by name, and drops empty ones", () => {
    expect(
      sortModes([
        { mode: "b", players: 2 },
        { mode: "c", players: 5 },
        { mode: "a", players: 2 },
        { mode: "z", players: 0 },
      ]),
    ).toEqual([
      { mode: "c", players: 5 },
      { mode: "a", players: 2 },
      { mode: "b", players: 2 },
    ]);
    expect(
      sortAreas([
        { areaCode: "y", players: 1 },
        { areaCode: "x", players: 1 },
        { areaCode: "w", players: 0 },
      ]),
    ).toEqual([
      { areaCode: "x", players: 1 },
      { areaCode: "y", players: 1 },
    ]);
  });
});
