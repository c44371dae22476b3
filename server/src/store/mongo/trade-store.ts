import type { TradeOffer, TradeRecord } from "@hoard/protocol";
import type { Collection, Document } from "mongodb";
import {
  type CountedOutcome,
  FEED_GUARD,
  OFFER_GUARD,
  type OfferQuery,
  type Period,
  type TradeCounts,
  type TradeStore,
  tradeCountsOf,
} from "../../trade/port";
import type { MongoPortDeps } from "./context";
import { type GuardCollection, insertNew } from "./guards";
import { count, text, texts } from "./scalars";
import type { DomainSchema } from "./schema";
import {
  countTradesPipeline,
  imbalancedTradesPipeline,
  mostDiverseInventoriesPipeline,
  offerListFilter,
  offerListSort,
  richestPlayersPipeline,
  topTradedItemsPipeline,
} from "./trade-pipelines";
import { analyticsOptions } from "./tuning";

/** `trade_offers`: `_id` = the offer id; `version` is the guard's compare-and-set key. */
export interface OfferDoc {
  _id: string;
  version: number;
  offer: TradeOffer;
}

/** `trade_feeds`: `_id` = the feed key; `seq` is its push sequence and the guard's version. */
export interface FeedDoc {
  _id: string;
  seq: number;
}

export const tradeSchema: DomainSchema = {
  collections: ["trade_offers", "trade_feeds"],
  indexes: [
    // A player's offers, sent or received, newest first (the index read backwards).
    { collection: "trade_offers", key: { "offer.from": 1, "offer.createdAt": 1, _id: 1 }, options: { name: "from_createdAt" } },
    { collection: "trade_offers", key: { "offer.to": 1, "offer.createdAt": 1, _id: 1 }, options: { name: "to_createdAt" } },
    // The sweeper's question: pending offers by expiry; settled ones drop out of the index.
    {
      collection: "trade_offers",
      key: { "offer.expiresAt": 1 },
      options: { name: "pending_expiresAt", partialFilterExpression: { "offer.status": "pending" } },
    },
    // countTrades: every trade record of a period, by outcome. Covers the question (the $group
    // reads only these fields), where (data.outcome, at) could not serve a range of `at` alone.
    {
      collection: "records",
      key: { at: 1, "data.outcome": 1, "data.suspicious": 1 },
      options: { name: "trade_at_outcome", partialFilterExpression: { kind: "trade" } },
    },
    // The economy questions over executed trades of a period.
    {
      collection: "records",
      key: { "data.outcome": 1, at: 1 },
      options: { name: "trade_outcome_at", partialFilterExpression: { kind: "trade" } },
    },
  ],
};

/**
 * The trade domain on MongoDB (the sqlite one is sqlite/trade-store.ts): offers and feed
 * sequences in their own collections, written only as commit guards (`guardCollections`, used by
 * commit.ts inside the commit's transaction), and the economy questions as aggregation pipelines
 * (trade-pipelines.ts) over the records and the players.
 */
export class MongoTradeStore implements TradeStore {
  /** Guard kinds this store owns, for MongoStore's commits. */
  readonly guardCollections: ReadonlyMap<string, GuardCollection>;
  private readonly offers: Collection<OfferDoc>;
  private readonly feeds: Collection<FeedDoc>;

  constructor(private readonly deps: MongoPortDeps) {
    const { db } = deps.context;
    const offers = db.collection<OfferDoc>("trade_offers");
    const feeds = db.collection<FeedDoc>("trade_feeds");
    this.offers = offers;
    this.feeds = feeds;
    this.guardCollections = new Map<string, GuardCollection>([
      [
        OFFER_GUARD,
        {
          async read(ids, session) {
            const docs = await offers.find({ _id: { $in: texts(ids, "offer id") } }, { session }).toArray();
            return docs.map((doc) => ({ kind: OFFER_GUARD, id: doc._id, version: doc.version, data: doc.offer }));
          },
          async write(doc, expected, session) {
            const stored: OfferDoc = { _id: text(doc.id, "offer id"), version: doc.version, offer: doc.data as TradeOffer };
            if (expected === 0) return insertNew(offers, stored, session);
            const { _id, ...replacement } = stored;
            return (await offers.replaceOne({ _id, version: expected }, replacement, { session })).matchedCount === 1;
          },
        },
      ],
      [
        FEED_GUARD,
        {
          async read(keys, session) {
            const docs = await feeds.find({ _id: { $in: texts(keys, "feed key") } }, { session }).toArray();
            return docs.map((doc) => ({ kind: FEED_GUARD, id: doc._id, version: doc.seq, data: null }));
          },
          async write(doc, expected, session) {
            const _id = text(doc.id, "feed key");
            if (expected === 0) return insertNew(feeds, { _id, seq: doc.version }, session);
            return (await feeds.updateOne({ _id, seq: expected }, { $set: { seq: doc.version } }, { session })).matchedCount === 1;
          },
        },
      ],
    ]);
  }

