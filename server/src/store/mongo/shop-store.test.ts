import { describe, expect, it, vi } from "vitest";
import { anItemId } from "../../../../test/support/builders";
import { cursor, fakeMongoStore } from "../../../../test/support/mongo-fakes";
import { priceListFilter, supplyListFilter } from "./shop-store";

/** The Mongo shop catalog's own logic on driver-shaped fakes; against a real server: test/contract (MONGODB_URL). */

const potion = anItemId("potion");
const sword = anItemId("sword");
const price = (itemId: string, currency: string) => ({ itemId, currency, price: 5, updatedAt: "2030-01-01T00:00:00.000Z" });

function fakeShop() {
  const shop_prices = {
    find: vi.fn((_filter: unknown, _options?: unknown) => cursor<unknown>([])),
    replaceOne: vi.fn(async (_filter: unknown, _doc: unknown, _options?: unknown): Promise<unknown> => ({ matchedCount: 1 })),
    deleteOne: vi.fn(async (_filter: unknown): Promise<unknown> => ({ deletedCount: 1 })),
  };
  return { ...fakeMongoStore({ shop_prices }), shop_prices };
}

describe("MongoShopCatalog on driver-shaped fakes", () => {
  it("sets a price by replacing the (item, currency) document whole, creating it when missing", async () => {
    const { store, shop_prices } = fakeShop();
    const entry = price(potion, "gold");

    await store.shop.setPrice(entry);

    expect(shop_prices.replaceOne).toHaveBeenCalledWith({ itemId: potion, currency: "gold" }, entry, { upsert: true });
  });

  it("answers pricesOf in the order the items were asked, each by currency, from one query", async () => {
    const { store, shop_prices } = fakeShop();
    const [a, b] = [potion, sword].sort() as [string, string];
    shop_prices.find.mockReturnValueOnce(cursor([price(a, "gems"), price(a, "gold"), price(b, "gold")]));

    const prices = await store.shop.pricesOf([b, a, b]);

    expect(prices.map((entry) => [entry.itemId, entry.currency])).toEqual([
      [b, "gold"],
      [a, "gems"],
      [a, "gold"],
    ]);
    expect(shop_prices.find.mock.calls[0]?.[0]).toEqual({ itemId: { $in: [b, a] } });
  });

  it("pages listPrices by (itemId, currency) after the cursor, optionally of one item", () => {
    expect(priceListFilter({ limit: 10 })).toEqual({});
    expect(priceListFilter({ itemId: potion, after: { itemId: potion, currency: "gems" }, limit: 10 })).toEqual({
      itemId: potion,
      $or: [{ itemId: { $gt: potion } }, { itemId: potion, currency: { $gt: "gems" } }],
    });
    expect(() => priceListFilter({ itemId: { $ne: null } as unknown as string, limit: 1 })).toThrow(TypeError);
  });

  it("withdraws a price: true only when there was one", async () => {
    const { store, shop_prices } = fakeShop();
    shop_prices.deleteOne.mockResolvedValueOnce({ deletedCount: 1 }).mockResolvedValueOnce({ deletedCount: 0 });

    expect([await store.shop.withdrawPrice(potion, "gold"), await store.shop.withdrawPrice(potion, "gold")]).toEqual([true, false]);
  });
});

describe("supplyListFilter", () => {
  it("lists every supply without a condition, and takes only scalars", () => {
    // An empty condition on _id (`{ _id: {} }`) would match no document at all.
    expect(supplyListFilter({ limit: 5 })).toEqual({});
    expect(supplyListFilter({ after: potion, itemId: sword, limit: 5 })).toEqual({ _id: { $gt: potion, $eq: sword } });
    expect(() => supplyListFilter({ after: { $ne: "" } as unknown as string, limit: 5 })).toThrow(TypeError);
  });
});
