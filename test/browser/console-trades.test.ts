import { connect, type HoardClient } from "@hoard/client-sdk";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { describeInBrowser, eventually, openConsole } from "../support/browser";
import { startServer, type TestServer } from "../support/server";
import { defineItems, gold, items, stockedPlayer } from "../support/trade";

describeInBrowser("web console: trades", (browser) => {
  let server: TestServer;
  let gm: HoardClient;

  beforeAll(async () => {
    server = await startServer({ consoleDir: inject("consoleDir") });
    gm = await connect(server.url, { token: await server.token("server", "game") });
  });
  afterAll(async () => {
    gm.close();
    await server.close();
  });

  it("shows trades live, highlights the suspicious one, and answers the economy questions", async () => {
    const { lantern } = await defineItems(gm, { lantern: 100 });
    const seller = await stockedPlayer(gm, "seller", { bag: { [lantern]: 3 } });
    const buyer = await stockedPlayer(gm, "buyer", { gold: 500 });
    const tab = await openConsole(browser(), { url: server.url, token: await server.token("admin", "console") });
    const { page } = tab;
    await tab.go("trades");
    await eventually(() => page.getByTestId("count-total").textContent()).toBe("0");

    // A fair swap appears (the feed reads the node's trades every few seconds), not flagged.
    const { trade: fair } = await gm.trades.execute(seller, buyer, { give: items({ [lantern]: 1 }), want: gold(100) });
    const fairRow = page.locator(`[data-testid='trade-feed'] tr[data-trade='${fair.id}']`);
    await eventually(() => fairRow.count()).toBe(1);
    expect(await fairRow.getAttribute("data-suspicious")).toBeNull();
    await eventually(() => fairRow.locator(".give").textContent()).toBe("1 × lantern");
    expect(await fairRow.locator(".want").textContent()).toBe("100 gold");
    expect(await fairRow.locator(".imbalance").textContent()).toBe("0 %");

    // A lantern for one coin: pushed on the admin feed at once, highlighted, newest first.
    const { trade: gift } = await gm.trades.execute(seller, buyer, { give: items({ [lantern]: 1 }), want: gold(1) });
    expect(gift.suspicious).toBe(true);
    const giftRow = page.locator(`[data-testid='trade-feed'] tr[data-trade='${gift.id}']`);
    await eventually(() => giftRow.getAttribute("data-suspicious")).toBe("true");
    expect(await giftRow.locator(".flag").textContent()).toBe("suspicious");
    expect(await giftRow.locator(".imbalance").textContent()).toBe("99 %");
    expect(await page.locator("[data-testid='trade-feed'] tbody tr").first().getAttribute("data-trade")).toBe(gift.id);
    expect(await page.locator("[data-testid='trade-feed'] tr.suspicious").count()).toBe(1);
    // The feed says what it covers, dates each trade, and opens one with both players.
    expect(await page.getByTestId("feed-scope").textContent()).toContain("every player on every node");
    expect(await giftRow.locator(".when .date").textContent()).toBe(gift.at.slice(0, 10));
    await giftRow.locator(".give").click();
    const detail = page.getByTestId("trade-detail");
    await eventually(() => detail.locator(`[data-player='${seller}'] a`).getAttribute("href")).toBe(`#/players/${seller}`);
    expect(await detail.locator(`[data-player='${buyer}']`).textContent()).toContain(`at this trade: v${gift.versions?.to}`);
    expect(await detail.textContent()).toContain(gift.id);

    // A refused trade is counted, not listed (the feed lists executed trades).
    await expect(gm.trades.execute(buyer, seller, { give: gold(10_000), want: gold(1) })).rejects.toMatchObject({
      code: "TRADE_INSUFFICIENT_FUNDS",
    });
    await eventually(() => page.getByTestId("count-total").textContent()).toBe("3");
    expect(await page.getByTestId("count-executed").textContent()).toBe("2");
    expect(await page.getByTestId("count-refused").textContent()).toBe("1");
    expect(await page.getByTestId("count-suspicious").textContent()).toBe("1");
    expect(await page.locator("[data-testid='top-items'] tbody tr").first().locator("td").allTextContents()).toEqual(["lantern", "2", "2"]);
    await eventually(() => page.locator(`[data-testid='richest'] tr[data-key='${buyer}'] td`).last().textContent()).toBe("599");
    expect(await page.locator(`[data-testid='diverse'] tr[data-key='${seller}'] a`).getAttribute("href")).toBe(`#/players/${seller}`);

    await tab.screenshot("trades-live");
    expect(tab.errors).toEqual([]);
    await tab.close();
  });

  it("fits a phone screen", async () => {
    const tab = await openConsole(browser(), {
      url: server.url,
      token: await server.token("admin", "console"),
      viewport: { width: 390, height: 844 },
    });
    const { page } = tab;
    await tab.go("trades");
    await eventually(() => page.locator("[data-testid='trade-feed'] tbody tr").count()).toBeGreaterThan(0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await tab.screenshot("trades-phone");
    expect(tab.errors).toEqual([]);
    await tab.close();
  });
});
