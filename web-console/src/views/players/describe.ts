import type { Cart, CartLine, Changes, HistoryEntry, HistoryOp } from "@hoard/client-sdk";
import { formatNumber } from "../../lib/format";

/**
 * Words for the audit trail. Pure (no DOM), so it is unit-tested in Node: a `Part` is text or
 * a reference to an item, which the page shows by name once the definition is fetched.
 */
export type Part = string | { item: string };

/** One operation as the operator reads it: "grant 3 × Potion → bag". */
export function describeOp(op: HistoryOp): Part[] {
  switch (op.type) {
    case "grant":
      return [`grant ${formatNumber(op.quantity)} × `, { item: op.itemId }, ` → ${op.category}${expiryNote(op)}`];
    case "expire":
      return [`expired ${formatNumber(op.quantity)} × `, { item: op.itemId }, ` from ${op.category} (due ${op.expiresAt})`];
    case "consume":
      return [`consume ${formatNumber(op.quantity)} × `, { item: op.itemId }, ` from ${op.category}`];
    case "move":
      return [`move ${formatNumber(op.quantity)} × `, { item: op.itemId }, ` ${op.from} → ${op.to}`];
    case "setMetric":
      return [op.value === null ? `remove ${op.category} ${op.name}` : `set ${op.category} ${op.name} = ${formatNumber(op.value)}`];
    case "incrementMetric":
      return [`${op.category} ${op.name} ${op.by < 0 ? "−" : "+"}${formatNumber(Math.abs(op.by))}`];
    case "setCapacity":
      return [`capacity of ${op.category} = ${op.capacity === null ? "unlimited" : formatNumber(op.capacity)}`];
    case "credit":
      return [`credit ${formatNumber(op.amount)} ${op.currency}`];
    case "debit":
      return [`debit ${formatNumber(op.amount)} ${op.currency}`];
    case "classPicked":
      return [`class ${op.class} picked at random among ${op.starters.join(", ")} with seed ${op.seed}`];
    case "grantLoot":
      return [`draw from loot table ${op.tableId.slice(0, 12)}`];
    case "lootDrawn": {
      // Table and seed in full: what support needs to replay the draw (loot:replay).
      const gave: Part[][] = [
        ...op.outcome.items.map((stack): Part[] => [`${formatNumber(stack.quantity)} × `, { item: stack.itemId }, ` → ${stack.category}`]),
        ...Object.entries(op.outcome.currencies).map(([currency, amount]): Part[] => [`${formatNumber(amount)} ${currency}`]),
      ];
      const outcome = gave.length === 0 ? ["nothing"] : gave.flatMap((parts, index) => (index === 0 ? parts : [", ", ...parts]));
      return [`loot from table ${op.tableId} with seed ${op.seed}: `, ...outcome];
    }
  }
}

function expiryNote(op: { expiresAt?: string | undefined; expiresInMs?: number | undefined }): string {
  if (op.expiresAt !== undefined) return ` until ${op.expiresAt}`;
  return op.expiresInMs === undefined ? "" : ` for ${formatNumber(op.expiresInMs / 1000)} s`;
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
  for (const [itemId, line] of Object.entries(changes.cart?.lines ?? {})) {
    lines.push(line === null ? ["cart: ", { item: itemId }, " removed"] : ["cart: ", ...describeCartLine(itemId, line)]);
  }
  return lines;
}

/** "2 × Sword at 50 gold (sale)", and the time a line that holds its units holds them until. */
function describeCartLine(itemId: string, line: CartLine): Part[] {
  return [
    `${formatNumber(line.itemCount)} × `,
    { item: itemId },
    ` at ${formatNumber(line.offeredPrice)} ${line.currency}${line.specialSale ? " (sale)" : ""}`,
    ...(line.reservedUntil === undefined ? [] : [`, held until ${line.reservedUntil}`]),
  ];
}

/**
 * The lines of one history entry: its ops, or what it set when it carries none. The node's
 * sweep (`cart:release`, or `inventory:expire` when a lot ended first in the same commit) changes
 * a cart line only to end its hold, so those lines say that rather than repeat the line.
 */
export function describeEntry(entry: Pick<HistoryEntry, "kind" | "ops" | "changes">): Part[][] {
  const { cart, ...rest } = entry.changes;
  const swept = entry.kind === "cart:release" || entry.kind === "inventory:expire";
  const released = swept ? Object.entries(cart?.lines ?? {}).map(([itemId, line]) => describeRelease(itemId, line)) : [];
  if (entry.ops.length > 0) return [...entry.ops.map(describeOp), ...released];
  return swept ? [...describeChanges(rest), ...released] : describeChanges(entry.changes);
}

/** "cart: hold ended, 2 × Relic back to the shop (the line stays)". */
function describeRelease(itemId: string, line: CartLine | null): Part[] {
  if (line === null) return ["cart: ", { item: itemId }, " removed"];
  return ["cart: hold ended, ", `${formatNumber(line.itemCount)} × `, { item: itemId }, " back to the shop (the line stays)"];
}

/** What a cart adds up to per currency (lines × the price each was offered at), as checkout would charge it. */
export function cartTotals(cart: Cart | undefined): [string, number][] {
  const totals = new Map<string, number>();
  for (const line of Object.values(cart?.lines ?? {}))
    totals.set(line.currency, (totals.get(line.currency) ?? 0) + line.itemCount * line.offeredPrice);
  return [...totals].sort(([a], [b]) => a.localeCompare(b));
}

/**
 * The page elements a commit touched, so exactly those flash: `wallet/gold`,
 * `stack/bag/<itemId>`, `metric/bag/durability`, `inventory/bag` (its capacity), `cart/<itemId>`.
 * A stack, metric or cart line that was removed has no element left; its card flashes instead.
 */
export function changedKeys(changes: Changes): { key: string; orElse?: string }[] {
  const keys: { key: string; orElse?: string }[] = Object.keys(changes.wallet ?? {}).map((currency) => ({ key: walletKey(currency) }));
  for (const [category, change] of Object.entries(changes.inventories ?? {})) {
    const card = inventoryKey(category);
    if (change.capacity !== undefined) keys.push({ key: card });
    for (const itemId of Object.keys(change.stacks ?? {})) keys.push({ key: stackKey(category, itemId), orElse: card });
    for (const name of Object.keys(change.metrics ?? {})) keys.push({ key: metricKey(category, name), orElse: card });
  }
  for (const itemId of Object.keys(changes.cart?.lines ?? {})) keys.push({ key: cartLineKey(itemId), orElse: cartKey });
  return keys;
}

export const walletKey = (currency: string) => `wallet/${currency}`;
export const inventoryKey = (category: string) => `inventory/${category}`;
export const stackKey = (category: string, itemId: string) => `stack/${category}/${itemId}`;
export const metricKey = (category: string, name: string) => `metric/${category}/${name}`;
export const cartKey = "cart";
export const cartLineKey = (itemId: string) => `cart/${itemId}`;
