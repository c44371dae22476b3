import type { HoardClient, PresenceEvent } from "@hoard/client-sdk";
import { heroes } from "../catalog";
import { Dice, every, type Traffic } from "../simulator";

/**
 * Presence traffic: a few heroes log in on their own connections and hop between areas and
 * modes; a game server reports the LOGIN/LOGOUT churn of a few hundred more players over HTTP
 * events (`presence:ingest`). The online population swells and ebbs over a few minutes, and each
 * area has its own favourite modes, so the areas list, the popularity bars and the sparkline
 * all move.
 */
const areas = ["eu-west", "eu-north", "us-east", "us-west", "asia-se"] as const;
const modes = ["battle_royale", "team_deathmatch", "duel", "capture_the_flag", "co-op"] as const;
/** Relative popularity of each mode, per area (same order as `modes`). */
const taste: Record<(typeof areas)[number], number[]> = {
  "eu-west": [6, 3, 2, 1, 1],
  "eu-north": [2, 2, 4, 1, 2],
  "us-east": [5, 5, 1, 2, 1],
  "us-west": [4, 2, 1, 4, 1],
  "asia-se": [3, 1, 1, 1, 5],
};
/** How much of the crowd each area draws. */
const areaWeights = [5, 2, 4, 3, 3];
const crowd = 400;
/** One swell and ebb of the online population. */
const cycleMs = 4 * 60_000;
/** Game-server LOGINs last 5 minutes on the node unless refreshed; refresh well before. */
const refreshMs = 2 * 60_000;

export const presenceTraffic: Traffic = {
  name: "presence",
  async run(ctx) {
    const dice = new Dice(Number(process.env.HOARD_DEMO_SEED ?? Date.now()) + 3);
    const [gm] = ctx.servers;
    if (!gm) throw new Error("the presence traffic needs a server connection");
    const pickWeighted = <T>(items: readonly T[], weights: readonly number[]): T => {
      let roll = dice.next() * weights.reduce((a, b) => a + b, 0);
      for (const [i, item] of items.entries()) {
        roll -= weights[i] ?? 0;
        if (roll < 0) return item;
      }
      return items[0] as T;
    };
    const place = () => {
      const areaCode = pickWeighted(areas, areaWeights);
      return { areaCode, mode: pickWeighted(modes, taste[areaCode]) };
    };

    // Heroes on their own connections: bound presence, as a game client would hold it.
    const travellers: HoardClient[] = [];
    for (const id of heroes.slice(3, 9)) travellers.push(await ctx.connectAs("player", id));
    for (const client of travellers) {
      const { areaCode, mode } = place();
      await ctx.stats.count(client.presence.login(areaCode, mode));
    }

    // The rest as a game server reports them.
    const online = new Map<string, { areaCode: string; mode: string; at: number }>();
    const started = Date.now();
    await every(400, ctx.signal, async () => {
      const now = Date.now();
      const wave = 0.55 + 0.4 * Math.sin(((now - started) / cycleMs) * 2 * Math.PI);
      const target = Math.round(crowd * wave);
      const events: Omit<PresenceEvent, "eventId">[] = [];
      const churn = dice.int(2, 8);
      for (let i = 0; i < churn; i++) {
        const userId = `gamer${String(dice.int(1, crowd)).padStart(4, "0")}`;
        const here = online.get(userId);
        if (here && (online.size > target || dice.chance(0.3))) {
          events.push({ userId, areaCode: here.areaCode, mode: here.mode, event: "LOGOUT" });
          online.delete(userId);
        } else if (!here && online.size < target) {
          const next = { ...place(), at: now };
          events.push({ userId, areaCode: next.areaCode, mode: next.mode, event: "LOGIN" });
          online.set(userId, next);
        }
      }
      for (const [userId, here] of online) {
        if (now - here.at < refreshMs) continue;
        here.at = now;
        events.push({ userId, areaCode: here.areaCode, mode: here.mode, event: "LOGIN" });
      }
      if (events.length > 0) await ctx.stats.count(gm.presence.ingest(events));
      if (dice.chance(0.05)) {
        const { areaCode, mode } = place();
        await ctx.stats.count(dice.pick(travellers).presence.login(areaCode, mode));
      }
    });
  },
};
