import type { ShopOffer, ShopSupply } from "@hoard/client-sdk";
import { describe, expect, it } from "vitest";
import {
  endSaleConfirmation,
  kitConfirmation,
  lootLines,
  lootShare,
  parseCurrencies,
  parseKitItems,
  priceConfirmation,
  priceInput,
  supplyConfirmation,
  supplyInput,
  supplyText,
} from "./catalog-model";

const potion = "a".repeat(64);
const offer = (sale?: { price: number; expiresAt: string }): ShopOffer => ({
  itemId: potion,
  currency: "gold",
  price: 50,
  ...(sale ? { sale } : {}),
  updatedAt: "2026-01-01T00:00:00.000Z",
  current: { price: sale?.price ?? 50, specialSale: sale !== undefined },
});

describe("catalog forms", () => {
  it("reads currencies and kit lines, and says what is wrong", () => {
    expect(parseCurrencies("gold=100, gems=5")).toEqual({ currencies: { gold: 100, gems: 5 } });
    expect(parseCurrencies("gold=0")).toHaveProperty("problem");
    expect(parseCurrencies("Gold=3")).toHaveProperty("problem");
    const ids = (text: string) => (text === "Potion" ? potion : undefined);
    expect(parseKitItems("bag 3 Potion\n\n", ids)).toEqual([{ category: "bag", quantity: 3, itemId: potion }]);
    expect(parseKitItems("bag 3 Sword", ids)).toHaveProperty("problem");
    expect(
      kitConfirmation(
        { name: "warrior", starter: true, currencies: { gold: 100 }, items: [{ category: "bag", quantity: 3, itemId: potion }] },
        () => "Potion",
        true,
      ),
    ).toBe("Replace kit warrior (starter): 100 gold; 3 × Potion → bag?");
  });

  it("makes a price with or without a sale, refuses a sale in the past, and names the change", () => {
    const now = Date.parse("2026-06-01T00:00:00Z");
    const base = { itemId: potion, currency: "gold", price: "40", salePrice: "", saleEnds: "" };
    expect(priceInput(base, now)).toEqual({ itemId: potion, currency: "gold", price: 40 });
    expect(priceInput({ ...base, salePrice: "30", saleEnds: "2026-05-01T00:00" }, now)).toHaveProperty("problem");
    const withSale = priceInput({ ...base, salePrice: "30", saleEnds: "2026-07-01T00:00Z" }, now);
    expect(withSale).toEqual({ itemId: potion, currency: "gold", price: 40, sale: { price: 30, expiresAt: "2026-07-01T00:00:00.000Z" } });
    if ("problem" in withSale) throw new Error(withSale.problem);
    expect(priceConfirmation(withSale, offer(), "Potion")).toBe(
      "Set Potion to 40 gold (was 50), on sale at 30 gold until 2026-07-01 00:00 UTC?",
    );
    expect(
      priceConfirmation(
        { itemId: potion, currency: "gold", price: 50 },
        offer({ price: 30, expiresAt: "2026-07-01T00:00:00.000Z" }),
        "Potion",
      ),
    ).toBe("Set Potion to 50 gold (unchanged), ending its sale at 30 gold?");
    expect(endSaleConfirmation(offer({ price: 30, expiresAt: "2026-07-01T00:00:00.000Z" }), "Potion")).toBe(
      "End the sale of Potion: 30 → 50 gold from now?",
    );
  });
});

const supply = (overrides: Partial<ShopSupply> = {}): ShopSupply => {
  const base = { itemId: potion, supply: 8, held: 3, sold: 2, version: 4, ...overrides };
  return { ...base, available: base.supply === null ? null : Math.max(0, base.supply - base.held - base.sold) };
};

describe("the supply form", () => {
  it("reads a whole number of units, or nothing (unlimited) to lift the limit", () => {
    expect(supplyInput({ itemId: potion, supply: " 10 " })).toEqual({ itemId: potion, supply: 10 });
    expect(supplyInput({ itemId: potion, supply: "0" })).toEqual({ itemId: potion, supply: 0 });
    expect(supplyInput({ itemId: potion, supply: "" })).toEqual({ itemId: potion, supply: null });
    expect(supplyInput({ itemId: potion, supply: "Unlimited" })).toEqual({ itemId: potion, supply: null });
    for (const bad of ["-1", "2.5", "1e3", "ten", "99999999999999999"])
      expect(supplyInput({ itemId: potion, supply: bad }), bad).toHaveProperty("problem");
    expect(supplyInput({ itemId: "", supply: "3" })).toHaveProperty("problem");
    expect(supplyText(null)).toBe("unlimited");
    expect(supplyText(12_000)).toBe("12,000");
  });

  it("names the item, the old and new supply, what is held and sold, and what will be left", () => {
    expect(supplyConfirmation({ itemId: potion, supply: 10 }, supply(), "Relic")).toBe(
      "Set the supply of Relic: 8 → 10? 3 are held in carts and 2 were sold; 5 will be left.",
    );
    expect(supplyConfirmation({ itemId: potion, supply: null }, supply(), "Relic")).toBe(
      "Set the supply of Relic: 8 → unlimited? 3 are held in carts and 2 were sold; the shop will sell it without a limit.",
    );
    expect(supplyConfirmation({ itemId: potion, supply: 4 }, supply({ held: 1, sold: 1 }), "Relic")).toBe(
      "Set the supply of Relic: 8 → 4? 1 is held in carts and 1 was sold; 2 will be left.",
    );
    expect(supplyConfirmation({ itemId: potion, supply: 4 }, supply(), "Relic")).toBe(
      "Set the supply of Relic: 8 → 4? 3 are held in carts and 2 were sold; none will be left (what is held and sold exceeds it by 1).",
    );
    expect(supplyConfirmation({ itemId: potion, supply: 5 }, undefined, "Relic")).toBe(
      "Set the supply of Relic: unlimited → 5? none are held in carts or sold; 5 will be left.",
    );
  });
});

describe("loot tables", () => {
  const rare = "b".repeat(64);
  const names = { item: (id: string) => (id === potion ? "Potion" : "?"), table: (id: string) => (id === rare ? "Rare chest" : undefined) };

  it("lists the guaranteed rewards, then each entry with its chance on each roll", () => {
    const lines = lootLines(
      {
        name: "Chest",
        rolls: 2,
        guaranteed: [{ type: "currency", currency: "gold", amount: { min: 10, max: 20 } }],
        entries: [
          { type: "item", itemId: potion, category: "bag", quantity: { min: 1, max: 3 }, weight: 6 },
          { type: "table", tableId: rare, weight: 1 },
          { type: "table", tableId: "c".repeat(64), weight: 1 },
          { type: "nothing", weight: 2 },
        ],
      },
      names,
    );
    expect(lines).toEqual([
      { share: "guaranteed", reward: "10–20 gold" },
      { share: "60%", reward: "1–3 × Potion → bag" },
      { share: "10%", reward: `table ${"b".repeat(12)}… (Rare chest)`, tableId: rare },
      { share: "10%", reward: `table ${"c".repeat(12)}…`, tableId: "c".repeat(64) },
      { share: "20%", reward: "nothing" },
    ]);
    expect(lootLines({ name: "Pouch", rolls: 0, entries: [] }, names)).toEqual([]);
  });

  it("gives a weight's share with one decimal, never rounded to 0% or 100%", () => {
    expect(lootShare(1, 3)).toBe("33.3%");
    expect(lootShare(3, 3)).toBe("100%");
    expect(lootShare(1, 2_000)).toBe("<0.1%");
    expect(lootShare(1_999, 2_000)).toBe(">99.9%");
  });
});
