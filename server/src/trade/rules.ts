import { type ErrorCode, HoardError, type InventoryOp, type Player, type TradeBundle, TradeReason } from "@hoard/protocol";
import type { PlayerWrite } from "../commit/plan";
import { applyOps, type StateLimits } from "../inventory/rules";

/**
 * Pure swap rules: no I/O, no clock. A swap is two op batches, one per side, each run through
 * the inventory rules (`applyOps`), so ownership, funds, capacity and overflow are judged
 * exactly as for any other change; their refusals are renamed to the trade's reasons.
 */

/** The terms of a swap, from the proposer's (`from`'s) side. */
export interface SwapTerms {
  from: string;
  to: string;
  /** What `from` hands to `to`. */
  give: TradeBundle;
  /** What `to` hands to `from`. */
  want: TradeBundle;
  /** Where `from` receives `want` (absent: each line's category). */
  fromInto?: string | undefined;
  /** Where `to` receives `give` (absent: each line's category). */
  toInto?: string | undefined;
}

/** Item id → value of one unit (from its definition; absent = 0). */
export type ItemValues = ReadonlyMap<string, number>;

/** One side's batch: take what it gives, then receive what it gets (capacity is judged at the end). */
export function sideOps(gives: TradeBundle, receives: TradeBundle, into?: string): InventoryOp[] {
  const ops: InventoryOp[] = [];
  for (const line of gives.items) ops.push({ type: "consume", category: line.category, itemId: line.itemId, quantity: line.quantity });
  for (const [currency, amount] of Object.entries(gives.currencies)) ops.push({ type: "debit", currency, amount });
  for (const line of receives.items) {
    ops.push({ type: "grant", category: into ?? line.category, itemId: line.itemId, quantity: line.quantity });
  }
  for (const [currency, amount] of Object.entries(receives.currencies)) ops.push({ type: "credit", currency, amount });
  return ops;
}

/**
 * Both sides of a swap, or a trade refusal (a HoardError with a TradeReason code naming the
 * player in `details.playerId`). The `from` side is judged first.
 */
export function swap(players: { from: Player; to: Player }, terms: SwapTerms, at: string, limits: StateLimits): [PlayerWrite, PlayerWrite] {
  if (terms.from === terms.to) throw new HoardError("TRADE_SELF", undefined, { details: { playerId: terms.from } });
  const fromOps = sideOps(terms.give, terms.want, terms.fromInto);
  const toOps = sideOps(terms.want, terms.give, terms.toInto);
  const from = onSide(players.from, fromOps, at, limits);
  const to = onSide(players.to, toOps, at, limits);
  return [
    { player: from.player, ops: fromOps, changes: from.changes },
    { player: to.player, ops: toOps, changes: to.changes },
  ];
}

/** Throws the trade refusal when `player` could not hand over `bundle` now (used when proposing). */
export function requireAffordable(player: Player, bundle: TradeBundle, at: string, limits: StateLimits): void {
  onSide(player, sideOps(bundle, { items: [], currencies: {} }), at, limits);
}

/** Every currency unit is worth 1; items are worth their definition's value (absent = 0). */
export function bundleValue(bundle: TradeBundle, values: ItemValues): number {
  let value = 0;
  for (const line of bundle.items) value += line.quantity * (values.get(line.itemId) ?? 0);
  for (const amount of Object.values(bundle.currencies)) value += amount;
  return value;
}

/**
 * |give − want| / max(give, want): 0 for an even trade, 1 for a gift, 0.5 when one side gets
 * twice what it gives. Scale-free, so one threshold fits cheap and dear trades alike. Unrounded:
 * judge the threshold with this, and round only what is shown (`shownImbalance`), or a score a
 * hair above the threshold would round down onto it and go unflagged.
 */
export function imbalance(give: number, want: number): number {
  const larger = Math.max(give, want);
  if (larger === 0) return 0;
  return Math.abs(give - want) / larger;
}

/** The score as trade records carry it: 6 decimals. */
export function shownImbalance(score: number): number {
  return Math.round(score * 1e6) / 1e6;
}

/** A refusal a trade record can carry as its reason. */
export type TradeRefusal = HoardError & { code: TradeReason };

export function isTradeRefusal(error: unknown): error is TradeRefusal {
  return error instanceof HoardError && TradeReason.safeParse(error.code).success;
}

const asTradeCode: Partial<Record<ErrorCode, TradeReason>> = {
  INVENTORY_INSUFFICIENT_ITEMS: "TRADE_INSUFFICIENT_ITEMS",
  WALLET_INSUFFICIENT_FUNDS: "TRADE_INSUFFICIENT_FUNDS",
  INVENTORY_CAPACITY_EXCEEDED: "TRADE_CAPACITY_EXCEEDED",
};

function onSide(player: Player, ops: readonly InventoryOp[], at: string, limits: StateLimits): ReturnType<typeof applyOps> {
  try {
    // A trade gives permanent units only: expiring ones (rentals, trial items) stay with their player.
    return applyOps(player, ops, at, limits, { permanentOnly: true });
  } catch (error) {
    if (!(error instanceof HoardError)) throw error;
    const details = typeof error.details === "object" && error.details !== null ? error.details : {};
    throw new HoardError(asTradeCode[error.code] ?? error.code, `${player.id}: ${error.message}`, {
      details: { playerId: player.id, ...details },
      cause: error,
    });
  }
}
