import type { Kit, LootTable, ShopOffer, ShopSupply, StoredItem } from "@hoard/client-sdk";
import { formatNumber, shortId } from "../../lib/format";

/**
 * The catalog pages' forms as pure functions (no DOM, unit-tested in Node): what a filled form
 * sends, or what is wrong with it, and the confirmation that names what changes. The node
 * checks everything again.
 */

const name = /^[a-z][a-z0-9_]{0,31}$/;

/** Definitions whose name contains `query`, ignoring case, by name. */
export function filterItems(items: readonly StoredItem[], query: string): StoredItem[] {
  const folded = query.trim().toLowerCase();
  return items
    .filter((item) => folded === "" || item.definition.name.toLowerCase().includes(folded))
    .sort((a, b) => a.definition.name.localeCompare(b.definition.name) || a.id.localeCompare(b.id));
}

/** `gold=100 gems=5` (commas or spaces) → { gold: 100, gems: 5 }. */
export function parseCurrencies(text: string): { currencies: Record<string, number> } | { problem: string } {
  const currencies: Record<string, number> = {};
  for (const pair of text.split(/[\s,]+/).filter(Boolean)) {
    const [currency = "", amount = ""] = pair.split("=");
    const value = Number(amount);
    if (!name.test(currency) || !Number.isSafeInteger(value) || value < 1)
      return { problem: `“${pair}”: write currency=amount, e.g. gold=100 (a lower-case name, a whole amount ≥ 1).` };
    currencies[currency] = value;
  }
  return { currencies };
}

/** One line per item: `<category> <quantity> <item name or id>`, e.g. `bag 3 Potion`. */
export function parseKitItems(
  text: string,
  itemIdOf: (nameOrId: string) => string | undefined,
): NonNullable<Kit["items"]> | { problem: string } {
  const items: NonNullable<Kit["items"]> = [];
  for (const line of text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)) {
    const match = /^(\S+)\s+(\d+)\s+(.+)$/.exec(line);
    const itemId = match ? itemIdOf(match[3] as string) : undefined;
    if (!match || !itemId)
      return { problem: `“${line}”: write <category> <quantity> <item name or id>, e.g. bag 3 Potion (a known item).` };
    items.push({ category: match[1] as string, quantity: Number(match[2]), itemId });
  }
  return items;
}

export function kitItemsText(kit: Kit, itemName: (id: string) => string): string {
  return (kit.items ?? []).map((line) => `${line.category} ${line.quantity} ${itemName(line.itemId)}`).join("\n");
}

/** "Replace kit warrior (starter): 100 gold; 3 × Potion → bag?" */
export function kitConfirmation(kit: Kit, itemName: (id: string) => string, exists: boolean): string {
  const parts = [
    ...Object.entries(kit.currencies ?? {}).map(([currency, amount]) => `${formatNumber(amount)} ${currency}`),
    ...(kit.items ?? []).map((line) => `${formatNumber(line.quantity)} × ${itemName(line.itemId)} → ${line.category}`),
  ];
  return `${exists ? "Replace" : "Create"} kit ${kit.name}${kit.starter ? " (starter)" : ""}: ${parts.length ? parts.join("; ") : "nothing"}?`;
}

export interface PriceValues {
  itemId: string;
  currency: string;
  price: string;
  salePrice: string;
  /** A datetime-local value (the operator's time zone). */
  saleEnds: string;
}

export interface PriceInput {
  itemId: string;
  currency: string;
  price: number;
  sale?: { price: number; expiresAt: string };
}

/** The catalog entry a price form makes (a sale needs both its price and its end). */
export function priceInput(values: PriceValues, now: number = Date.now()): PriceInput | { problem: string } {
  const price = Number(values.price);
  if (!values.itemId) return { problem: "Pick an item." };
  if (!name.test(values.currency)) return { problem: "The currency is a lower-case name, e.g. gold." };
  if (values.price.trim() === "" || !Number.isSafeInteger(price) || price < 0) return { problem: "The price must be a whole number." };
  const base = { itemId: values.itemId, currency: values.currency, price };
  if (values.salePrice.trim() === "" && values.saleEnds === "") return base;
  const salePrice = Number(values.salePrice);
  const ends = Date.parse(values.saleEnds);
  if (values.salePrice.trim() === "" || !Number.isSafeInteger(salePrice) || salePrice < 0)
    return { problem: "The sale price must be a whole number (or leave both sale fields empty)." };
  if (Number.isNaN(ends) || ends <= now) return { problem: "The sale must end in the future." };
  return { ...base, sale: { price: salePrice, expiresAt: new Date(ends).toISOString() } };
}

