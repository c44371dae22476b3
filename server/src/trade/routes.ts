import { TradesAcceptInput, TradesExecuteInput, TradesProposeInput, TradesSettleInput } from "@hoard/protocol";
import type { HttpRoute } from "../transport/http-route";

const period = { since: "string", until: "string" } as const;

export const tradeRoutes: HttpRoute[] = [
  {
    method: "post",
    path: "/api/v1/trades",
    event: "trades:execute",
    summary: "Run a direct trade between two players at once (server and admin; idempotent by opId)",
    body: TradesExecuteInput,
  },
  {
    method: "post",
    path: "/api/v1/trades/offers",
    event: "trades:propose",
    summary: "Propose an offer; the recipient is pushed it on trades/{playerId}",
    body: TradesProposeInput,
    status: (data) => ((data as { replayed: boolean }).replayed ? 200 : 201),
  },
  { method: "get", path: "/api/v1/trades/offers/:tradeId", event: "trades:get", summary: "An offer (its parties, servers and admins)" },
  {
    method: "post",
    path: "/api/v1/trades/offers/:tradeId/accept",
    event: "trades:accept",
    summary: "Accept an offer: the swap, in one atomic commit across both players",
    body: TradesAcceptInput.omit({ tradeId: true }),
  },
  {
    method: "post",
    path: "/api/v1/trades/offers/:tradeId/decline",
    event: "trades:decline",
    summary: "Decline an offer (the recipient)",
    body: TradesSettleInput.omit({ tradeId: true }),
  },
  {
    method: "post",
    path: "/api/v1/trades/offers/:tradeId/cancel",
    event: "trades:cancel",
    summary: "Cancel an offer (the proposer; an admin cancels any open offer, with a reason)",
    body: TradesSettleInput.omit({ tradeId: true }),
  },
  {
    method: "get",
    path: "/api/v1/players/:playerId/offers",
    event: "trades:list",
    summary: "Offers a player made or received, newest first",
    query: { status: "string", as: "string", after: "string", limit: "int" },
  },
  {
    method: "get",
    path: "/api/v1/players/:playerId/trades",
    event: "trades:history",
    summary: "A player's trade records (executed, refused, settled offers), oldest first",
    query: { ...period, after: "string", limit: "int" },
  },
  {
    method: "get",
    path: "/api/v1/economy/trade-counts",
    event: "economy:tradeCounts",
    summary: "Trade records by outcome over a period (admin)",
    query: period,
  },
  {
    method: "get",
    path: "/api/v1/economy/top-items",
    event: "economy:topItems",
    summary: "Most traded items over a period (admin)",
    query: { ...period, by: "string", limit: "int" },
  },
  {
    method: "get",
    path: "/api/v1/economy/imbalanced-trades",
    event: "economy:imbalancedTrades",
    summary: "Executed trades by imbalance, most imbalanced first (admin)",
    query: { ...period, minImbalance: "number", limit: "int" },
  },
  {
    method: "get",
    path: "/api/v1/economy/diverse-inventories",
    event: "economy:diverseInventories",
    summary: "Players holding the most distinct items now (admin)",
    query: { limit: "int" },
  },
  {
    method: "get",
    path: "/api/v1/economy/richest-players",
    event: "economy:richestPlayers",
    summary: "Players by currency plus item value now (admin)",
    query: { limit: "int" },
  },
];
