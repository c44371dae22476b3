import { connect, type HoardClient } from "@hoard/client-sdk";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { describeInBrowser, eventually, openConsole } from "../support/browser";
import { playerWithGold, shopItem } from "../support/cart";
import { TestClock } from "../support/clock";
import { itemDefinition, startServer, type TestServer } from "../support/server";

/** Something each view shows once the node answered it (empty or "—" before). */
const firstAnswer: Record<string, (page: Page) => Promise<string>> = {
  players: async (page) => (await page.locator("#player-search-status").textContent()) ?? "",
  areas: async (page) => ((await page.getByTestId("areas-totals").textContent()) ?? "").replace("…", ""),
  trades: async (page) => ((await page.getByTestId("count-total").textContent()) ?? "").replace("—", ""),
  stock: async (page) => (await page.locator(".stock-grid-card [role='status']").textContent()) ?? "",
  catalog: async (page) => (await page.getByTestId("items-status").textContent()) ?? "",
  cluster: async (page) => ((await page.getByTestId("stat-connections").textContent()) ?? "").replace("—", ""),
};

describeInBrowser("web console in Chromium", (browser) => {
  let server: TestServer;
  let gm: HoardClient;
  let potionId: string;
  const clients: HoardClient[] = [];

  beforeAll(async () => {
    server = await startServer({ consoleDir: inject("consoleDir") });
    gm = await connect(server.url, { token: await server.token("server", "game") });
    clients.push(gm);
    potionId = (await gm.items.create(itemDefinition({ name: "Potion" }))).item.id;
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await server.close();
  });

  it("watches a player: a change made through the SDK appears, flashes, bumps the version and joins the audit trail", async () => {
    await gm.players.create({ id: "alice", name: "Alice <b>the bold</b>" });
    await gm.inventory.grant("alice", { category: "bag", itemId: potionId, quantity: 3 });
    const token = await server.token("admin", "console");
    const browserPage = await openConsole(browser(), { url: server.url, token });
    const { page } = browserPage;

    // The token leaves the address bar at once and is kept for this tab only.
    await page.locator("nav a[data-view='players']").waitFor();
    expect(page.url()).not.toContain(token);
    expect(await page.evaluate(() => sessionStorage.getItem("hoard.console.token"))).toBe(token);

    await page.fill("#player-search", "ali");
    await page.click("[data-testid='player-results'] a[data-player='alice']");
    const version = page.getByTestId("version");
    const potion = page.locator(`[data-key="stack/bag/${potionId}"]`);
    await eventually(() => version.textContent()).toBe("2");
    await eventually(() => potion.locator(".qty").textContent()).toBe("3");
    await eventually(() => potion.locator(".item").textContent()).toBe("Potion");
    // User data is shown as text, never parsed as markup.
    expect(await page.locator(".player-name").textContent()).toBe("Alice <b>the bold</b>");
    expect(await page.locator(".player-name b").count()).toBe(0);

    await gm.inventory.apply("alice", [
      { type: "grant", category: "bag", itemId: potionId, quantity: 2 },
      { type: "credit", currency: "gold", amount: 25 },
    ]);
    await eventually(() => version.textContent()).toBe("3");
    expect(await potion.locator(".qty").textContent()).toBe("5");
    expect(await potion.getAttribute("data-changed")).toBe("3");
    expect(await page.locator("[data-key='wallet/gold'] .qty").textContent()).toBe("25");
    const newest = page.locator("[data-testid='history'] tbody tr").first();
    expect(await newest.getAttribute("data-version")).toBe("3");
    expect(await newest.textContent()).toContain("server:game");
    expect(await newest.textContent()).toContain("grant 2 × Potion → bag");
    expect(await newest.textContent()).toContain("credit 25 gold");

    // A player acting on its own state appears in the trail as itself.
    const alice = await connect(server.url, { token: await server.token("player", "alice") });
    clients.push(alice);
    await alice.inventory.consume("alice", { category: "bag", itemId: potionId, quantity: 1 });
    await eventually(() => version.textContent()).toBe("4");
    expect(await potion.locator(".qty").textContent()).toBe("4");
    expect(await newest.getAttribute("data-version")).toBe("4");
    expect(await newest.textContent()).toContain("player:alice");
    expect(await newest.textContent()).toContain("consume 1 × Potion from bag");
    // The trail holds every version, newest first.
    const versions = await page
      .locator("[data-testid='history'] tbody tr")
      .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-version")));
    expect(versions).toEqual(["4", "3", "2", "1"]);

    await browserPage.screenshot("players-live");
    expect(browserPage.errors).toEqual([]);
    await browserPage.close();
  });

  it("finds players by the start of their id or name, ignoring case", async () => {
    await gm.players.create({ id: "Zed-1", name: "Quentin" });
    await gm.players.create({ id: "zeta" });
    await gm.players.create({ id: "yolanda", name: "ZEBRA keeper" });
    await gm.players.create({ id: "quill" });
    const tab = await openConsole(browser(), { url: server.url, token: await server.token("viewer", "support") });
    const { page } = tab;
    const found = () =>
      page.locator("[data-testid='player-results'] a[data-player]").evaluateAll((links) => links.map((a) => a.getAttribute("data-player")));
    await page.fill("#player-search", "zE");
    await eventually(found).toEqual(["Zed-1", "yolanda", "zeta"]);
    await page.fill("#player-search", "QUEN");
    await eventually(found).toEqual(["Zed-1"]);
    await page.fill("#player-search", "qu");
    await eventually(found).toEqual(["Zed-1", "quill"]);
    await page.fill("#player-search", "nobody-here");
    await eventually(() => page.locator("#player-search-status").textContent()).toContain("No player id or name starts with");
    expect(tab.errors).toEqual([]);
    await tab.close();
  });

  it("shows a loot grant in the history with its table, seed and outcome", async () => {
    const { table } = await gm.loot.create({
      name: "Console chest",
      rolls: 1,
      entries: [{ type: "item", itemId: potionId, category: "bag", quantity: { min: 2, max: 2 }, weight: 1 }],
    });
    await gm.players.create({ id: "looter" });
    const { loot } = await gm.inventory.grantLoot("looter", table.id);
    const browserPage = await openConsole(browser(), { url: server.url, token: await server.token("admin", "console") });
    const { page } = browserPage;

    await page.fill("#player-search", "looter");
    await page.click("[data-testid='player-results'] a[data-player='looter']");
    const newest = page.locator("[data-testid='history'] tbody tr").first();
    await eventually(() => newest.getAttribute("data-version")).toBe("2");
    await eventually(() => newest.textContent()).toContain(`loot from table ${table.id} with seed ${loot?.[0]?.seed}: 2 × Potion → bag`);
    expect(browserPage.errors).toEqual([]);
    await browserPage.close();
  });

  it("shows expiring units apart, with their time, and the node's expiry commit when they leave", async () => {
    await gm.players.create({ id: "renter" });
    await gm.inventory.grant("renter", { category: "bag", itemId: potionId, quantity: 1 });
    await gm.inventory.grant("renter", { category: "bag", itemId: potionId, quantity: 2, expiresInMs: 4000 });
    const browserPage = await openConsole(browser(), { url: server.url, token: await server.token("admin", "console") });
    const { page } = browserPage;
    await page.fill("#player-search", "renter");
    await page.click("[data-testid='player-results'] a[data-player='renter']");
    const lot = page.getByTestId("expiring");
    await eventually(() => lot.locator(".qty").textContent()).toBe("2");
    expect(await lot.textContent()).toContain("expires");
    expect(await page.locator(`[data-key="stack/bag/${potionId}"] .qty`).textContent()).toBe("1");

    // The node's sweep (every second, by the wall clock here) takes them out in a commit of its own.
    await eventually(() => page.getByTestId("version").textContent()).toBe("4");
    expect(await lot.count()).toBe(0);
    const newest = page.locator("[data-testid='history'] tbody tr").first();
    expect(await newest.textContent()).toContain("server:system");
    expect(await newest.textContent()).toContain("expired 2 × Potion from bag");
    expect(browserPage.errors).toEqual([]);
    await browserPage.close();
  });

  it("shows the player's cart live (it is part of the watched state) and the order a checkout makes", async () => {
    const lantern = await shopItem(gm, { name: "Lantern", price: 30 });
    await playerWithGold(gm, "carol", 500);
    const tab = await openConsole(browser(), { url: server.url, token: await server.token("admin", "console") });
    const { page } = tab;
    await tab.go("players", "carol");
    const cart = page.getByTestId("cart");
    await eventually(() => cart.textContent()).toContain("The cart is empty.");
    await eventually(() => page.getByTestId("orders").textContent()).toBe("");

    const { version } = await gm.cart.add("carol", { itemId: lantern, offeredPrice: 30, itemCount: 2 });
    const line = page.locator(`[data-testid='cart-line'][data-key='cart/${lantern}']`);
    await eventually(() => line.locator(".count").textContent()).toBe("× 2");
    expect(await line.locator(".item").textContent()).toBe("Lantern");
    expect(await line.locator(".price").textContent()).toBe("30 gold");
    expect(await line.locator(".line-total").textContent()).toBe("60");
    expect(await line.getAttribute("data-changed")).toBe(String(version));
    expect(await page.locator("[data-testid='cart-totals'] [data-currency='gold'] b").textContent()).toBe("60");
    expect(await page.locator("[data-testid='history'] tbody tr").first().textContent()).toContain("cart: 2 × Lantern at 30 gold");

    const { order } = await gm.cart.checkout("carol");
    await eventually(() => line.count()).toBe(0);
    expect(await cart.textContent()).toContain("The cart is empty.");
    const receipt = page.locator(`[data-testid='orders'] li[data-order='${order.orderId}']`);
    await eventually(() => receipt.locator(".order-total").textContent()).toBe("60 gold");
    expect(await receipt.textContent()).toContain("2 × Lantern");
    expect(await page.locator("[data-key='wallet/gold'] .qty").textContent()).toBe("440");

    await tab.screenshot("players-cart");
    expect(tab.errors).toEqual([]);
    await tab.close();
  });

  it("marks a cart line that holds units of a limited item until its time, and drops the mark when the node's sweep releases it", async () => {
    // A node of its own whose clock the test moves: the hold ends when the test says, not after a sleep.
    const clock = new TestClock();
    const node = await startServer({ consoleDir: inject("consoleDir"), now: clock.now, config: { expirySweepMs: 50 } });
    try {
      const game = await node.client("server", "game");
      const relic = await shopItem(game, { name: "Relic", price: 10 });
      const lantern = await shopItem(game, { name: "Lantern", price: 5 });
      await game.shop.supply(relic, 5);
      await playerWithGold(game, "dora", 100);
      const { version: heldAt } = await game.cart.add("dora", { itemId: relic, offeredPrice: 10, itemCount: 2, reserveForMs: 60_000 });
      await game.cart.add("dora", { itemId: lantern, offeredPrice: 5 });
      const reservedUntil = (await game.cart.get("dora")).cart.lines[relic]?.reservedUntil;
      expect(reservedUntil).toBe(new Date(clock.now() + 60_000).toISOString());

      const tab = await openConsole(browser(), { url: node.url, token: await node.token("admin", "console") });
      const { page } = tab;
      await tab.go("players", "dora");
      const held = page.locator(`[data-testid='cart-line'][data-key='cart/${relic}']`).getByTestId("held");
      await eventually(() => held.getAttribute("datetime")).toBe(reservedUntil);
      expect(await held.textContent()).toMatch(/^held until \d\d:\d\d:\d\d\.\d{3}$/);
      expect(await held.getAttribute("title")).toContain(reservedUntil);
      const unheld = page.locator(`[data-testid='cart-line'][data-key='cart/${lantern}']`);
      expect(await unheld.locator(".count").textContent()).toBe("× 1");
      expect(await unheld.getByTestId("held").count()).toBe(0);
      await eventually(() => page.locator(`[data-testid='history'] tbody tr[data-version='${heldAt}']`).textContent()).toContain(
        `cart: 2 × Relic at 10 gold, held until ${reservedUntil}`,
      );

      await tab.screenshot("players-cart-hold");

      // Past its time the node's sweep gives the units back in a commit of its own; the line stays, unmarked.
      const before = (await game.players.get("dora")).player.version;
      clock.advance(60_000);
      const newest = page.locator("[data-testid='history'] tbody tr").first();
      await eventually(() => newest.getAttribute("data-version")).toBe(String(before + 1));
      await eventually(() => held.count()).toBe(0);
      expect(await page.locator(`[data-testid='cart-line'][data-key='cart/${relic}'] .count`).textContent()).toBe("× 2");
      const release = await newest.textContent();
      expect(release).toContain("cart:release");
      expect(release).toContain("server:system");
      expect(release).toContain("cart: hold ended, 2 × Relic back to the shop (the line stays)");
      expect((await game.shop.supplies({ itemId: relic })).supplies[0]).toMatchObject({ held: 0, available: 5 });
      expect(tab.errors).toEqual([]);
      await tab.close();
    } finally {
      await node.close();
    }
  });

  it("opens every view without console errors, at desktop and phone widths", async () => {
    for (const viewport of [
      { width: 1440, height: 900 },
      { width: 390, height: 844 },
    ]) {
      const tab = await openConsole(browser(), { url: server.url, token: await server.token("admin", "console"), viewport });
      const { page } = tab;
      const links = page.locator("nav a[data-view]");
      await links.first().waitFor();
      const ids = await links.evaluateAll((all) => all.map((a) => a.getAttribute("data-view") ?? ""));
      expect(ids).toEqual(["players", "areas", "trades", "stock", "catalog", "cluster"]);
      for (const id of ids) {
        await page.click(`nav a[data-view='${id}']`);
        await eventually(() => page.locator(`nav a[data-view='${id}']`).getAttribute("aria-current")).toBe("page");
        // Each view reads the node once it mounts; wait for its first answer.
        await eventually(() => firstAnswer[id]?.(page) ?? Promise.resolve("no check for this view")).toMatch(/\S/);
        expect(tab.errors, `console errors in the ${id} view`).toEqual([]);
      }
      await tab.close();
    }
  });

  it("signs in with a pasted token, refuses a bad one, survives a reload and signs out", async () => {
    const browserPage = await openConsole(browser(), { url: server.url });
    const { page } = browserPage;
    await page.fill("#token", "not-a-jwt");
    await page.click("form.sign-in button[type='submit']");
    await eventually(() => page.locator("form.sign-in .error-box").textContent()).toContain("AUTH_UNAUTHENTICATED");
    expect(await page.evaluate(() => sessionStorage.getItem("hoard.console.token"))).toBeNull();

    const token = await server.token("admin", "operator");
    await page.fill("#token", token);
    await page.click("form.sign-in button[type='submit']");
    await eventually(() => page.locator(".who").textContent()).toBe("operator · admin");

    await page.reload();
    await eventually(() => page.locator(".who").textContent()).toBe("operator · admin");

    await page.click("text=Sign out");
    await page.locator("#token").waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem("hoard.console.token"))).toBeNull();
    expect(browserPage.errors).toEqual([]);
    await browserPage.close();
  });

  it("shows the node with its connections and traffic, and fits a phone screen", async () => {
    const browserPage = await openConsole(browser(), {
      url: server.url,
      token: await server.token("admin", "console"),
      viewport: { width: 390, height: 844 },
    });
    const { page } = browserPage;
    await page.click("nav a[data-view='cluster']");
    const node = page.locator("[data-testid='nodes'] tbody tr").first();
    await eventually(() => node.textContent()).toContain(server.app.config.nodeId);
    // The SDK client of this suite and the console itself are connected.
    await eventually(async () => Number(await page.getByTestId("stat-connections").textContent())).toBeGreaterThanOrEqual(2);
    // Rates need two polls; then traffic from the SDK shows as messages per second.
    await gm.inventory.credit("alice", "gold", 1);
    await eventually(() => page.getByTestId("stat-messages").textContent()).not.toBe("—");
    await eventually(() => page.locator("table.events").textContent()).toContain("inventory:apply");

    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await browserPage.screenshot("cluster-phone");
    expect(browserPage.errors).toEqual([]);
    await browserPage.close();
  });
});
