import type { ShopOffer } from "@hoard/client-sdk";
import { describe, expect, it } from "vitest";
import { endSaleConfirmation, kitConfirmation, parseCurrencies, parseKitItems, priceConfirmation, priceInput } from "./catalog-model";

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
