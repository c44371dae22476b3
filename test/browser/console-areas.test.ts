import { connect, type HoardClient } from "@hoard/client-sdk";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { describeInBrowser, eventually, openConsole } from "../support/browser";
import { newArea } from "../support/presence";
import { startServer, type TestServer } from "../support/server";

describeInBrowser("web console: areas and mode popularity", (browser) => {
  let server: TestServer;
  const clients: HoardClient[] = [];
  const player = async (id: string) => {
    const client = await connect(server.url, { token: await server.token("player", id) });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    // History samples every second, so the sparkline has the node's history as well as pushes.
    server = await startServer({ consoleDir: inject("consoleDir"), env: { HOARD_PRESENCE_SAMPLE_SECONDS: "1" } });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await server.close();
  });

  it("logins from SDK clients move the popularity bars, the mode table, the total and the areas list", async () => {
    const area = newArea("eu");
    const tab = await openConsole(browser(), { url: server.url, token: await server.token("admin", "console") });
    const { page } = tab;
    await tab.go("areas", area);
    const bars = page.getByTestId("mode-bars");
    const total = page.getByTestId("area-total");
    const players = (mode: string) => page.locator(`[data-testid='modes'] tr[data-mode='${mode}'] .players`);
    await eventually(() => total.textContent()).toBe("0");

    const [ann, ben, cat] = [await player("ann"), await player("ben"), await player("cat")];
    await ann.presence.login(area, "duel");
    await ben.presence.login(area, "duel");
    await cat.presence.login(area, "ffa");
    // What the canvas draws (data-bars) and the numbers beside it, most played first.
    await eventually(() => bars.getAttribute("data-bars")).toBe("duel=2,ffa=1");
    expect(await players("duel").textContent()).toBe("2");
    expect(await players("ffa").textContent()).toBe("1");
    expect(await total.textContent()).toBe("3");

    // A login elsewhere moves the player; closing a connection logs it out.
    await ben.presence.login(area, "ffa");
    await eventually(() => bars.getAttribute("data-bars")).toBe("ffa=2,duel=1");
    ann.close();
    await eventually(() => bars.getAttribute("data-bars")).toBe("ffa=2");
    await eventually(() => page.locator("[data-testid='modes'] tr[data-mode='duel']").count()).toBe(0);
    expect(await total.textContent()).toBe("2");

    // The global list (polled) shows the area with its players, selected.
    const row = page.locator(`[data-testid='areas'] tr[data-area='${area}']`);
    await eventually(() => row.locator(".players").textContent()).toBe("2");
    expect(await row.getAttribute("aria-current")).toBe("true");
    await eventually(() => page.getByTestId("areas-totals").textContent()).toContain("2 players online");
    expect(await page.locator("[data-testid='area-sparkline'] canvas").count()).toBe(1);

    await tab.screenshot("areas-live");
    expect(tab.errors).toEqual([]);
    await tab.close();
  });

  it("fits a phone screen", async () => {
    const area = newArea("us");
    const dee = await player("dee");
    await dee.presence.login(area, "battle_royale");
    const tab = await openConsole(browser(), {
      url: server.url,
      token: await server.token("admin", "console"),
      viewport: { width: 390, height: 844 },
    });
    const { page } = tab;
    await tab.go("areas", area);
    await eventually(() => page.getByTestId("mode-bars").getAttribute("data-bars")).toBe("battle_royale=1");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await tab.screenshot("areas-phone");
    expect(tab.errors).toEqual([]);
    await tab.close();
  });
});
