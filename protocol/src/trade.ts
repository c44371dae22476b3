import { z } from "zod";
import { Actor, Category, Cursor, ItemId, Limit, Name, OpId, PlayerId, Quantity, Reason, Timestamp, Version } from "./common.js";

/**
 * Player-to-player trades: offers (propose → accept | decline | cancel | expire) and direct
 * trades run by a trusted server. Every execution is one atomic swap across both players.
 */

/** An offer's id (and a trade record's): 32 hex characters derived from the caller and its opId. */
export const TradeId = z.string().regex(/^[0-9a-f]{32}$/, "32 lower-case hex characters");

/** Items of one stack: taken from `category` of the giver; landing in the same category of the receiver unless it names `into`. */
export const TradeLine = z.strictObject({ category: Category, itemId: ItemId, quantity: Quantity });
export type TradeLine = z.infer<typeof TradeLine>;

/** What one side hands over. */
export const TradeBundle = z.strictObject({
  items: z.array(TradeLine).max(50).default([]),
  currencies: z
    .record(Name, Quantity)
    .refine((currencies) => Object.keys(currencies).length <= 16, "at most 16 currencies")
    .default({}),
});
export type TradeBundle = z.infer<typeof TradeBundle>;
export type TradeBundleInput = z.input<typeof TradeBundle>;

export const OfferStatus = z.enum(["pending", "accepted", "declined", "cancelled", "expired"]);
export type OfferStatus = z.infer<typeof OfferStatus>;

/**
 * An offer from `from` to `to`. Its terms never change (a change is a new offer), so whoever
 * accepts gets exactly what they saw. Only `status` moves, once, away from `pending`.
 */
export const TradeOffer = z.strictObject({
  id: TradeId,
  from: PlayerId,
  to: PlayerId,
  /** What `from` hands over. */
  give: TradeBundle,
  /** What `from` asks of `to`. */
  want: TradeBundle,
  /** Where `from` receives the wanted items (absent: the category each line names). */
  into: Category.optional(),
  /** Read by the server clock: a pending offer past `expiresAt` reads as `expired`. */
  status: OfferStatus,
  proposedBy: Actor,
  createdAt: Timestamp,
  expiresAt: Timestamp,
  settledAt: Timestamp.optional(),
  /** The record of the swap, once accepted. */
  tradeRecordId: TradeId.optional(),
});
export type TradeOffer = z.infer<typeof TradeOffer>;

export const TradeOutcome = z.enum(["executed", "refused", "declined", "cancelled", "expired"]);
export type TradeOutcome = z.infer<typeof TradeOutcome>;

/** Why a trade did not execute: an error code of the registry. */
export const TradeReason = z.enum([
  "TRADE_INSUFFICIENT_ITEMS",
  "TRADE_INSUFFICIENT_FUNDS",
  "TRADE_CAPACITY_EXCEEDED",
  "TRADE_EXPIRED",
  "TRADE_SELF",
  "TRADE_NOT_A_PARTY",
  "TRADE_ALREADY_SETTLED",
  "INVENTORY_LIMIT_EXCEEDED",
]);
export type TradeReason = z.infer<typeof TradeReason>;

/**
 * The write-once record of a trade event, committed in the same transaction as the swap (or
 * as the refusal, or the settling of an offer). `value` is the economy value each bundle was
 * worth (items by their definition's `value`, absent = 0; every currency unit = 1).
 * `imbalance` = |give − want| / max(give, want), 0 when both are 0: 0 is even, 1 a gift.
 */
export const TradeRecord = z.strictObject({
  id: TradeId,
  /** The offer's id, or the record's own id for a direct trade. */
  tradeId: TradeId,
  mode: z.enum(["offer", "direct"]),
  outcome: TradeOutcome,
  reason: TradeReason.optional(),
  message: z.string().max(500).optional(),
  /** Why the caller settled the offer, when it said (an operator cancelling or declining always does). */
  note: z.string().max(500).optional(),
  from: PlayerId,
  to: PlayerId,
  give: TradeBundle,
  want: TradeBundle,
  value: z.strictObject({ give: z.number().min(0), want: z.number().min(0) }),
  imbalance: z.number().min(0).max(1),
  /** Executed with an imbalance above the node's threshold: pushed to the admin feed. */
  suspicious: z.boolean(),
  /** Both players' versions after an executed swap. */
  versions: z.strictObject({ from: Version, to: Version }).optional(),
  actor: Actor,
  opId: z.string().max(128),
  at: Timestamp,
});
export type TradeRecord = z.infer<typeof TradeRecord>;

const atLeastOneSide = (input: { give: TradeBundle; want: TradeBundle }) =>
  [input.give, input.want].some((side) => side.items.length > 0 || Object.keys(side.currencies).length > 0);
const emptyTrade = { message: "a trade must move something: give or want at least one item or currency" };

/** Longest and default life of an offer, in seconds. */
export const MAX_OFFER_SECONDS = 7 * 24 * 3600;
export const DEFAULT_OFFER_SECONDS = 3600;