  getOffer(id: string): Promise<TradeOffer | undefined> {
    return this.deps.run(async () => (await this.offers.findOne({ _id: text(id, "offer id") }))?.offer);
  }

  listOffers(query: OfferQuery): Promise<TradeOffer[]> {
    return this.deps.run(async () => {
      const docs = await this.offers
        .find(offerListFilter(query) as Document, { sort: offerListSort, limit: count(query.limit, "limit"), projection: { offer: 1 } })
        .toArray();
      return docs.map((doc) => doc.offer);
    });
  }

  listLapsedOffers(now: string, limit: number): Promise<string[]> {
    return this.deps.run(async () => {
      const docs = await this.offers
        .find(
          { "offer.status": "pending", "offer.expiresAt": { $lte: text(now, "now") } },
          { sort: { "offer.expiresAt": 1 }, limit: count(limit, "limit"), projection: { _id: 1 } },
        )
        .toArray();
      return docs.map((doc) => doc._id);
    });
  }

  feedSeq(key: string): Promise<number> {
    return this.deps.run(async () => (await this.feeds.findOne({ _id: text(key, "feed key") }))?.seq ?? 0);
  }

  countTrades(period: Period): Promise<TradeCounts> {
    return this.deps.run(async () => {
      const rows = await this.records()
        .aggregate<{ _id: CountedOutcome; n: number; suspicious: number }>(countTradesPipeline(period), this.analytics())
        .toArray();
      return tradeCountsOf(rows.map((row) => ({ outcome: row._id, n: row.n, suspicious: row.suspicious })));
    });
  }

  topTradedItems(query: Period & { by: "trades" | "quantity"; limit: number }) {
    return this.deps.run(() =>
      // The first $group holds a row per (trade, item) of the period: let it spill to disk on a long period.
      this.records()
        .aggregate<{ itemId: string; trades: number; quantity: number }>(topTradedItemsPipeline(query), {
          ...this.analytics(),
          allowDiskUse: true,
        })
        .toArray(),
    );
  }

  imbalancedTrades(query: Period & { minImbalance: number; limit: number }): Promise<TradeRecord[]> {
    return this.deps.run(async () => {
      const rows = await this.records().aggregate<{ data: TradeRecord }>(imbalancedTradesPipeline(query), this.analytics()).toArray();
      return rows.map((row) => row.data);
    });
  }

  mostDiverseInventories(query: { limit: number }) {
    return this.deps.run(() =>
      this.deps.context.collections.players
        .aggregate<{ playerId: string; distinctItems: number; units: number }>(mostDiverseInventoriesPipeline(query), this.analytics())
        .toArray(),
    );
  }

  richestPlayers(query: { limit: number }) {
    return this.deps.run(() =>
      this.deps.context.collections.players
        .aggregate<{ playerId: string; currency: number; itemValue: number }>(richestPlayersPipeline(query), this.analytics())
        .toArray(),
    );
  }

  /**
   * The economy questions scan a period's trades or every player: admin-only reports, which may
   * be a little stale, so they read from a secondary when one is up (at most 90 s behind) and
   * stop at a time limit rather than load the primary that serves the game.
   */
  private analytics() {
    return analyticsOptions(this.deps.context.tuning);
  }

  private records() {
    return this.deps.context.collections.records;
  }
}
