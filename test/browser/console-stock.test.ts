import { randomUUID } from "node:crypto";
import { connect, dayNumber, dayOfNumber, type HoardClient } from "@hoard/client-sdk";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { describeInBrowser, eventually, openConsole } from "../support/browser";
import { startServer, type TestServer } from "../support/server";

/** The console's grid starts today (UTC), as the node counts days. */
const today = dayNumber(new Date().toISOString().slice(0, 10)) as number;
const day = (offset: number) => dayOfNumber(today + offset);

describeInBrowser("web console: stock grid", (browser) => {
  let server: TestServer;
  let gm: HoardClient;

  beforeAll(async () => {
    server = await startServer({ consoleDir: inject("consoleDir") });
    gm = await connect(server.url, { token: await server.token("server", "warehouse") });
  });
  afterAll(async () => {
    gm.close();
    await server.close();
  });

  it("keeps the keys × days grid live: sales, oversells, new keys and imports; a cell opens its partitions", async () => {
    const root = `t${randomUUID().slice(0, 8)}`;
    const bolts = `${root}/bolts/m4`;
    await gm.stock.setPartitions(bolts, { from: day(0), to: day(6), partitions: { p0: 10, p1: 5 } });
    const tab = await openConsole(browser(), { url: server.url, token: await server.token("admin", "console") });
    const { page } = tab;
    await tab.go("stock", root);
    const cell = (key: string, offset: number) =>
      page.locator(`[data-testid='stock-grid'] tr[data-key='${key}'] td[data-day='${day(offset)}']`);
    await eventually(() => cell(bolts, 0).getAttribute("data-total")).toBe("15");
    expect(await cell(bolts, 7).getAttribute("data-total")).toBe("0");

    // A sale changes its cells (from the push's totals) and flashes them.
    await gm.stock.sell(bolts, { from: day(0), to: day(1), amount: 3 });
    await eventually(() => cell(bolts, 0).getAttribute("data-total")).toBe("12");
    expect(await cell(bolts, 1).textContent()).toBe("12");
    expect(await cell(bolts, 2).textContent()).toBe("15");

    // The partitions of a clicked cell, read again as the key changes.
    await cell(bolts, 0).click();
    const partition = (name: string) => page.locator(`[data-testid='partitions'] tr[data-partition='${name}'] .count`);
    await eventually(() => partition("p0").textContent()).toBe("7");
    expect(await partition("p1").textContent()).toBe("5");
    expect(await page.getByTestId("detail-total").textContent()).toBe("12");
    await gm.stock.acquire(bolts, { from: day(0), to: day(0), amount: 4, partition: "p1" });
    await eventually(() => partition("p1").textContent()).toBe("9");
    // The detail and the grid cell are drawn by different paths: either may be a frame later.
    await eventually(() => cell(bolts, 0).getAttribute("data-total")).toBe("16");

    // An oversell the caller allowed: the day is flagged, and the alert names it.
    await gm.stock.sell(bolts, { from: day(3), to: day(3), amount: 20, allowNegative: true });
    await eventually(() => cell(bolts, 3).getAttribute("data-total")).toBe("-5");
    expect(await cell(bolts, 3).getAttribute("class")).toContain("negative");
    expect(await page.getByTestId("negative-count").textContent()).toBe("1 negative day");
    await eventually(() => page.getByTestId("negative-alerts").textContent()).toContain(`${bolts}1 day below zero: ${day(3)} (had 15)`);

    // A key new to the prefix joins the grid; an import (its pushes carry no totals) is read again.
    const nuts = `${root}/nuts/m6`;
    await gm.stock.acquire(nuts, { from: day(2), to: day(2), amount: 8 });
    await eventually(() => cell(nuts, 2).getAttribute("data-total")).toBe("8");
    const imported = await fetch(`${server.url}/api/v1/stock/import`, {
      method: "POST",
      headers: { "content-type": "application/x-ndjson", authorization: `Bearer ${await server.token("server", "loader")}` },
      body: `${JSON.stringify({ key: bolts, day: day(5), partitions: { p0: 60, p2: 40 } })}\n`,
    });
    expect(imported.status).toBe(200);
    await eventually(() => cell(bolts, 5).getAttribute("data-total")).toBe("100");
    expect(
      await page.locator("[data-testid='stock-grid'] tbody tr").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-key"))),
    ).toEqual([bolts, nuts]);

    await tab.screenshot("stock-live");
    expect(tab.errors).toEqual([]);
    await tab.close();
  });

  it.each([
    { name: "phone", width: 390, height: 844 },
    { name: "1024", width: 1024, height: 768 },
  ])("fits a $name-wide screen (the grid scrolls inside its card, its last day within reach)", async ({ name, width, height }) => {
    const root = `t${randomUUID().slice(0, 8)}`;
    await gm.stock.acquire(`${root}/gears/g12`, { from: day(0), to: day(13), amount: 25 });
    const tab = await openConsole(browser(), {
      url: server.url,
      token: await server.token("admin", "console"),
      viewport: { width, height },
    });
    const { page } = tab;
    await tab.go("stock", root);
    await eventually(() => page.locator(`[data-testid='stock-grid'] td[data-day='${day(0)}']`).getAttribute("data-total")).toBe("25");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // Nothing of the grid is cut off: whatever does not fit is reached by scrolling its card.
    const wrap = page.locator(".grid-wrap");
    const fits = await wrap.evaluate((el) => ({ hidden: el.scrollWidth - el.clientWidth, scrolls: getComputedStyle(el).overflowX }));
    expect(fits.hidden <= 0 || fits.scrolls === "auto").toBe(true);
    const lastDay = page.locator(`[data-testid='stock-grid'] td[data-day='${day(13)}']`);
    await lastDay.scrollIntoViewIfNeeded();
    const box = await lastDay.boundingBox();
    expect(box && box.x + box.width <= width).toBe(true);
    await tab.screenshot(`stock-${name}`);
    expect(tab.errors).toEqual([]);
    await tab.close();
  });
});
