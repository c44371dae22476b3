import { OfferStatus } from "@hoard/protocol";
import type { Document, Filter } from "mongodb";
import { type OfferQuery, type Period, TRADE_RECORD, TRADE_REVERSAL_RECORD } from "../../trade/port";
import { count, text } from "./scalars";

/**
 * The trade domain's queries on MongoDB, built from validated scalars only: the offer listing's
 * filter and the economy questions as aggregation pipelines. Pure, so the unit tests can assert
 * the exact shape; the contract suites run them against a real server. Every pipeline that
 * answers with a list ends in `$sort` then `$limit`, which the server runs as a top-k sort:
 * memory stays bounded by the limit, not by the period or the number of players.
 */

/** What trade_offers holds (see trade-store.ts); the filters below name its paths. */
interface OfferPaths {
  _id: string;
  "offer.from": string;
  "offer.to": string;
  "offer.status": string;
  "offer.createdAt": string;
  "offer.expiresAt": string;
}

/** A player's offers (sent, received or both), by status as judged at `now`, before the page cursor. */
export function offerListFilter(query: OfferQuery): Filter<OfferPaths> {
  const player = text(query.playerId, "playerId");
  const now = text(query.now, "now");
  const parts: Filter<OfferPaths>[] = [
    query.as === "from"
      ? { "offer.from": player }
      : query.as === "to"
        ? { "offer.to": player }
        : { $or: [{ "offer.from": player }, { "offer.to": player }] },
  ];
  const status = query.status === undefined ? undefined : offerStatus(query.status);
  // A pending offer past its expiry reads as expired, whether or not the sweeper has been by.
  if (status === "pending") parts.push({ "offer.status": "pending", "offer.expiresAt": { $gt: now } });
  else if (status === "expired")
    parts.push({ $or: [{ "offer.status": "expired" }, { "offer.status": "pending", "offer.expiresAt": { $lte: now } }] });
  else if (status !== undefined) parts.push({ "offer.status": status });
  if (query.before !== undefined) {
    const at = text(query.before.at, "before.at");
    parts.push({ $or: [{ "offer.createdAt": { $lt: at } }, { "offer.createdAt": at, _id: { $lt: text(query.before.id, "before.id") } }] });
  }
  return parts.length === 1 ? (parts[0] as Filter<OfferPaths>) : { $and: parts };
}

/** Newest first: the listing's order, which the (side, createdAt, _id) indexes serve backwards. */
export const offerListSort = { "offer.createdAt": -1, _id: -1 } as const;

/** Trade records of the period: kind "trade", at within [since, until). */
function tradesIn(period: Period): Document {
  const match: Document = { kind: TRADE_RECORD };
  const at: Document = {};
  if (period.since !== undefined) at.$gte = text(period.since, "since");
  if (period.until !== undefined) at.$lt = text(period.until, "until");
  if (Object.keys(at).length > 0) match.at = at;
  return match;
}

/**
 * Executed trades of the period that were not reversed since: a reversal record (kind
 * TRADE_REVERSAL_RECORD, the trade record's id) is looked up by the unique (kind, id) index.
 */
function executedIn(period: Period, also: Document = {}): Document[] {
  return [{ $match: { ...tradesIn(period), "data.outcome": "executed", ...also } }, withReversal, { $match: { reversal: { $size: 0 } } }];
}

/** Adds `reversal`: the trade's reversal record, if any (an array of at most one). */
const withReversal: Document = {
  $lookup: {
    from: "records",
    localField: "id",
    foreignField: "id",
    pipeline: [{ $match: { kind: TRADE_REVERSAL_RECORD } }, { $limit: 1 }, { $project: { _id: 1 } }],
    as: "reversal",
  },
};

/** Records of the period by outcome (executed ones reversed since as `reversed`), and how many were suspicious (at most one row per outcome). */
export function countTradesPipeline(period: Period): Document[] {
  const outcome = {
    $cond: [{ $and: [{ $eq: ["$data.outcome", "executed"] }, { $gt: [{ $size: "$reversal" }, 0] }] }, "reversed", "$data.outcome"],
  };
  return [
    { $match: tradesIn(period) },
    withReversal,
    { $group: { _id: outcome, n: { $sum: 1 }, suspicious: { $sum: { $cond: ["$data.suspicious", 1, 0] } } } },
  ];
}

