import { z } from "zod";
import { Category, Cursor, ItemId, Limit, Name, Quantity, Timestamp } from "./common.js";
import { LootTableId } from "./loot.js";

/** Not a name every object inherits (`constructor`, `toString`…): see common.ts. */
const AttributeKey = z
  .string()
  .regex(
    /^(?!(?:constructor|hasOwnProperty|isPrototypeOf|propertyIsEnumerable|toLocaleString|toString|valueOf)$)[a-z][a-zA-Z0-9_]{0,31}$/,
    "an attribute name, ≤ 32, not one that objects inherit",
  );
const AttributeValue = z.union([z.string().max(256), z.number().finite(), z.boolean()]);

/**
 * An item definition. Immutable: its id is the SHA-256 of its canonical JSON, so the same
 * definition always has the same id and is stored once.
 */
export const ItemDefinition = z.strictObject({
  name: z.string().min(1).max(128),
  kind: z.string().min(1).max(64).optional(),
  description: z.string().max(1024).optional(),
  /** Value in the economy's unit (used by trades to score imbalance). */
  value: z.number().finite().min(0).max(1e12).optional(),
  attributes: z.record(AttributeKey, AttributeValue).optional(),
});
export type ItemDefinition = z.infer<typeof ItemDefinition>;

export const StoredItem = z.strictObject({
  id: ItemId,
  definition: ItemDefinition,
  createdAt: Timestamp,
});
export type StoredItem = z.infer<typeof StoredItem>;

export const ItemsCreateInput = z.strictObject({ definition: ItemDefinition });
export const ItemsCreateOutput = z.strictObject({ item: StoredItem, created: z.boolean() });

export const ItemsGetInput = z.strictObject({ id: ItemId });
export const ItemsGetOutput = StoredItem;

export const ItemsListInput = z.strictObject({ after: Cursor.optional(), limit: Limit.optional() });
export const ItemsListOutput = z.strictObject({
  items: z.array(StoredItem),
  next: z.string().nullable(),
});

/**
 * A named bundle of items and currency, granted to a player created with that class. Only a
 * `starter` kit may be picked by a player creating itself (its own `players:create {class}`);
 * server and admin tokens may grant any kit.
 */
export const Kit = z.strictObject({
  name: Name,
  /** A starter (class) kit: a player may pick it when it creates itself. Absent = false. */
  starter: z.boolean().optional(),
  currencies: z.record(Name, Quantity).optional(),
  items: z
    .array(z.strictObject({ itemId: ItemId, category: Category, quantity: Quantity }))
    .max(100)
    .optional(),
  /** A loot table drawn once for the new player, in the same commit (the draw is in the op log). */
  loot: LootTableId.optional(),
});
export type Kit = z.infer<typeof Kit>;

/** `players:create {class: "random"}` picks one of the starter kits at random; no kit may take this name. */
export const RANDOM_CLASS = "random";

export const KitsPutInput = z.strictObject({ kit: Kit });
export const KitsPutOutput = z.strictObject({ kit: Kit });
export const KitsGetInput = z.strictObject({ name: Name });
export const KitsListInput = z.strictObject({});
export const KitsListOutput = z.strictObject({ kits: z.array(Kit) });
