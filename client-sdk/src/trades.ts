import { type EventInput, SUSPICIOUS_TRADES_KEY, type TradeBundleInput } from "@hoard/protocol/client";
import type { HoardClient, MutationOptions } from "./client.js";
import { TradeWatch } from "./trade-watch.js";

/** The terms of an offer or a direct trade: what `from` gives, what it wants in return. */
export interface TradeTerms {
  give?: TradeBundleInput;
  want?: TradeBundleInput;
}

const defined = <T extends object>(fields: T) =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;

/** `hoard.trades`: offers between players, direct trades, trade history and live trade feeds. */
export function tradesApi(client: HoardClient) {
  return {
    /**
     * Proposes an offer to another player; it is pushed on `trades/{to}`. The terms never
     * change: to change them, cancel and propose again.
     * @example
     * const { offer } = await hoard.trades.propose("bob", {
     *   give: { items: [{ category: "bag", itemId: swordId, quantity: 1 }] },
     *   want: { currencies: { gold: 120 } },
     * }, { expiresIn: 300 });
     */
    propose: (to: string, terms: TradeTerms, options: MutationOptions & { from?: string; into?: string; expiresIn?: number } = {}) =>
      client.mutate(
        "trades:propose",
        { to, ...terms, ...defined({ from: options.from, into: options.into, expiresIn: options.expiresIn }) },
        options,
      ),
    /**
     * Accepts an offer: the swap happens in one atomic commit across both players, or the call
     * throws the reason (TRADE_INSUFFICIENT_ITEMS, TRADE_EXPIRED, TRADE_ALREADY_SETTLED…).
     * @example const { trade } = await hoard.trades.accept(offer.id, { into: "bag" });
     */
    accept: (tradeId: string, options: MutationOptions & { into?: string } = {}) =>
      client.mutate("trades:accept", { tradeId, ...defined({ into: options.into }) }, options),
    /** @example await hoard.trades.decline(offer.id); */
    decline: (tradeId: string, options: MutationOptions & { reason?: string } = {}) =>
      client.mutate("trades:decline", { tradeId, ...defined({ reason: options.reason }) }, options),
    /**
     * Cancels an open offer: the proposer's own, or (an admin token, `reason` required:
     * TRADE_REASON_REQUIRED otherwise) anyone's; the trade record keeps who and why (`note`).
     * @example await hoard.trades.cancel(offer.id);
     * @example await admin.trades.cancel(offer.id, { reason: "phishing link in the offer, ticket 88" });
     */
    cancel: (tradeId: string, options: MutationOptions & { reason?: string } = {}) =>
      client.mutate("trades:cancel", { tradeId, ...defined({ reason: options.reason }) }, options),
    /** @example const { offer } = await hoard.trades.get(tradeId); */
    get: (tradeId: string) => client.call("trades:get", { tradeId }),
    /** @example const { offers } = await hoard.trades.list("alice", { status: "pending", as: "to" }); */
    list: (playerId: string, query: Omit<EventInput<"trades:list">, "playerId"> = {}) => client.call("trades:list", { playerId, ...query }),
    /** @example const { trades } = await hoard.trades.history("alice", { since: "2025-01-01T00:00:00Z" }); */
    history: (playerId: string, query: Omit<EventInput<"trades:history">, "playerId"> = {}) =>
      client.call("trades:history", { playerId, ...query }),
    /**
     * A direct trade (server and admin tokens): the swap at once, no offer.
     * @example
     * const { trade } = await gm.trades.execute("alice", "merchant", {
     *   give: { items: [{ category: "bag", itemId: peltId, quantity: 5 }] },
     *   want: { currencies: { gold: 40 } },
     * });
     */
    execute: (from: string, to: string, terms: TradeTerms, options: MutationOptions & { fromInto?: string; toInto?: string } = {}) =>
      client.mutate("trades:execute", { from, to, ...terms, ...defined({ fromInto: options.fromInto, toInto: options.toInto }) }, options),
    /**
     * The live trade feed of a player: its pending offers, kept current, and every trade event
     * in order; resyncs after a gap or a reconnect.
     * @example
     * const feed = await hoard.trades.watch("bob");
     * feed.on("change", (push) => push.event === "proposed" && console.log("new offer", push.offer));
     */
    watch: async (playerId: string): Promise<TradeWatch> => {
      const watch = new TradeWatch(client, playerId);
      await watch.start();
      return watch;
    },
  };
}

/** `hoard.economy` (admin): the economy questions, answered by the server from its store. */
export function economyApi(client: HoardClient) {
  return {
    /** @example const { byOutcome, total } = await admin.economy.tradeCounts({ since: "2025-01-01T00:00:00Z" }); */
    tradeCounts: (period: EventInput<"economy:tradeCounts"> = {}) => client.call("economy:tradeCounts", period),
    /** @example const { items } = await admin.economy.topItems({ by: "quantity", limit: 5 }); */
    topItems: (query: EventInput<"economy:topItems"> = {}) => client.call("economy:topItems", query),
    /** @example const { trades } = await admin.economy.imbalancedTrades({ minImbalance: 0.9 }); */
    imbalancedTrades: (query: EventInput<"economy:imbalancedTrades"> = {}) => client.call("economy:imbalancedTrades", query),
    /** @example const { players } = await admin.economy.diverseInventories({ limit: 3 }); */
    diverseInventories: (query: EventInput<"economy:diverseInventories"> = {}) => client.call("economy:diverseInventories", query),
    /** @example const { players } = await admin.economy.richestPlayers({ limit: 3 }); */
    richestPlayers: (query: EventInput<"economy:richestPlayers"> = {}) => client.call("economy:richestPlayers", query),
    /**
     * The admin feed of suspicious trades (executed above the node's imbalance threshold).
     * @example
     * const flags = await admin.economy.watchSuspicious();
     * flags.on("change", ({ trade }) => console.warn("suspicious", trade?.imbalance, trade?.from, trade?.to));
     */
    watchSuspicious: async (): Promise<TradeWatch> => {
      const watch = new TradeWatch(client, SUSPICIOUS_TRADES_KEY);
      await watch.start();
      return watch;
    },
  };
}
