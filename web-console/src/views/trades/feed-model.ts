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
