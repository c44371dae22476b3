import { z } from "zod";
import { Version } from "./common.js";
import { HistoryEntry } from "./inventory.js";
import { AreaPush } from "./presence.js";
import { MAX_SHORT_DAYS_LISTED, MAX_STOCK_RANGE_DAYS, StockDay, StockKey, StockShortDay, stockKeyPattern } from "./stock.js";
import { TradeOffer, TradeRecord } from "./trade.js";

/** A topic the server accepts; topics.ts names and splits them. */
export const Topic = z
  .string()
  .max(160)
  .regex(
    new RegExp(
      "^(?:(?:inventory|trades)/[A-Za-z0-9][A-Za-z0-9_-]{0,63}|trades/_suspicious|area/[A-Za-z0-9][A-Za-z0-9_-]{0,31}" +
        `|stock/${stockKeyPattern}|stockprefix/(?:${stockKeyPattern})?)$`,
    ),
    "a topic such as inventory/{playerId}, trades/{playerId}, trades/_suspicious, area/{areaCode}, stock/{key} or stockprefix/{prefix}",
  );
export type Topic = z.infer<typeof Topic>;

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
/**
 * A committed change of one stock key, on `stock/{key}` and on `stockprefix/{p}` for every
 * whole-segment prefix p of the key (`stockprefix/` and the key itself included). `seq` is the key's version, so on a
 * prefix topic the sequence is per key. `totals` are the new day totals of from..to (absent
 * for imports: re-read the range).
 */
export const StockPush = z.strictObject({
  type: z.literal("stock"),
  topic: z.string(),
  seq: Version,
  key: StockKey,
  kind: z.enum(["acquire", "sell", "setPartitions", "import"]),
  opId: z.string(),
  from: StockDay,
  to: StockDay,
  totals: z.array(z.number().int()).max(MAX_STOCK_RANGE_DAYS).optional(),
});
/** A sale with `allowNegative` took days below zero (the origin's NegativeInventoryDetected); same topics and seq as its change. */
export const StockNegativePush = z.strictObject({
  type: z.literal("stock:negative"),
  topic: z.string(),
  seq: Version,
  key: StockKey,
  opId: z.string(),
  negativeDays: z.number().int().min(1),
  negative: z.array(StockShortDay).max(MAX_SHORT_DAYS_LISTED),
});
export const PushMessage = z.discriminatedUnion("type", [InventoryPush, TradePush, AreaPush, StockPush, StockNegativePush]);
export type PushMessage = z.infer<typeof PushMessage>;
export type InventoryPush = z.infer<typeof InventoryPush>;
export type TradePush = z.infer<typeof TradePush>;
export type StockPush = z.infer<typeof StockPush>;
export type StockNegativePush = z.infer<typeof StockNegativePush>;
