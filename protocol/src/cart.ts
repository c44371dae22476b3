import { z } from "zod";
import { Category, Cursor, ItemId, Limit, Name, OpId, PlayerId, Timestamp, Version } from "./common.js";

/**
 * The shop catalog, carts and checkout. A cart lives in the player's state (`Player.cart`),
 * so every cart change is an ordinary versioned player commit, pushed on `inventory/{playerId}`.
 */

/** The currency a price or a cart line is in when none is given. */
export const DEFAULT_SHOP_CURRENCY = "gold";
/** The inventory category a cart line is granted into at checkout when none is given. */
export const DEFAULT_CART_CATEGORY = "bag";
/** The most distinct items one cart holds. */
export const MAX_CART_LINES = 200;
/** The most units of one item in one cart line. */
export const MAX_ITEM_COUNT = 100_000;
/** The most a cart may cost in one currency: the largest single debit. */
export const MAX_CART_TOTAL = 1_000_000_000_000;
/** The longest a cart line may hold limited units (a node may allow less: HOARD_CART_MAX_RESERVATION_MS). */
export const MAX_RESERVATION_MS = 86_400_000;
/** The most units of one item the shop may have for sale in all. */
export const MAX_SUPPLY = 1_000_000_000_000;

/** A unit price in whole units of its currency (0 = free). */
export const Price = z.number().int().min(0).max(1_000_000_000);
/** Units of one item in a cart line. */
export const ItemCount = z.number().int().min(1).max(MAX_ITEM_COUNT);
/** An absolute time with a zone, e.g. 2026-12-24T18:00:00Z. */
export const IsoTime = z.iso.datetime({ offset: true }).max(40);

/** A special sale: `price` applies from `startsAt` (absent = already on) until just before `expiresAt`. */
export const ShopSale = z
  .strictObject({ price: Price, startsAt: IsoTime.optional(), expiresAt: IsoTime })
  .refine((sale) => sale.startsAt === undefined || Date.parse(sale.startsAt) < Date.parse(sale.expiresAt), {
    message: "startsAt must be before expiresAt",
    path: ["startsAt"],
  });
export type ShopSale = z.infer<typeof ShopSale>;

/** The price of one item definition in one currency, with an optional sale. */
export const ShopPrice = z.strictObject({
  itemId: ItemId,
  currency: Name,
  price: Price,
  sale: ShopSale.optional(),
  updatedAt: Timestamp,
});
export type ShopPrice = z.infer<typeof ShopPrice>;

/** What an item costs right now, by the server's clock: the sale price while a sale runs. */
export const CurrentPrice = z.strictObject({
  price: Price,
  specialSale: z.boolean(),
  saleExpiration: IsoTime.optional(),
});
export type CurrentPrice = z.infer<typeof CurrentPrice>;

/** A catalog entry as listed: the stored price and what it costs now. */
export const ShopOffer = z.strictObject({ ...ShopPrice.shape, current: CurrentPrice });
export type ShopOffer = z.infer<typeof ShopOffer>;

/**
 * One line of a cart, keyed by item id in `Cart.lines`. The terms (price, sale) are the
 * server's, checked against the catalog when the line was added and again at checkout.
 */
export const CartLine = z.strictObject({
  currency: Name,
  /** Unit price accepted for this line: the catalog's current price when it was offered. */
  offeredPrice: Price,
  itemCount: ItemCount,
  specialSale: z.boolean(),
  saleExpiration: IsoTime.optional(),
  /** Inventory category the items are granted into at checkout. */
  category: Category,
  addedAt: Timestamp,
  /**
   * The line holds all its units of a limited item (see `ShopSupply`) until this time: nobody
   * else can buy them meanwhile; checkout converts the hold into a sale, and a hold not checked
   * out by then returns to the shop by itself (a `cart:release` commit).
   */
  reservedUntil: Timestamp.optional(),
});
export type CartLine = z.infer<typeof CartLine>;

/** A player's cart. An empty cart is not stored: `Player.cart` is then absent. */
export const Cart = z.strictObject({ lines: z.record(ItemId, CartLine) });
export type Cart = z.infer<typeof Cart>;

/** What a commit changed in the cart, as absolute values: a line of null was removed. */
export const CartChange = z.strictObject({ lines: z.record(ItemId, CartLine.nullable()) });
export type CartChange = z.infer<typeof CartChange>;

/** One line of an order receipt. */
export const OrderLine = z.strictObject({
  itemId: ItemId,
  currency: Name,
  itemCount: ItemCount,
  unitPrice: Price,
  specialSale: z.boolean(),
  saleExpiration: IsoTime.optional(),
  category: Category,
  lineTotal: z.number().int().min(0),
});
export type OrderLine = z.infer<typeof OrderLine>;

/** The receipt of a checkout, written in the same commit that charged and granted. */
export const Order = z.strictObject({
  /** `{playerId}.{version}`: the player version the checkout committed. */
  orderId: z.string().max(100),
  playerId: PlayerId,
  opId: z.string().max(100),
  version: Version,
  lines: z.array(OrderLine).max(MAX_CART_LINES),
  /** Currency → amount debited. */
  totals: z.record(Name, z.number().int().min(0)),
  at: Timestamp,
});
export type Order = z.infer<typeof Order>;

