import { HoardError, SUSPICIOUS_TRADES_KEY } from "@hoard/protocol";
import type { ActionSet } from "../actions";
import { anyRole, forbidden, roles, selfOrTrusted } from "../auth/policy";
import type { Principal } from "../auth/tokens";
import { actorOf } from "../inventory/actions";
import type { Store } from "../store/port";
import type { TopicSource } from "../subscriptions/topics";
import type { EconomyService } from "./economy";
import type { TradeService } from "./service";

const ownPlayer = selfOrTrusted<{ playerId: string }>((input) => input.playerId);
const trusted = roles("server", "admin");
/** Anyone may try (the offer's rules decide inside the commit); an operator says why. */
const operatorSaysWhy = (principal: Principal, input: { reason?: string | undefined }) => {
  if (principal.role === "admin" && input.reason === undefined) throw new HoardError("TRADE_REASON_REQUIRED");
};
/** The console, acting or read-only: the economy questions and the suspicious-trade feed. */
const consoleRoles = roles("admin", "viewer");

/**
 * Who may act on an offer (the recipient accepts or declines, the proposer cancels) depends
 * on the offer, so those rules run inside the commit and are recorded when they refuse.
 */
export function tradeActions(
  trades: TradeService,
): ActionSet<
  | "trades:propose"
  | "trades:accept"
  | "trades:decline"
  | "trades:cancel"
  | "trades:get"
  | "trades:list"
  | "trades:history"
  | "trades:execute"
> {
  return {
    "trades:propose": {
      authorize: (principal, input) => {
        if (principal.role === "player" && input.from !== undefined && input.from !== principal.sub) {
          throw forbidden("a player may only propose its own offers");
        }
      },
      handle: (ctx, input) => trades.propose(actorOf(ctx.principal), input),
    },
    "trades:accept": { authorize: anyRole, handle: (ctx, input) => trades.accept(actorOf(ctx.principal), input) },
    "trades:decline": { authorize: operatorSaysWhy, handle: (ctx, input) => trades.decline(actorOf(ctx.principal), input) },
    // An admin cancels any open offer from the console; the record keeps who and why.
    "trades:cancel": { authorize: operatorSaysWhy, handle: (ctx, input) => trades.cancel(actorOf(ctx.principal), input) },
    "trades:get": { authorize: anyRole, handle: (ctx, input) => trades.get(actorOf(ctx.principal), input.tradeId) },
    "trades:list": { authorize: ownPlayer, handle: (_ctx, input) => trades.list(input) },
    "trades:history": { authorize: ownPlayer, handle: (_ctx, input) => trades.history(input) },
    "trades:execute": { authorize: trusted, handle: (ctx, input) => trades.execute(actorOf(ctx.principal), input) },
  };
}

export function economyActions(
  economy: EconomyService,
): ActionSet<
  "economy:tradeCounts" | "economy:topItems" | "economy:imbalancedTrades" | "economy:diverseInventories" | "economy:richestPlayers"
> {
  return {
    "economy:tradeCounts": { authorize: consoleRoles, handle: (_ctx, input) => economy.tradeCounts(input) },
    "economy:topItems": { authorize: consoleRoles, handle: (_ctx, input) => economy.topItems(input) },
    "economy:imbalancedTrades": { authorize: consoleRoles, handle: (_ctx, input) => economy.imbalancedTrades(input) },
    "economy:diverseInventories": { authorize: consoleRoles, handle: (_ctx, input) => economy.diverseInventories(input) },
    "economy:richestPlayers": { authorize: consoleRoles, handle: (_ctx, input) => economy.richestPlayers(input) },
  };
}

/** `trades/{playerId}`: the player, servers and admins. `trades/_suspicious`: the console (admin, viewer) only. */
export function tradeTopic(trades: TradeService, store: Store): TopicSource {
  return {
    authorize: (principal, key) => {
      if (key === SUSPICIOUS_TRADES_KEY) consoleRoles(principal, undefined);
      else ownPlayer(principal, { playerId: key });
    },
    currentSeq: async (key) => {
      if (key !== SUSPICIOUS_TRADES_KEY && !(await store.getPlayer(key))) {
        throw new HoardError("PLAYER_NOT_FOUND", undefined, { details: { playerId: key } });
      }
      return trades.feedSeq(key);
    },
  };
}
