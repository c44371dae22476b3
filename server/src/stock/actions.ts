import { type ActionSet, actorOf } from "../actions";
import { roles } from "../auth/policy";
import type { TopicSource } from "../subscriptions/topics";
import type { StockService } from "./service";

/**
 * Stock belongs to the game's economy, not to a player: only trusted game servers and the
 * console (`server`, `admin`) may change it; they and the read-only console (`viewer`) may read
 * it or watch it.
 */
export const stockRoles = roles("server", "admin");
const stockReaders = roles("server", "admin", "viewer");

export function stockActions(
  stock: StockService,
): ActionSet<"stock:acquire" | "stock:sell" | "stock:setPartitions" | "stock:read" | "stock:list"> {
  return {
    "stock:acquire": { authorize: stockRoles, handle: (ctx, input) => stock.acquire(actorOf(ctx.principal), input) },
    "stock:sell": { authorize: stockRoles, handle: (ctx, input) => stock.sell(actorOf(ctx.principal), input) },
    "stock:setPartitions": { authorize: stockRoles, handle: (ctx, input) => stock.setPartitions(actorOf(ctx.principal), input) },
    "stock:read": { authorize: stockReaders, handle: (_ctx, input) => stock.read(input) },
    "stock:list": { authorize: stockReaders, handle: (_ctx, input) => stock.list(input) },
  };
}

/**
 * `stock/{key}` (seq = the key's version) and `stockprefix/{prefix}` (the changes of the keys
 * `stock:list` selects with that prefix, each push with its own key's seq; the topic itself has no sequence, so
 * subscribing answers 0: read the keys with stock:list, then apply pushes per key).
 */
export function stockTopicSources(stock: StockService): { stock: TopicSource; stockprefix: TopicSource } {
  return {
    stock: { authorize: stockReaders, currentSeq: (key) => stock.currentSeq(key) },
    stockprefix: { authorize: stockReaders, currentSeq: async () => 0 },
  };
}
