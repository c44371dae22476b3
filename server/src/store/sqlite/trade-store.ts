import type { TradeOffer, TradeRecord } from "@hoard/protocol";
import type Database from "better-sqlite3";
import type { DomainRecord, Guarded } from "../../commit/plan";
import {
  type CountedOutcome,
  FEED_GUARD,
  OFFER_GUARD,
  type OfferQuery,
  type Period,
  TRADE_RECORD,
  TRADE_REVERSAL_RECORD,
  type TradeCounts,
  type TradeStore,
  tradeCountsOf,
} from "../../trade/port";
import type { GuardTable } from "./guard-table";

/** Past any ISO time: the open end of a period. */
const END_OF_TIME = "\uffff";

/**
 * The trade domain on the embedded engine: offers and feed sequences in their own tables
 * (written only as commit guards), and the economy questions as SQL over the records, the
 * players and the items, on the same better-sqlite3 handle.
 */
export class SqliteTradeStore implements TradeStore {
  /** Guard kinds this store owns, for SqliteStore's commits. */
  readonly guardTables: Readonly<Record<string, GuardTable>>;
  private readonly stmt;

  constructor(db: Database.Database) {
    const pendingAt = "status = 'pending' AND expires_at > :now";
    const expiredAt = "(status = 'expired' OR (status = 'pending' AND expires_at <= :now))";
    const statusFilter = `(:status IS NULL
      OR (:status = 'pending' AND ${pendingAt})
      OR (:status = 'expired' AND ${expiredAt})
      OR (:status NOT IN ('pending', 'expired') AND status = :status))`;
    const page = "(created_at, id) < (:beforeAt, :beforeId)";
    const offersOf = (column: "from_id" | "to_id", extra = "") =>
      `SELECT offer, created_at, id FROM trade_offers WHERE ${column} = :player ${extra} AND ${statusFilter} AND ${page}`;
    const newestFirst = "ORDER BY created_at DESC, id DESC LIMIT :limit";
    // A reversed trade (a reversal record beside it, same id) is no longer an executed one.
    const reversed = `EXISTS (SELECT 1 FROM records v WHERE v.kind = '${TRADE_REVERSAL_RECORD}' AND v.id = records.id)`;
    const executedIn = `kind = '${TRADE_RECORD}' AND at >= :since AND at < :until AND data ->> '$.data.outcome' = 'executed' AND NOT ${reversed}`;
    // The planner has no statistics to prefer the partial indexes of trade-schema.ts; name them.

    this.stmt = {
      getOffer: db.prepare("SELECT version, offer FROM trade_offers WHERE id = ?"),
      insertOffer: db.prepare(
        `INSERT INTO trade_offers (id, version, from_id, to_id, status, created_at, expires_at, offer)
         VALUES (:id, :version, :from, :to, :status, :createdAt, :expiresAt, :offer)`,
      ),
      updateOffer: db.prepare(
        "UPDATE trade_offers SET version = :version, status = :status, offer = :offer WHERE id = :id AND version = :expected",
      ),
      listFrom: db.prepare(`${offersOf("from_id")} ${newestFirst}`),
      listTo: db.prepare(`${offersOf("to_id")} ${newestFirst}`),
      // Both sides of one player, each side from its own index; a self-offer cannot exist.
      listAny: db.prepare(`${offersOf("from_id")} UNION ALL ${offersOf("to_id")} ${newestFirst}`),
      lapsed: db.prepare("SELECT id FROM trade_offers WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at LIMIT ?"),
      getFeed: db.prepare("SELECT seq FROM trade_feeds WHERE key = ?"),
      putFeed: db.prepare(
        "INSERT INTO trade_feeds (key, seq) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET seq = excluded.seq WHERE seq = ?",
      ),
      countTrades: db.prepare(
        `SELECT CASE WHEN data ->> '$.data.outcome' = 'executed' AND ${reversed} THEN 'reversed' ELSE data ->> '$.data.outcome' END AS outcome,
           COUNT(*) AS n, SUM(data ->> '$.data.suspicious') AS suspicious
         FROM records INDEXED BY records_trade_outcome WHERE kind = '${TRADE_RECORD}' AND at >= :since AND at < :until GROUP BY 1`,
      ),
      topItems: db.prepare(
        `WITH executed AS (SELECT id, data FROM records WHERE ${executedIn}),
         lines AS (
           SELECT e.id, j.value AS line FROM executed e, json_each(e.data, '$.data.give.items') j
           UNION ALL
           SELECT e.id, j.value AS line FROM executed e, json_each(e.data, '$.data.want.items') j
         )
         SELECT line ->> '$.itemId' AS itemId, COUNT(DISTINCT id) AS trades, TOTAL(line ->> '$.quantity') AS quantity
         FROM lines GROUP BY itemId
         ORDER BY CASE WHEN :by = 'quantity' THEN quantity ELSE trades END DESC,
                  CASE WHEN :by = 'quantity' THEN trades ELSE quantity END DESC, itemId
         LIMIT :limit`,
      ),
      imbalanced: db.prepare(
        `SELECT data FROM records INDEXED BY records_trade_imbalance WHERE ${executedIn} AND data ->> '$.data.imbalance' >= :minImbalance
         ORDER BY data ->> '$.data.imbalance' DESC,
                  abs((data ->> '$.data.value.give') - (data ->> '$.data.value.want')) DESC, at DESC
         LIMIT :limit`,
      ),
      // Sums of quantities and values are TOTAL(), a double, never SUM(): SUM of integers fails
      // the whole query with "integer overflow" past 2^63, which one player's holdings can reach
      // (two items of value 10^12 held 5,000,000 each). The answers are doubles in JSON anyway.
      diverse: db.prepare(
        `SELECT p.id AS playerId, COUNT(DISTINCT s.key) AS distinctItems, TOTAL(s.value) AS units
         FROM players p, json_each(p.state, '$.inventories') inv, json_each(inv.value, '$.stacks') s
         GROUP BY p.id ORDER BY distinctItems DESC, units DESC, p.id LIMIT ?`,
      ),
      richest: db.prepare(
        `SELECT playerId, currency, itemValue FROM (
           SELECT p.id AS playerId,
             (SELECT TOTAL(w.value) FROM json_each(p.state, '$.wallet') w) AS currency,
             (SELECT TOTAL(s.value * COALESCE(i.definition ->> '$.value', 0))
                FROM json_each(p.state, '$.inventories') inv, json_each(inv.value, '$.stacks') s
                LEFT JOIN items i ON i.id = s.key) AS itemValue
           FROM players p)
         ORDER BY currency + itemValue DESC, playerId LIMIT ?`,
      ),
    };

    const stmt = this.stmt;
    this.guardTables = {
      [OFFER_GUARD]: {
        read(id) {
          const row = stmt.getOffer.get(id) as { version: number; offer: string } | undefined;
          return row ? { kind: OFFER_GUARD, id, version: row.version, data: JSON.parse(row.offer) as TradeOffer } : undefined;
        },
        write(doc, expected) {
          const offer = doc.data as TradeOffer;
          const fields = { id: doc.id, version: doc.version, status: offer.status, offer: JSON.stringify(offer) };
          if (expected === 0) {
            return (
              stmt.insertOffer.run({ ...fields, from: offer.from, to: offer.to, createdAt: offer.createdAt, expiresAt: offer.expiresAt })
                .changes === 1
            );
          }
          return stmt.updateOffer.run({ ...fields, expected }).changes === 1;
        },
      },
      [FEED_GUARD]: {
        read(key) {
          const row = stmt.getFeed.get(key) as { seq: number } | undefined;
          return row ? { kind: FEED_GUARD, id: key, version: row.seq, data: null } : undefined;
        },
        write(doc, expected) {
          return stmt.putFeed.run(doc.id, doc.version, expected).changes === 1;
        },
      },
    };
  }

