import { topicOf } from "@hoard/protocol";

/**
 * Pure stock rules of the domain: where a change is pushed. What a write does to the counts
 * (what a sale takes, when it is refused) is the stock port's own semantics, run by every
 * engine inside its transaction: store/stock-ledger.ts.
 */

/**
 * Every topic a change of `key` is pushed to: `stock/{key}`, then `stockprefix/{p}` for every
 * prefix of whole segments, from the empty one (every key) to the key itself, the same keys
 * `stock:list` selects with that prefix.
 *
 * @example
 * stockTopics("s1/c2"); // ["stock/s1/c2", "stockprefix/", "stockprefix/s1", "stockprefix/s1/c2"]
 */
export function stockTopics(key: string): string[] {
  const segments = key.split("/");
  const topics = [topicOf("stock", key)];
  for (let n = 0; n <= segments.length; n++) topics.push(topicOf("stockprefix", segments.slice(0, n).join("/")));
  return topics;
}
