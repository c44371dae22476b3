import { randomUUID } from "node:crypto";
import { connect, dayNumber, dayOfNumber, type HoardClient } from "@hoard/client-sdk";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { describeInBrowser, eventually, openConsole } from "../support/browser";
import { playerWithGold } from "../support/cart";
import { itemDefinition, startServer, type TestServer } from "../support/server";

const today = dayOfNumber(dayNumber(new Date().toISOString().slice(0, 10)) as number);

/**
 * The catalog page and the stock cell's adjustments: an admin puts a price on sale and ends the
 * sale, sets and lifts an item's supply, and sells from a grid cell, each after a confirmation
 * naming what changes; a viewer sees the same pages (supplies and loot tables included) without
 * a button, and the node refuses its writes.
 */
describeInBrowser("console catalog and stock adjustments in Chromium", (browser) => {
  let server: TestServer;
  let gm: HoardClient;
  let potionId: string;
  let swordId: string;
  let rareId: string;
  let chestId: string;

  beforeAll(async () => {
    server = await startServer({ consoleDir: inject("consoleDir") });
    gm = await connect(server.url, { token: await server.token("server", "game") });
    potionId = (await gm.items.create(itemDefinition({ name: "Potion", value: 5 }))).item.id;
    swordId = (await gm.items.create(itemDefinition({ name: "Sword", value: 50 }))).item.id;
    await gm.shop.put({ itemId: potionId, currency: "gold", price: 50 });
    // Sword is limited: 8 in all, 2 sold to one player, 3 held in another's cart.
    await gm.shop.put({ itemId: swordId, currency: "gold", price: 10 });
    await gm.shop.supply(swordId, 8);
    await playerWithGold(gm, "buyer", 100);
    await gm.cart.add("buyer", { itemId: swordId, offeredPrice: 10, itemCount: 2, reserveForMs: 60_000 });
    await gm.cart.checkout("buyer");
    await playerWithGold(gm, "holder", 0);
    await gm.cart.add("holder", { itemId: swordId, offeredPrice: 10, itemCount: 3, reserveForMs: 600_000 });
    rareId = (
      await gm.loot.create({
        name: "Rare chest",
        rolls: 1,
        entries: [{ type: "item", itemId: swordId, category: "bag", quantity: { min: 1, max: 1 }, weight: 1 }],
      })
    ).table.id;
    chestId = (
      await gm.loot.create({
        name: "Chest",
        rolls: 2,
        guaranteed: [{ type: "currency", currency: "gold", amount: { min: 10, max: 20 } }],
        entries: [
          { type: "item", itemId: potionId, category: "bag", quantity: { min: 1, max: 3 }, weight: 6 },
          { type: "table", tableId: rareId, weight: 1 },
          { type: "nothing", weight: 3 },
        ],
      })
    ).table.id;
    await gm.kits.put({
      name: "warrior",
      starter: true,
      currencies: { gold: 100 },
      items: [{ itemId: potionId, category: "bag", quantity: 2 }],
    });
  });
  afterAll(async () => {
    gm?.close();
    await server?.close();
  });

  it("admin: searches definitions by name, puts a price on sale and ends the sale, each confirmed by name and amounts", async () => {
    const tab = await openConsole(browser(), { url: server.url, token: await server.token("admin", "ops") });
    const { page } = tab;
    await tab.go("catalog");
    await eventually(() => page.getByTestId("items-status").textContent()).toBe("2 of 2 definitions");
    await page.fill("#item-search", "POT");
    await eventually(() => page.getByTestId("items-status").textContent()).toBe("1 of 2 definitions");
    expect(await page.locator("[data-testid='kits-section'] tr[data-kit='warrior']").textContent()).toContain("2 × Potion → bag");

    const row = page.locator(`[data-testid='shop-section'] tr[data-offer='${potionId}/gold']`);
    await eventually(() => row.getByTestId("now").textContent()).toBe("50");
    await row.getByRole("button", { name: "Edit" }).click();
    const form = page.getByTestId("price-form");
    await form.locator("input[name=salePrice]").fill("30");
    await form.locator("input[name=saleEnds]").fill("2099-01-01T12:00");
    await form.getByRole("button", { name: "Review…" }).click();
    const question = await page.getByTestId("shop-confirmation").textContent();
    expect(question).toMatch(/^Set Potion to 50 gold \(unchanged\), on sale at 30 gold until 2099-01-01 \d\d:00 UTC\?$/);
    expect((await gm.shop.list({ itemId: potionId })).entries[0]?.sale).toBeUndefined();
    await page.getByTestId("shop-confirm").click();
    await eventually(() => row.getByTestId("now").textContent()).toBe("30 (sale)");
    expect((await gm.shop.list({ itemId: potionId })).entries[0]?.current).toMatchObject({ price: 30, specialSale: true });

    await row.getByTestId("end-sale").click();
    expect(await page.getByTestId("shop-confirmation").textContent()).toBe("End the sale of Potion: 30 → 50 gold from now?");
    await page.getByTestId("shop-confirm").click();
    await eventually(() => row.getByTestId("now").textContent()).toBe("50");
    expect((await gm.shop.list({ itemId: potionId })).entries[0]).toMatchObject({ price: 50, current: { price: 50, specialSale: false } });
    expect((await gm.shop.list({ itemId: potionId })).entries[0]?.sale).toBeUndefined();
    await tab.screenshot("catalog");
    expect(tab.errors).toEqual([]);
    await tab.close();
  });

  it("admin: sets and lifts an item's supply through the form, after a confirmation naming what is held, sold and left", async () => {
    const tab = await openConsole(browser(), { url: server.url, token: await server.token("admin", "ops") });
    const { page } = tab;
    await tab.go("catalog");
    const supplyOf = async (itemId: string) => (await gm.shop.supplies({ itemId })).supplies[0];
    const sword = page.locator(`[data-testid='supply-section'] tr[data-supply='${swordId}']`);
    await eventually(() => sword.locator(".item").textContent()).toBe("Sword");
    expect(await supplyOf(swordId)).toMatchObject({ supply: 8, held: 3, sold: 2, available: 3 });
    const cells = (row: typeof sword) =>
      Promise.all(["supply", "held", "sold", "available"].map((column) => row.getByTestId(column).textContent()));
    expect(await cells(sword)).toEqual(["8", "3", "2", "3"]);

    await sword.getByRole("button", { name: "Edit" }).click();
    const form = page.getByTestId("supply-form");
    const units = form.locator("input[name=supply]");
    expect(await units.inputValue()).toBe("8");
    await units.fill("10");
    await form.getByRole("button", { name: "Review…" }).click();
    expect(await page.getByTestId("supply-confirmation").textContent()).toBe(
      "Set the supply of Sword: 8 → 10? 3 are held in carts and 2 were sold; 5 will be left.",
    );
    // Nothing is sent before Confirm.
    expect((await supplyOf(swordId))?.supply).toBe(8);
    await page.getByTestId("supply-confirm").click();
    await eventually(() => cells(sword)).toEqual(["10", "3", "2", "5"]);
    expect(await supplyOf(swordId)).toMatchObject({ supply: 10, held: 3, sold: 2, available: 5 });

    // An item without a supply, picked by name: limited, then lifted again.
    const potion = page.locator(`[data-testid='supply-section'] tr[data-supply='${potionId}']`);
    expect(await potion.count()).toBe(0);
    await form.locator("select[name=itemId]").selectOption({ label: `Potion (${potionId.slice(0, 8)})` });
    await units.fill("4");
    await form.getByRole("button", { name: "Review…" }).click();
    expect(await page.getByTestId("supply-confirmation").textContent()).toBe(
      "Set the supply of Potion: unlimited → 4? none are held in carts or sold; 4 will be left.",
    );
    await page.getByTestId("supply-confirm").click();
    await eventually(() => cells(potion)).toEqual(["4", "0", "0", "4"]);
    await potion.getByRole("button", { name: "Edit" }).click();
    await units.fill("");
    await form.getByRole("button", { name: "Review…" }).click();
    expect(await page.getByTestId("supply-confirmation").textContent()).toBe(
      "Set the supply of Potion: 4 → unlimited? none are held in carts or sold; the shop will sell it without a limit.",
    );
    await page.getByTestId("supply-confirm").click();
    await eventually(() => potion.getByTestId("supply").textContent()).toBe("unlimited");
    expect((await supplyOf(potionId))?.supply ?? null).toBeNull();
    await tab.screenshot("catalog-supply");
    expect(tab.errors).toEqual([]);
    await tab.close();
  });

  it("admin: sells from a stock grid cell after a confirmation naming the key, day and units", async () => {
    const key = `c${randomUUID().slice(0, 8)}/bolts/m4`;
    await gm.stock.setPartitions(key, { from: today, to: today, partitions: { p0: 10, p1: 5 } });
    const tab = await openConsole(browser(), { url: server.url, token: await server.token("admin", "ops") });
    const { page } = tab;
    await tab.go("stock", key.split("/")[0] as string);
    const cell = page.locator(`[data-testid='stock-grid'] tr[data-key='${key}'] td[data-day='${today}']`);
    await eventually(() => cell.getAttribute("data-total")).toBe("15");
    await cell.click();
    await eventually(() => page.getByTestId("detail-total").textContent()).toBe("15");
    const form = page.getByTestId("stock-actions");
    await form.locator("select[name=stock-action]").selectOption("sell");
    await form.locator("input[name=amount]").fill("4");
    await form.locator("input[name=partition]").fill("p1");
    await form.getByRole("button", { name: "Review…" }).click();
    expect(await page.getByTestId("stock-confirmation").textContent()).toBe(`Sell 4 units of ${key} on ${today} (from p1)?`);
    await page.getByTestId("stock-confirm").click();
    await eventually(() => cell.getAttribute("data-total")).toBe("11");
    await eventually(() => page.locator("[data-testid='partitions'] tr[data-partition='p1'] .count").textContent()).toBe("1");
    expect((await gm.stock.read(key, { from: today, to: today })).days[0]?.partitions).toEqual({ p0: 10, p1: 1 });
    expect(tab.errors).toEqual([]);
    await tab.close();
  });

  it("viewer: the same pages without a button, and the node refuses its writes with AUTH_FORBIDDEN", async () => {
    const token = await server.token("viewer", "auditor");
    const tab = await openConsole(browser(), { url: server.url, token });
    const { page } = tab;
    await tab.go("catalog");
    const row = page.locator(`[data-testid='shop-section'] tr[data-offer='${potionId}/gold']`);
    await eventually(() => row.getByTestId("now").textContent()).toBe("50");
    await eventually(() => page.locator("[data-testid='kits-section'] tr[data-kit='warrior']").count()).toBe(1);
    // What the node says of Sword's supply now, column by column.
    const stored = (await gm.shop.supplies({ itemId: swordId })).supplies[0];
    const sword = page.locator(`[data-testid='supply-section'] tr[data-supply='${swordId}']`);
    const shown = () =>
      Promise.all(
        [sword.locator(".item"), ...["supply", "held", "sold", "available"].map((c) => sword.getByTestId(c))].map((cell) =>
          cell.textContent(),
        ),
      );
    await eventually(shown).toEqual([
      "Sword",
      ...[stored?.supply, stored?.held, stored?.sold, stored?.available].map((n) => (n === null ? "unlimited" : String(n))),
    ]);

    // The chest: its rolls, guaranteed reward, and each entry's share of the weights; the nested table by short id (full in its title).
    const chest = page.locator(`[data-testid='loot-section'] tr[data-table='${chestId}']`);
    await eventually(() => chest.getByTestId("rolls").textContent()).toBe("2");
    expect(await chest.locator("code").getAttribute("title")).toBe(chestId);
    const lines = () =>
      chest
        .getByTestId("loot-line")
        .evaluateAll((items) => items.map((li) => [li.querySelector(".share")?.textContent, li.lastElementChild?.textContent]));
    await eventually(lines).toEqual([
      ["guaranteed", "10–20 gold"],
      ["60%", "1–3 × Potion → bag"],
      ["10%", `table ${rareId.slice(0, 12)}… (Rare chest)`],
      ["30%", "nothing"],
    ]);
    expect(await chest.locator(`[title='${rareId}']`).count()).toBe(1);
    expect(await page.locator("main button, main form").count()).toBe(0);
    await tab.go("stock");
    await page.locator("[data-testid='stock-grid'] td[data-day]").first().click();
    await eventually(() => page.getByTestId("cell-detail").textContent()).toContain("Total");
    expect(await page.getByTestId("stock-actions").count()).toBe(0);
    expect(tab.errors).toEqual([]);
    await tab.close();

    const viewer = await connect(server.url, { token });
    try {
      await expect(viewer.shop.put({ itemId: potionId, currency: "gold", price: 1 })).rejects.toMatchObject({ code: "AUTH_FORBIDDEN" });
      await expect(viewer.kits.put({ name: "warrior" })).rejects.toMatchObject({ code: "AUTH_FORBIDDEN" });
      await expect(viewer.shop.supply(swordId, null)).rejects.toMatchObject({ code: "AUTH_FORBIDDEN" });
      await expect(viewer.stock.sell("x/y", { from: today, to: today })).rejects.toMatchObject({ code: "AUTH_FORBIDDEN" });
      expect((await gm.shop.list({ itemId: potionId })).entries[0]?.price).toBe(50);
    } finally {
      viewer.close();
    }
  });
});