/** "Set Potion to 50 gold (was 60), on sale at 30 gold until 2026-12-05 18:00 UTC?" */
export function priceConfirmation(input: PriceInput, before: ShopOffer | undefined, itemName: string): string {
  const was =
    before && before.price !== input.price ? ` (was ${formatNumber(before.price)})` : before ? " (unchanged)" : " (new in the shop)";
  const sale = input.sale
    ? `, on sale at ${formatNumber(input.sale.price)} ${input.currency} until ${utc(input.sale.expiresAt)}`
    : before?.sale
      ? `, ending its sale at ${formatNumber(before.sale.price)} ${input.currency}`
      : "";
  return `Set ${itemName} to ${formatNumber(input.price)} ${input.currency}${was}${sale}?`;
}

/** "End the sale of Potion: 30 → 50 gold now?" */
export function endSaleConfirmation(entry: ShopOffer, itemName: string): string {
  return `End the sale of ${itemName}: ${formatNumber(entry.sale?.price ?? entry.price)} → ${formatNumber(entry.price)} ${entry.currency} from now?`;
}

export function utc(iso: string): string {
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}

/** A supply (or what is left of it) as the table shows it: null is "unlimited". */
export function supplyText(units: number | null): string {
  return units === null ? "unlimited" : formatNumber(units);
}

export interface SupplyInput {
  itemId: string;
  /** Units for sale in all; null lifts the limit. */
  supply: number | null;
}

/** What the supply form sends: a whole number of units, or nothing ("unlimited") to lift the limit. */
export function supplyInput(values: { itemId: string; supply: string }): SupplyInput | { problem: string } {
  if (!values.itemId) return { problem: "Pick an item." };
  const text = values.supply.trim();
  if (text === "" || text.toLowerCase() === "unlimited") return { itemId: values.itemId, supply: null };
  const supply = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(supply))
    return { problem: "The supply is a whole number of units (or empty: unlimited)." };
  return { itemId: values.itemId, supply };
}

/** "Set the supply of Relic: 8 → 10? 3 are held in carts and 2 were sold; 5 will be left." */
export function supplyConfirmation(input: SupplyInput, before: ShopSupply | undefined, itemName: string): string {
  const held = before?.held ?? 0;
  const sold = before?.sold ?? 0;
  const taken =
    held + sold === 0
      ? "none are held in carts or sold"
      : `${formatNumber(held)} ${held === 1 ? "is" : "are"} held in carts and ${formatNumber(sold)} ${sold === 1 ? "was" : "were"} sold`;
  const left =
    input.supply === null
      ? "the shop will sell it without a limit"
      : input.supply >= held + sold
        ? `${formatNumber(input.supply - held - sold)} will be left`
        : `none will be left (what is held and sold exceeds it by ${formatNumber(held + sold - input.supply)})`;
  return `Set the supply of ${itemName}: ${supplyText(before?.supply ?? null)} → ${supplyText(input.supply)}? ${taken}; ${left}.`;
}

/** One reward of a loot table as the console lists it. */
export interface LootLine {
  /** "guaranteed", or the entry's chance on each roll ("60%"). */
  share: string;
  /** "1–3 × Potion → bag", "10–20 gold", "table 1a2b3c4d5e6f… (Rare chest)", "nothing". */
  reward: string;
  /** A nested table's full id (the reward names it short). */
  tableId?: string;
}

type LootReward = NonNullable<LootTable["guaranteed"]>[number] | LootTable["entries"][number];

/** A table's guaranteed rewards, then its weighted entries with their chance on each roll. */
export function lootLines(table: LootTable, names: { item(id: string): string; table(id: string): string | undefined }): LootLine[] {
  const total = table.entries.reduce((sum, entry) => sum + entry.weight, 0);
  return [
    ...(table.guaranteed ?? []).map((reward) => lootLine("guaranteed", reward, names)),
    ...table.entries.map((entry) => lootLine(lootShare(entry.weight, total), entry, names)),
  ];
}

function lootLine(share: string, reward: LootReward, names: { item(id: string): string; table(id: string): string | undefined }): LootLine {
  switch (reward.type) {
    case "item":
      return { share, reward: `${range(reward.quantity)} × ${names.item(reward.itemId)} → ${reward.category}` };
    case "currency":
      return { share, reward: `${range(reward.amount)} ${reward.currency}` };
    case "table": {
      const name = names.table(reward.tableId);
      return { share, reward: `table ${shortId(reward.tableId, 12)}${name === undefined ? "" : ` (${name})`}`, tableId: reward.tableId };
    }
    case "nothing":
      return { share, reward: "nothing" };
  }
}

/** A weight as its chance on each roll: "60%", "33.3%"; never rounded to 0% or 100% when it is not. */
export function lootShare(weight: number, total: number): string {
  const percent = (weight * 100) / total;
  if (percent < 0.1) return "<0.1%";
  if (percent > 99.9 && weight < total) return ">99.9%";
  return `${Number(percent.toFixed(1))}%`;
}

/** "2", or "1–3" for a range. */
function range(quantity: { min: number; max: number }): string {
  return quantity.min === quantity.max ? formatNumber(quantity.min) : `${formatNumber(quantity.min)}–${formatNumber(quantity.max)}`;
}
