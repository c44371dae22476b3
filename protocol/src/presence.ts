import { z } from "zod";
import { Limit, PlayerId, Timestamp, Version } from "./common.js";

/** An area (region, server, map) as game servers name it, e.g. `eu-west` or `042`. */
export const AreaCode = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, "letters, digits, _ and -, starting with a letter or digit, ≤ 32");

/** A multiplayer mode, e.g. `battle_royale` or `TDM`. */
export const Mode = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, "letters, digits, _ and -, starting with a letter or digit, ≤ 32");

/**
 * A game server's id for one presence event. Scoped to the caller (role + subject), like op ids:
 * a repeat within the window is counted as a duplicate and changes nothing.
 */
export const PresenceEventId = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, "1–100 characters of A–Z a–z 0–9 _ . : -");

const Players = z.number().int().min(0);

export const ModePlayers = z.strictObject({ mode: Mode, players: Players });
export type ModePlayers = z.infer<typeof ModePlayers>;

/** Players of one area by mode, most played first. `seq` counts the area's changes. */
export const AreaStats = z.strictObject({
  areaCode: AreaCode,
  modes: z.array(ModePlayers),
  total: Players,
  seq: Version,
  asOf: Timestamp,
});
export type AreaStats = z.infer<typeof AreaStats>;

export const PresenceLoginInput = z.strictObject({ areaCode: AreaCode, mode: Mode });
export const PresenceLoginOutput = z.strictObject({ userId: PlayerId, areaCode: AreaCode, mode: Mode });

export const PresenceLogoutInput = z.strictObject({});
/** `ended` is false when this connection held no presence (nothing changed). */
export const PresenceLogoutOutput = z.strictObject({ userId: PlayerId, ended: z.boolean() });

export const PresenceEvent = z.strictObject({
  eventId: PresenceEventId,
  userId: PlayerId,
  areaCode: AreaCode,
  mode: Mode,
  event: z.enum(["LOGIN", "LOGOUT"]),
});
export type PresenceEvent = z.infer<typeof PresenceEvent>;

export const MAX_PRESENCE_BATCH = 1000;
export const PresenceIngestInput = z.strictObject({ events: z.array(PresenceEvent).min(1).max(MAX_PRESENCE_BATCH) });
/** `duplicates`: events whose id was already seen within the window; they changed nothing. */
export const PresenceIngestOutput = z.strictObject({ received: z.number().int().min(0), duplicates: z.number().int().min(0) });

export const PresenceStatsInput = z.strictObject({ areaCode: AreaCode });
export const PresenceStatsOutput = AreaStats;

export const PresenceAreasInput = z.strictObject({ limit: Limit.optional() });
export const PresenceAreasOutput = z.strictObject({
  /** The busiest areas first. */
  areas: z.array(z.strictObject({ areaCode: AreaCode, players: Players })),
  /** Areas with at least one player. */
  areaCount: z.number().int().min(0),
  /** Players present anywhere. */
  players: Players,
  asOf: Timestamp,
});

export const PresenceSample = z.strictObject({ at: Timestamp, total: Players, modes: z.array(ModePlayers) });
export type PresenceSample = z.infer<typeof PresenceSample>;

export const PresenceHistoryInput = z.strictObject({
  areaCode: AreaCode,
  /** Samples taken at or after this time (ISO 8601). */
  since: z.iso.datetime().optional(),
  /** Samples taken before this time (ISO 8601). */
  until: z.iso.datetime().optional(),
  limit: Limit.optional(),
});
/** The latest `limit` samples in the range, oldest first. */
export const PresenceHistoryOutput = z.strictObject({ areaCode: AreaCode, samples: z.array(PresenceSample) });

/**
 * Push of `area/{code}`: the whole mode list, so a subscriber that missed a push needs only the
 * next one. `seq` is the area's change counter: it only grows, and skips values when changes
 * were coalesced into one push.
 */
export const AreaPush = z.strictObject({
  type: z.literal("area"),
  topic: z.string(),
  seq: Version,
  stats: AreaStats,
});
export type AreaPush = z.infer<typeof AreaPush>;
