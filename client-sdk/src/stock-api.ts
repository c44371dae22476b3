import { type EventInput, type StockNegativePush, type StockPush, topicOf } from "@hoard/protocol/client";
import type { HoardClient, MutationOptions } from "./client.js";

/**
 * `hoard.stock` (`server` or `admin` token): per-day counters per key, split in named
 * partitions. Days are `YYYY-MM-DD`, ranges inclusive (≤ 3660 days).
 */
export function stockApi(client: HoardClient) {
  return {
    /**
     * Adds `amount` units to one partition (default `default`) on every day of the range.
     * @example await hoard.stock.acquire("supplier1/component12/unit3", { from: "2025-01-01", to: "2025-12-31", amount: 10, partition: "p0" });
     */
    acquire: (key: string, change: Omit<EventInput<"stock:acquire">, "key" | "opId">, options: MutationOptions = {}) =>
      client.mutate("stock:acquire", { key, ...change }, options),
    /**
     * Takes `amount` (default 1) from every day of the range, all days or none: a day short of
     * it refuses the sale with STOCK_INSUFFICIENT (details: the days short). With
     * `allowNegative` the sale is applied anyway and a `stock:negative` push is raised.
     * @example
     * try {
     *   await hoard.stock.sell("supplier1/component12/unit3", { from: "2025-03-01", to: "2025-03-07" });
     * } catch (error) {
     *   if (error instanceof HoardError && error.code === "STOCK_INSUFFICIENT") console.log(error.details);
     * }
     */
    sell: (key: string, sale: Omit<EventInput<"stock:sell">, "key" | "opId">, options: MutationOptions = {}) =>
      client.mutate("stock:sell", { key, ...sale }, options),
    /**
     * Every day of the range gets exactly these partitions (the others are removed).
     * @example await hoard.stock.setPartitions("supplier1/component12/unit3", { from: "2025-01-01", to: "2025-01-31", partitions: { p0: 5, p1: 5 } });
     */
    setPartitions: (key: string, change: Omit<EventInput<"stock:setPartitions">, "key" | "opId">, options: MutationOptions = {}) =>
      client.mutate("stock:setPartitions", { key, ...change }, options),
    /** @example const { version, days } = await hoard.stock.read("supplier1/component12/unit3", { from: "2025-01-01", to: "2025-01-31" }); */
    read: (key: string, range: { from: string; to: string }) => client.call("stock:read", { key, ...range }),
    /** @example const { keys, next } = await hoard.stock.list({ prefix: "supplier1", from: "2025-01-01", to: "2025-01-14" }); */
    list: (query: EventInput<"stock:list">) => client.call("stock:list", query),
    /**
     * Pushes of one key (`{ key }`) or of every key under a prefix (`{ prefix }`, "" = all).
     * Each push's `seq` is its key's version: apply a `stock` push whose seq is one above the
     * version you hold for that key, re-read the key on a gap.
     * @example
     * const { unsubscribe } = await hoard.stock.subscribe({ prefix: "supplier1" }, (push) => {
     *   if (push.type === "stock") grid.update(push.key, push.from, push.totals);
     * });
     */
    subscribe: (target: { key: string } | { prefix: string }, handler: (push: StockPush | StockNegativePush) => void) =>
      client.subscribe("key" in target ? topicOf("stock", target.key) : topicOf("stockprefix", target.prefix), (message) => {
        if (message.type === "stock" || message.type === "stock:negative") handler(message);
      }),
  };
}
