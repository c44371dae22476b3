import type { Changes, InventoryOp } from "@hoard/client-sdk";
import { formatNumber } from "../../lib/format";

/**
 * Words for the audit trail. Pure (no DOM), so it is unit-tested in Node: a `Part` is text or
 * a reference to an item, which the page shows by name once the definition is fetched.
 */
export type Part = string | { item: string };

/** One operation as the operator reads it: "grant 3 × Potion → bag". */
export function describeOp(op: InventoryOp): Part[] {
  switch (op.type) {
    case "grant":
      return [`grant ${formatNumber(op.quantity)} × `, { item: op.itemId }, ` → ${op.category}`];
    case "consume":
      return [`consume ${formatNumber(op.quantity)} × `, { item: op.itemId }, ` from ${op.category}`];
    case "move":
      return [`move ${formatNumber(op.quantity)} × `, { item: op.itemId }, ` ${op.from} → ${op.to}`];
    case "setMetric":
      return [`set ${op.category} ${op.name} = ${formatNumber(op.value)}`];
    case "incrementMetric":
      return [`${op.category} ${op.name} ${op.by < 0 ? "−" : "+"}${formatNumber(Math.abs(op.by))}`];
    case "setCapacity":
      return [`capacity of ${op.category} = ${op.capacity === null ? "unlimited" : formatNumber(op.capacity)}`];
    case "credit":
      return [`credit ${formatNumber(op.amount)} ${op.currency}`];
    case "debit":
      return [`debit ${formatNumber(op.amount)} ${op.currency}`];
  }
}

/**
 * What a commit set, for entries that carry no ops (a player created with a kit; later
 * domains' commits): absolute values, as the op log stores them.
 */
export function describeChanges(changes: Changes): Part[][] {
  const lines: Part[][] = [];
  for (const [currency, amount] of Object.entries(changes.wallet ?? {})) lines.push([`${currency} = ${formatNumber(amount)}`]);
  for (const [category, change] of Object.entries(changes.inventories ?? {})) {
    for (const [itemId, quantity] of Object.entries(change.stacks ?? {})) {
      lines.push([{ item: itemId }, ` = ${formatNumber(quantity)} in ${category}`]);
    }
    for (const [name, value] of Object.entries(change.metrics ?? {})) {
      lines.push([`${category} ${name} = ${value === null ? "removed" : formatNumber(value)}`]);
    }
    if (change.capacity !== undefined) {
      lines.push([`capacity of ${category} = ${change.capacity === null ? "unlimited" : formatNumber(change.capacity)}`]);
    }
  }
  return lines;
}

/**
 * The page elements a commit touched, so exactly those flash: `wallet/gold`,
 * `stack/bag/<itemId>`, `metric/bag/durability`, `inventory/bag` (its capacity). A stack or
 * metric that was removed has no element left; its inventory card flashes instead.
 */
export function changedKeys(changes: Changes): { key: string; orElse?: string }[] {
  const keys: { key: string; orElse?: string }[] = Object.keys(changes.wallet ?? {}).map((currency) => ({ key: walletKey(currency) }));
  for (const [category, change] of Object.entries(changes.inventories ?? {})) {
    const card = inventoryKey(category);
    if (change.capacity !== undefined) keys.push({ key: card });
    for (const itemId of Object.keys(change.stacks ?? {})) keys.push({ key: stackKey(category, itemId), orElse: card });
    for (const name of Object.keys(change.metrics ?? {})) keys.push({ key: metricKey(category, name), orElse: card });
  }
  return keys;
}

export const walletKey = (currency: string) => `wallet/${currency}`;
export const inventoryKey = (category: string) => `inventory/${category}`;
export const stackKey = (category: string, itemId: string) => `stack/${category}/${itemId}`;
export const metricKey = (category: string, name: string) => `metric/${category}/${name}`;
