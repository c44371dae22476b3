import type { OfferStatus, TradeOffer, TradeOutcome, TradeRecord } from "@hoard/protocol";

/** Guard kinds of the trade domain (see `Guarded` in port.ts). */
export const OFFER_GUARD = "trade-offer";
/** A trade feed's version is its push sequence; its data is null. */
export const FEED_GUARD = "trade-feed";
/** Records of kind "trade" hold a TradeRecord as `data`. */
export const TRADE_RECORD = "trade";
/**
 * A record of this kind, with the id of an executed trade's record, says the trade was undone
 * (`inventory:reverse`); written in the reversal's commit. The economy questions leave such
 * trades out of what was executed (and count them as `reversed`).
 */
export const TRADE_REVERSAL_RECORD = "trade-reversal";

/** Trade records of a period by outcome, executed ones that were reversed apart. */
export interface TradeCounts {
  /** `executed` counts only trades that were not reversed. */
  byOutcome: Partial<Record<TradeOutcome, number>>;
  /** Executed trades that were reversed since. */
  reversed: number;
  /** Suspicious trades of the period, reversed or not. */
  suspicious: number;
}

/** What an engine's count query groups by: a trade's outcome, or `reversed` for an executed trade undone since. */
export type CountedOutcome = TradeOutcome | "reversed";

/** The counts from an engine's rows (one per counted outcome): the same fold on every engine. */
export function tradeCountsOf(rows: ReadonlyArray<{ outcome: CountedOutcome; n: number; suspicious: number }>): TradeCounts {
  const counts: TradeCounts = { byOutcome: {}, reversed: 0, suspicious: 0 };
  for (const row of rows) {
    if (row.outcome === "reversed") counts.reversed = row.n;
    else counts.byOutcome[row.outcome] = row.n;
    counts.suspicious += row.suspicious;
  }
  return counts;
}

export interface OfferQuery {
  playerId: string;
  /** Offers the player made (`from`), received (`to`), or both (absent). */
  as?: "from" | "to" | undefined;
  /** Judged by `now`: a pending offer past its expiry counts as `expired`. */
  status?: OfferStatus | undefined;
  now: string;
  /** The `createdAt` and `id` of the last offer of the previous page (newest first). */
  before?: { at: string; id: string } | undefined;
  limit: number;
}

/** [since, until) over record times (ISO strings). */
export interface Period {
  since?: string | undefined;
  until?: string | undefined;
}

/**
 * The trade domain's part of the store. Offers and feeds are written only through
 * `commitPlayers` guards (so settling an offer shares the swap's transaction); this port
 * reads them and answers the economy questions from the records and the players.
 * Every query is bounded by its `limit`; the economy ones scan their period (records) or
 * every player (inventories, wealth), which is why they are admin-only.
 */
export interface TradeStore {
  /** The offer as last written (a pending offer past its expiry still reads `pending` here). */
  getOffer(id: string): Promise<TradeOffer | undefined>;
  /** Offers of a player, newest first. */
  listOffers(query: OfferQuery): Promise<TradeOffer[]>;
  /** Ids of offers still `pending` whose expiry is at or before `now`, soonest first. */
  listLapsedOffers(now: string, limit: number): Promise<string[]>;
  /** The sequence of the feed `trades/{key}`: how many events it has had. */
  feedSeq(key: string): Promise<number>;

  countTrades(period: Period): Promise<TradeCounts>;
  /** Items of executed trades in the period, by trades they were in or units moved. */
  topTradedItems(
    query: Period & { by: "trades" | "quantity"; limit: number },
  ): Promise<Array<{ itemId: string; trades: number; quantity: number }>>;
  /** Executed trades with at least `minImbalance`, most imbalanced first. */
  imbalancedTrades(query: Period & { minImbalance: number; limit: number }): Promise<TradeRecord[]>;
  /** Players by distinct item definitions held now (over every inventory), then units. */
  mostDiverseInventories(query: { limit: number }): Promise<Array<{ playerId: string; distinctItems: number; units: number }>>;
  /** Players by wallet (every currency 1:1) plus items × their definition's value, now. */
  richestPlayers(query: { limit: number }): Promise<Array<{ playerId: string; currency: number; itemValue: number }>>;
}