  async getOffer(id: string): Promise<TradeOffer | undefined> {
    return this.guardTables[OFFER_GUARD]?.read(id)?.data as TradeOffer | undefined;
  }

  async listOffers(query: OfferQuery): Promise<TradeOffer[]> {
    const statement = query.as === "from" ? this.stmt.listFrom : query.as === "to" ? this.stmt.listTo : this.stmt.listAny;
    const rows = statement.all({
      player: query.playerId,
      status: query.status ?? null,
      now: query.now,
      beforeAt: query.before?.at ?? END_OF_TIME,
      beforeId: query.before?.id ?? "",
      limit: query.limit,
    }) as Array<{ offer: string }>;
    return rows.map((row) => JSON.parse(row.offer) as TradeOffer);
  }

  async listLapsedOffers(now: string, limit: number): Promise<string[]> {
    return (this.stmt.lapsed.all(now, limit) as Array<{ id: string }>).map((row) => row.id);
  }

  async feedSeq(key: string): Promise<number> {
    return (this.guardTables[FEED_GUARD]?.read(key) as Guarded | undefined)?.version ?? 0;
  }

  async countTrades(period: Period): Promise<TradeCounts> {
    const rows = this.stmt.countTrades.all(range(period)) as Array<{ outcome: CountedOutcome; n: number; suspicious: number | null }>;
    return tradeCountsOf(rows.map((row) => ({ outcome: row.outcome, n: row.n, suspicious: row.suspicious ?? 0 })));
  }

  async topTradedItems(query: Period & { by: "trades" | "quantity"; limit: number }) {
    return this.stmt.topItems.all({ ...range(query), by: query.by, limit: query.limit }) as Array<{
      itemId: string;
      trades: number;
      quantity: number;
    }>;
  }

  async imbalancedTrades(query: Period & { minImbalance: number; limit: number }): Promise<TradeRecord[]> {
    const rows = this.stmt.imbalanced.all({ ...range(query), minImbalance: query.minImbalance, limit: query.limit }) as Array<{
      data: string;
    }>;
    return rows.map((row) => (JSON.parse(row.data) as DomainRecord).data as TradeRecord);
  }

  async mostDiverseInventories(query: { limit: number }) {
    return this.stmt.diverse.all(query.limit) as Array<{ playerId: string; distinctItems: number; units: number }>;
  }

  async richestPlayers(query: { limit: number }) {
    return this.stmt.richest.all(query.limit) as Array<{ playerId: string; currency: number; itemValue: number }>;
  }
}

function range(period: Period): { since: string; until: string } {
  return { since: period.since ?? "", until: period.until ?? END_OF_TIME };
}
