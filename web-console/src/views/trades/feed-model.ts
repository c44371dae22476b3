import type { TradeBundle, TradeRecord } from "@hoard/client-sdk";
import { formatNumber } from "../../lib/format";

/**
 * What the trade feed shows, kept apart from the DOM so it is unit-tested in Node: the trades
 * merged from the polls and the suspicious pushes, and words for a bundle.
 */

/** Text, or a reference to an item the page shows by name. */
export type Part = string | { item: string };

/**
 * The feed after `incoming` arrived: one row per record id (a record is write-once, so a repeat
 * is the same trade), newest first, at most `keep`. Returns the ids that are new.
 */
export function mergeTrades(
  current: readonly TradeRecord[],
  incoming: readonly TradeRecord[],
  keep: number,
): { trades: TradeRecord[]; added: string[] } {
  const byId = new Map(current.map((trade) => [trade.id, trade]));
  const added: string[] = [];
  for (const trade of incoming) {
    if (byId.has(trade.id)) continue;
    byId.set(trade.id, trade);
    added.push(trade.id);
  }
  const trades = [...byId.values()].sort((a, b) => (a.at === b.at ? b.id.localeCompare(a.id) : a.at < b.at ? 1 : -1)).slice(0, keep);
  const kept = new Set(trades.map((trade) => trade.id));
  return { trades, added: added.filter((id) => kept.has(id)) };
}

/** A read starts this far before the newest trade the last one returned, for trades that committed late. */
const READ_OVERLAP_MS = 2000;

/**
 * Where the feed's next read starts, after a read returned `trades` (the most imbalanced first,
 * at most `limit`). Normally a little before the newest trade read, so a trade that committed
 * late is not missed. A read that hit the limit left out the least imbalanced trades of its
 * window; reading that window again would only give the same ones, so the next read starts at
 * the newest trade it returned (the feed keeps a sample when trades outrun it). Only reads move
 * it: a pushed trade may be newer than one not read yet.
 */
export function nextReadFrom(current: number | undefined, trades: readonly TradeRecord[], limit: number): number | undefined {
  if (trades.length === 0) return current;
  const newest = Math.max(...trades.map((trade) => Date.parse(trade.at)));
  const next = trades.length >= limit ? newest : newest - READ_OVERLAP_MS;
  return current === undefined ? next : Math.max(current, next);
}

/** "2 × Sword, 40 gold"; "nothing" for an empty side (a gift). */
export function describeBundle(bundle: TradeBundle): Part[] {
  const parts: Part[] = [];
  for (const line of bundle.items) {
    if (parts.length > 0) parts.push(", ");
    parts.push(`${formatNumber(line.quantity)} × `, { item: line.itemId });
  }
  for (const [currency, amount] of Object.entries(bundle.currencies).sort(([a], [b]) => a.localeCompare(b))) {
    if (parts.length > 0) parts.push(", ");
    parts.push(`${formatNumber(amount)} ${currency}`);
  }
  return parts.length > 0 ? parts : ["nothing"];
}

/** 0.873 → "87 %". */
export function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}