/** Items of executed trades: in how many trades each was (either side), and how many units moved. */
export function topTradedItemsPipeline(query: Period & { by: "trades" | "quantity"; limit: number }): Document[] {
  const by = query.by === "quantity" ? "quantity" : query.by === "trades" ? "trades" : undefined;
  if (by === undefined) throw new TypeError("by must be trades or quantity");
  const then = by === "quantity" ? "trades" : "quantity";
  return [
    ...executedIn(query),
    { $project: { _id: 0, id: 1, line: { $concatArrays: ["$data.give.items", "$data.want.items"] } } },
    { $unwind: "$line" },
    // One row per trade and item first, so an item on both sides of one trade counts once.
    { $group: { _id: { id: "$id", itemId: "$line.itemId" }, quantity: { $sum: { $toDouble: "$line.quantity" } } } },
    { $group: { _id: "$_id.itemId", trades: { $sum: 1 }, quantity: { $sum: "$quantity" } } },
    { $sort: { [by]: -1, [then]: -1, _id: 1 } },
    { $limit: count(query.limit, "limit") },
    { $project: { _id: 0, itemId: "$_id", trades: 1, quantity: 1 } },
  ];
}

/** Executed trades at or above `minImbalance`: most imbalanced first, then the widest gap in value, then the latest. */
export function imbalancedTradesPipeline(query: Period & { minImbalance: number; limit: number }): Document[] {
  return [
    ...executedIn(query, { "data.imbalance": { $gte: count(query.minImbalance, "minImbalance") } }),
    { $addFields: { gap: { $abs: { $subtract: ["$data.value.give", "$data.value.want"] } } } },
    { $sort: { "data.imbalance": -1, gap: -1, at: -1, id: -1 } },
    { $limit: count(query.limit, "limit") },
    { $project: { _id: 0, data: 1 } },
  ];
}

/**
 * Quantities and values are summed as doubles (`$toDouble`), as the sqlite engine's TOTAL()
 * does: one player's holdings can be worth more than 2^63 (two items of value 10^12 held
 * 5,000,000 each), past what integer arithmetic holds, and the answers are doubles in JSON.
 */

/**
 * Every stack of a player over all its inventories, as `{k: itemId, v: quantity}` pairs.
 * Categories (`equipment.weapons`) are field names with dots: $objectToArray reads them as they are.
 */
const stacksOfPlayer = {
  $reduce: {
    input: { $objectToArray: { $ifNull: ["$inventories", {}] } },
    initialValue: [],
    in: { $concatArrays: ["$$value", { $objectToArray: { $ifNull: ["$$this.v.stacks", {}] } }] },
  },
};

/** Players by distinct item definitions held (over every inventory), then units; players holding nothing are left out. */
export function mostDiverseInventoriesPipeline(query: { limit: number }): Document[] {
  return [
    { $project: { _id: 1, stacks: stacksOfPlayer } },
    {
      $project: {
        _id: 0,
        playerId: "$_id",
        distinctItems: { $size: { $setUnion: ["$stacks.k", []] } },
        units: { $sum: { $map: { input: "$stacks.v", in: { $toDouble: "$$this" } } } },
      },
    },
    { $match: { distinctItems: { $gt: 0 } } },
    { $sort: { distinctItems: -1, units: -1, playerId: 1 } },
    { $limit: count(query.limit, "limit") },
  ];
}

/** Players by wallet (every currency 1:1) plus items × their definition's `value` (absent = 0). */
export function richestPlayersPipeline(query: { limit: number }): Document[] {
  const valueOfStack = {
    $let: {
      vars: { item: { $arrayElemAt: [{ $filter: { input: "$values", cond: { $eq: ["$$this._id", "$$stack.k"] } } }, 0] } },
      in: { $multiply: [{ $toDouble: "$$stack.v" }, { $toDouble: { $ifNull: ["$$item.value", 0] } }] },
    },
  };
  return [
    {
      $project: {
        _id: 1,
        currency: { $sum: { $map: { input: { $objectToArray: { $ifNull: ["$wallet", {}] } }, in: { $toDouble: "$$this.v" } } } },
        stacks: stacksOfPlayer,
      },
    },
    // Only the definitions this player holds, and only their value.
    {
      $lookup: {
        from: "items",
        localField: "stacks.k",
        foreignField: "_id",
        pipeline: [{ $project: { value: "$definition.value" } }],
        as: "values",
      },
    },
    {
      $project: {
        _id: 0,
        playerId: "$_id",
        currency: 1,
        itemValue: { $sum: { $map: { input: "$stacks", as: "stack", in: valueOfStack } } },
      },
    },
    { $addFields: { wealth: { $add: ["$currency", "$itemValue"] } } },
    { $sort: { wealth: -1, playerId: 1 } },
    { $limit: count(query.limit, "limit") },
    { $project: { wealth: 0 } },
  ];
}

function offerStatus(value: unknown): OfferStatus {
  const parsed = OfferStatus.safeParse(value);
  if (!parsed.success) throw new TypeError(`status must be one of ${OfferStatus.options.join(", ")}`);
  return parsed.data;
}