/** A cart as answered to callers: the lines and what they add up to per currency. */
export const CartView = z.strictObject({
  playerId: PlayerId,
  version: Version,
  cart: Cart,
  totals: z.record(Name, z.number().int().min(0)),
});
export type CartView = z.infer<typeof CartView>;

/**
 * What a cart change answers: the lines it changed (null = removed) and the cart's totals
 * after it, not the whole cart (like inventory:apply), so a change costs the same whatever
 * the cart holds. The whole cart: `cart:get`, or the player's live state (`watch()`).
 */
const CartMutationOutput = z.strictObject({
  playerId: PlayerId,
  version: Version,
  changes: CartChange,
  totals: z.record(Name, z.number().int().min(0)),
  /** True when this opId had already been applied and the stored result was returned. */
  replayed: z.boolean(),
});

export const CartGetInput = z.strictObject({ playerId: PlayerId });
export const CartGetOutput = CartView;

export const CartAddInput = z.strictObject({
  playerId: PlayerId,
  opId: OpId,
  itemId: ItemId,
  currency: Name.default(DEFAULT_SHOP_CURRENCY),
  /** Must equal the item's current price (the sale price while a sale runs). */
  offeredPrice: Price,
  /** Adding an item already in the cart adds to its count. */
  itemCount: ItemCount.default(1),
  /** When given, must say whether a sale runs now. */
  specialSale: z.boolean().optional(),
  /** When given, must equal the running sale's expiry. */
  saleExpiration: IsoTime.optional(),
  category: Category.default(DEFAULT_CART_CATEGORY),
  /**
   * Hold the line's units of a limited item for this long (refused with SHOP_SOLD_OUT when the
   * shop has not that many left). Adding to a line that holds already holds the added units
   * too, until the line's first time.
   */
  reserveForMs: z.number().int().min(1_000).max(MAX_RESERVATION_MS).optional(),
});
export const CartAddOutput = CartMutationOutput;

export const CartUpdateInput = z.strictObject({
  playerId: PlayerId,
  opId: OpId,
  itemId: ItemId,
  /** The line's new count; 0 removes the line. */
  itemCount: z.number().int().min(0).max(MAX_ITEM_COUNT),
});
export const CartUpdateOutput = CartMutationOutput;

export const CartRemoveInput = z.strictObject({ playerId: PlayerId, opId: OpId, itemId: ItemId });
export const CartRemoveOutput = CartMutationOutput;

export const CartClearInput = z.strictObject({ playerId: PlayerId, opId: OpId });
export const CartClearOutput = CartMutationOutput;

export const CartCheckoutInput = z.strictObject({ playerId: PlayerId, opId: OpId });
export const CartCheckoutOutput = z.strictObject({
  order: Order,
  replayed: z.boolean(),
});

export const CartOrdersInput = z.strictObject({ playerId: PlayerId, after: Cursor.optional(), limit: Limit.optional() });
export const CartOrdersOutput = z.strictObject({ orders: z.array(Order), next: z.string().nullable() });

export const ShopPutInput = z.strictObject({
  itemId: ItemId,
  currency: Name.default(DEFAULT_SHOP_CURRENCY),
  price: Price,
  sale: ShopSale.optional(),
});
export const ShopPutOutput = z.strictObject({ entry: ShopOffer });

export const ShopListInput = z.strictObject({
  /** Only the prices of this item. */
  itemId: ItemId.optional(),
  after: Cursor.optional(),
  limit: Limit.optional(),
});
export const ShopListOutput = z.strictObject({ entries: z.array(ShopOffer), next: z.string().nullable() });

export const ShopRemoveInput = z.strictObject({ itemId: ItemId, currency: Name.default(DEFAULT_SHOP_CURRENCY) });
export const ShopRemoveOutput = z.strictObject({ removed: z.boolean() });

/**
 * A limited item: the shop sells at most `supply` units of it in all (null: no longer
 * limited). `held` are in carts' reservations, `sold` were checked out; `available` is what
 * is left to hold or sell (never below 0, even after the supply was lowered under what was
 * held and sold). An item without a supply is unlimited.
 */
export const ShopSupply = z.strictObject({
  itemId: ItemId,
  supply: z.number().int().min(0).max(MAX_SUPPLY).nullable(),
  held: z.number().int().min(0),
  sold: z.number().int().min(0),
  available: z.number().int().min(0).nullable(),
  /** Goes up by one with every change (a supply set, a hold, a release, a sale). */
  version: Version,
});
export type ShopSupply = z.infer<typeof ShopSupply>;

export const ShopSupplyInput = z.strictObject({
  itemId: ItemId,
  /** Units for sale in all, sold and held ones included; null lifts the limit. */
  supply: z.number().int().min(0).max(MAX_SUPPLY).nullable(),
});
export const ShopSupplyOutput = z.strictObject({ supply: ShopSupply });

export const ShopSuppliesInput = z.strictObject({
  /** Only this item's supply. */
  itemId: ItemId.optional(),
  after: Cursor.optional(),
  limit: Limit.optional(),
});
export const ShopSuppliesOutput = z.strictObject({ supplies: z.array(ShopSupply), next: z.string().nullable() });
