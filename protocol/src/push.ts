import { z } from "zod";
import { Version } from "./common";
import { HistoryEntry } from "./inventory";
import { AreaPush } from "./presence";
import { TradeOffer, TradeRecord } from "./trade";

/**
 * Topics a client may subscribe to. Each push carries its topic and a sequence number;
 * a subscriber that sees a gap in the sequence resyncs.
 */
export const topicKinds = ["inventory", "trades", "area"] as const;
export type TopicKind = (typeof topicKinds)[number];

export const Topic = z
  .string()
  .max(160)
  .regex(
    /^(inventory|trades)\/[A-Za-z0-9][A-Za-z0-9_-]{0,63}$|^trades\/_suspicious$|^area\/[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/,
    "a topic such as inventory/{playerId}, trades/{playerId}, trades/_suspicious or area/{areaCode}",
  );
export type Topic = z.infer<typeof Topic>;

export function topicOf(kind: TopicKind, key: string): string {
  return `${kind}/${key}`;
}

/** Splits a validated topic into its kind and key. */
export function parseTopic(topic: string): { kind: TopicKind; key: string } {
  const slash = topic.indexOf("/");
  return { kind: topic.slice(0, slash) as TopicKind, key: topic.slice(slash + 1) };
}

export const SubscribeInput = z.strictObject({ topic: Topic });
export const SubscribeOutput = z.strictObject({ topic: Topic, seq: Version });
export const UnsubscribeInput = z.strictObject({ topic: Topic });
export const UnsubscribeOutput = z.strictObject({ topic: Topic });

/**
 * Server → client pushes: a union on `type`. `seq` of an inventory push is the player version;
 * of an area push, the area's change counter (see presence.ts).
 */
export const InventoryPush = z.strictObject({
  type: z.literal("inventory"),
  topic: z.string(),
  seq: Version,
  entry: HistoryEntry,
});

/** The admin feed of suspicious trades. No player id can spell it (ids start with a letter or digit). */
export const SUSPICIOUS_TRADES_KEY = "_suspicious";

export const TradeEventKind = z.enum(["proposed", "accepted", "declined", "cancelled", "expired", "refused", "executed", "suspicious"]);
export type TradeEventKind = z.infer<typeof TradeEventKind>;

/**
 * A trade event on `trades/{playerId}` (both parties' feeds) or `trades/_suspicious` (admins).
 * `seq` counts the feed's events, one by one, committed with the event itself: a jump means
 * missed pushes (resync with trades:list / economy:imbalancedTrades).
 */
export const TradePush = z.strictObject({
  type: z.literal("trade"),
  topic: z.string(),
  seq: Version,
  event: TradeEventKind,
  offer: TradeOffer.optional(),
  trade: TradeRecord.optional(),
});
export const PushMessage = z.discriminatedUnion("type", [InventoryPush, TradePush, AreaPush]);
export type PushMessage = z.infer<typeof PushMessage>;
export type InventoryPush = z.infer<typeof InventoryPush>;
export type TradePush = z.infer<typeof TradePush>;
