import { randomUUID } from "node:crypto";
import { connect, dayNumber, dayOfNumber, type HoardClient } from "@hoard/client-sdk";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { describeInBrowser, eventually, openConsole } from "../support/browser";
import { itemDefinition, startServer, type TestServer } from "../support/server";

const today = dayOfNumber(dayNumber(new Date().toISOString().slice(0, 10)) as number);

/**
 * The catalog page and the stock cell's adjustments: an admin puts a price on sale and ends the
 * sale, and sells from a grid cell, each after a confirmation naming what changes; a viewer sees
 * the same pages without a button, and the node refuses its writes.
 */
describeInBrowser("console catalog and stock adjustments in Chromium", (browser) => {
  let server: TestServer;
  let gm: HoardClient;
  let potionId: string;

  beforeAll(async () => {
    server = await startServer({ consoleDir: inject("consoleDir") });
    gm = await connect(server.url, { token: await server.token("server", "game") });
    potionId = (await gm.items.create(itemDefinition({ name: "Potion", value: 5 }))).item.id;
    await gm.items.create(itemDefinition({ name: "Sword", value: 50 }));
    await gm.shop.put({ itemId: potionId, currency: "gold", price: 50 });
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
      await expect(viewer.stock.sell("x/y", { from: today, to: today })).rejects.toMatchObject({ code: "AUTH_FORBIDDEN" });
      expect((await gm.shop.list({ itemId: potionId })).entries[0]?.price).toBe(50);
    } finally {
      viewer.close();
    }
  });
});
