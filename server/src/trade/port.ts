import type { OfferStatus, TradeOffer, TradeOutcome, TradeRecord } from "@hoard/protocol";

/** Guard kinds of the trade domain (see `Guarded` in port.ts). */
export const OFFER_GUARD = "trade-offer";
/** A trade feed's version is its push sequence; its data is null. */
export const FEED_GUARD = "trade-feed";
/** Records of kind "trade" hold a TradeRecord as `data`. */
export const TRADE_RECORD = "trade";

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

  countTrades(period: Period): Promise<{ byOutcome: Partial<Record<TradeOutcome, number>>; suspicious: number }>;
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