export const TradesProposeInput = z
  .strictObject({
    /** The proposer. A player token proposes as itself; server and admin tokens must name it. */
    from: PlayerId.optional(),
    to: PlayerId,
    give: TradeBundle.default({ items: [], currencies: {} }),
    want: TradeBundle.default({ items: [], currencies: {} }),
    into: Category.optional(),
    /** Seconds until the offer expires (default 3600, at most 7 days). */
    expiresIn: z.number().int().min(1).max(MAX_OFFER_SECONDS).optional(),
    opId: OpId,
  })
  .refine(atLeastOneSide, emptyTrade);
export const TradesProposeOutput = z.strictObject({ offer: TradeOffer, replayed: z.boolean() });

export const TradesAcceptInput = z.strictObject({
  tradeId: TradeId,
  /** Where the recipient receives the offered items (absent: the category each line names). */
  into: Category.optional(),
  opId: OpId,
});
export const TradesAcceptOutput = z.strictObject({ offer: TradeOffer, trade: TradeRecord, replayed: z.boolean() });

export const TradesSettleInput = z.strictObject({
  tradeId: TradeId,
  opId: OpId,
  /** Why: kept in the trade record (`note`). Required of an admin (TRADE_REASON_REQUIRED). */
  reason: Reason.optional(),
});
export const TradesSettleOutput = z.strictObject({ offer: TradeOffer, replayed: z.boolean() });

export const TradesGetInput = z.strictObject({ tradeId: TradeId });
export const TradesGetOutput = z.strictObject({ offer: TradeOffer });

export const TradesListInput = z.strictObject({
  playerId: PlayerId,
  status: OfferStatus.optional(),
  /** Only offers the player made (`from`) or received (`to`); both when absent. */
  as: z.enum(["from", "to"]).optional(),
  after: Cursor.optional(),
  limit: Limit.optional(),
});
export const TradesListOutput = z.strictObject({ offers: z.array(TradeOffer), next: z.string().nullable() });

/** An ISO-8601 UTC instant, e.g. 2025-01-31T12:00:00Z. */
const Instant = z.iso.datetime();

export const TradesHistoryInput = z.strictObject({
  playerId: PlayerId,
  since: Instant.optional(),
  until: Instant.optional(),
  after: Cursor.optional(),
  limit: Limit.optional(),
});
export const TradesHistoryOutput = z.strictObject({ trades: z.array(TradeRecord), next: z.string().nullable() });

/** A direct trade (server and admin): the same terms as an offer, executed at once. */
export const TradesExecuteInput = z
  .strictObject({
    from: PlayerId,
    to: PlayerId,
    give: TradeBundle.default({ items: [], currencies: {} }),
    want: TradeBundle.default({ items: [], currencies: {} }),
    /** Where `from` receives `want`, and where `to` receives `give` (absent: each line's category). */
    fromInto: Category.optional(),
    toInto: Category.optional(),
    opId: OpId,
  })
  .refine(atLeastOneSide, emptyTrade);
export const TradesExecuteOutput = z.strictObject({ trade: TradeRecord, replayed: z.boolean() });

/** Economy analytics (admin): a period is [since, until), both optional. */
const Period = { since: Instant.optional(), until: Instant.optional() };
const Count = z.number().int().min(0);

export const EconomyTradeCountsInput = z.strictObject(Period);
export const EconomyTradeCountsOutput = z.strictObject({
  since: z.string().nullable(),
  until: z.string().nullable(),
  /** Every trade record of the period: the outcomes' counts plus `reversed`. */
  total: Count,
  /** `executed` counts the executed trades that were not reversed since. */
  byOutcome: z.record(TradeOutcome, Count),
  /** Executed trades of the period that were reversed since (`inventory:reverse`). */
  reversed: Count,
  suspicious: Count,
});

export const EconomyTopItemsInput = z.strictObject({
  ...Period,
  /** Rank by the number of executed trades an item was in (default), or by units moved. */
  by: z.enum(["trades", "quantity"]).optional(),
  limit: Limit.optional(),
});
export const EconomyTopItemsOutput = z.strictObject({
  items: z.array(
    z.strictObject({ itemId: ItemId, name: z.string().optional(), value: z.number().optional(), trades: Count, quantity: Count }),
  ),
});

export const EconomyImbalancedTradesInput = z.strictObject({
  ...Period,
  /** Only executed trades with at least this imbalance (default: the node's threshold). */
  minImbalance: z.number().min(0).max(1).optional(),
  limit: Limit.optional(),
});
export const EconomyImbalancedTradesOutput = z.strictObject({ trades: z.array(TradeRecord) });

export const EconomyDiverseInventoriesInput = z.strictObject({ limit: Limit.optional() });
export const EconomyDiverseInventoriesOutput = z.strictObject({
  players: z.array(z.strictObject({ playerId: PlayerId, distinctItems: Count, units: Count })),
});

export const EconomyRichestPlayersInput = z.strictObject({ limit: Limit.optional() });
export const EconomyRichestPlayersOutput = z.strictObject({
  /** `currency` sums every currency 1:1; `itemValue` sums quantity × definition value. */
  players: z.array(z.strictObject({ playerId: PlayerId, currency: z.number(), itemValue: z.number(), total: z.number() })),
});
