import { connect, type HoardClient } from "@hoard/client-sdk";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { describeInBrowser, eventually, openConsole } from "../support/browser";
import { itemDefinition, startServer, type TestServer } from "../support/server";

/**
 * The operator acts from the player view: a form with a required reason and a confirmation
 * naming the player and the amounts (disconnecting the player included), a "Reverse" on each
 * history entry (a trade reversed for both players), a "Cancel offer" on each open offer; a
 * viewer sees none of them.
 */
describeInBrowser("console actions in Chromium", (browser) => {
  let server: TestServer;
  let gm: HoardClient;
  let potionId: string;

  beforeAll(async () => {
    server = await startServer({ consoleDir: inject("consoleDir") });
    gm = await connect(server.url, { token: await server.token("server", "game") });
    potionId = (await gm.items.create(itemDefinition({ name: "Potion" }))).item.id;
    await gm.players.create({ id: "bob" });
    await gm.inventory.grant("bob", { category: "bag", itemId: potionId, quantity: 2 });
  });
  afterAll(async () => {
    gm?.close();
    await server?.close();
  });

  it("grants with a reason after a confirmation, sees the entry and the pushed change, reverses it and sees the state restored", async () => {
    const tab = await openConsole(browser(), { url: server.url, token: await server.token("admin", "ops-anna") });
    const { page } = tab;
    await tab.go("players", "bob");
    const version = page.getByTestId("version");
    const potion = page.locator(`[data-key="stack/bag/${potionId}"] .qty`);
    await eventually(() => version.textContent()).toBe("2");

    const form = page.getByTestId("action-form");
    await form.locator("select[name=action]").selectOption("grant");
    await eventually(() => form.locator("select[name=itemId] option").count()).toBeGreaterThan(0);
    await form.locator("select[name=itemId]").selectOption(potionId);
    await form.locator("input[name=quantity]").fill("3");
    // Without a reason nothing is sent.
    await form.getByRole("button", { name: "Review…" }).click();
    await eventually(() => page.locator(".player-actions .error-box").textContent()).toContain("reason");
    await form.locator("input[name=reason]").fill("lost in the outage");
    await form.getByRole("button", { name: "Review…" }).click();
    await eventually(() => page.getByTestId("action-confirmation").textContent()).toBe("Grant 3 × Potion to bob (into bag)?");
    expect(await version.textContent()).toBe("2");
    await page.getByTestId("action-confirm").click();

    await eventually(() => version.textContent()).toBe("3");
    await eventually(() => potion.textContent()).toBe("5");
    const row = (v: number) => page.locator(`[data-testid='history'] tr[data-version='${v}']`);
    expect(await row(3).textContent()).toContain("admin:ops-anna");
    expect(await row(3).getByTestId("reason").textContent()).toBe("“lost in the outage”");

    await row(3).getByTestId("reverse").click();
    expect(await row(3).getByTestId("reverse-confirmation").textContent()).toBe("Undo v3 of bob: grant 3 × Potion → bag?");
    await row(3).locator("input[name=reason]").fill("granted to the wrong player");
    await row(3).getByTestId("reverse-confirm").click();

    await eventually(() => version.textContent()).toBe("4");
    await eventually(() => potion.textContent()).toBe("2");
    expect(await row(4).textContent()).toContain("reverses v3");
    expect(await row(4).textContent()).toContain("consume 3 × Potion from bag");
    await eventually(() => row(3).getByTestId("reversed-by").textContent()).toBe("reversed by v4");
    expect(await row(3).getByTestId("reverse").count()).toBe(0);
    await tab.screenshot("players-actions");
    expect(tab.errors).toEqual([]);
    await tab.close();
  });

  it("a reversal that cannot apply shows the typed reason and changes nothing", async () => {
    const tab = await openConsole(browser(), { url: server.url, token: await server.token("admin", "ops-anna") });
    const { page } = tab;
    await tab.go("players", "bob");
    const version = page.getByTestId("version");
    await eventually(() => version.textContent()).toBe("4");
    const form = page.getByTestId("action-form");
    await form.locator("select[name=action]").selectOption("credit");
    await form.locator("input[name=currency]").fill("gold");
    await form.locator("input[name=amount]").fill("10");
    await form.locator("input[name=reason]").fill("refund, ticket #4411");
    await form.getByRole("button", { name: "Review…" }).click();
    await eventually(() => page.getByTestId("action-confirmation").textContent()).toBe("Credit 10 gold to bob?");
    await page.getByTestId("action-confirm").click();
    await eventually(() => version.textContent()).toBe("5");
    // Bob spends most of it before anyone notices.
    await gm.inventory.debit("bob", "gold", 8);
    await eventually(() => version.textContent()).toBe("6");

    const credit = page.locator("[data-testid='history'] tr[data-version='5']");
    await credit.getByTestId("reverse").click();
    await credit.locator("input[name=reason]").fill("refund was a mistake");
    await credit.getByTestId("reverse-confirm").click();

    await eventually(() => credit.locator(".error-box").textContent()).toContain("WALLET_INSUFFICIENT_FUNDS");
    expect(await version.textContent()).toBe("6");
    expect(await page.locator("[data-key='wallet/gold'] .qty").textContent()).toBe("2");
    expect((await gm.players.get("bob")).player.version).toBe(6);
    expect(tab.errors).toEqual([]);
    await tab.close();
  });

  it("reverses a trade from one player's history: both players restored in one commit, the entry marked reversed", async () => {
    const swordId = (await gm.items.create(itemDefinition({ name: "Sword" }))).item.id;
    await gm.players.create({ id: "carol" });
    await gm.players.create({ id: "dave" });
    await gm.inventory.grant("carol", { category: "bag", itemId: swordId, quantity: 2 });
    await gm.inventory.credit("dave", "gold", 50);
    const before = [(await gm.players.get("carol")).player, (await gm.players.get("dave")).player];
    const { trade } = await gm.trades.execute("carol", "dave", {
      give: { items: [{ category: "bag", itemId: swordId, quantity: 2 }] },
      want: { currencies: { gold: 30 } },
    });
    const tradeVersion = trade.versions?.from ?? 0;
    const tab = await openConsole(browser(), { url: server.url, token: await server.token("admin", "ops-anna") });
    const { page } = tab;
    await tab.go("players", "carol");
    const version = page.getByTestId("version");
    await eventually(() => version.textContent()).toBe(String(tradeVersion));
    const row = page.locator(`[data-testid='history'] tr[data-version='${tradeVersion}']`);

    await row.getByTestId("reverse").click();
    await eventually(() => row.getByTestId("reverse-confirmation").textContent()).toBe(
      `Reverse the trade of v${tradeVersion} for carol and dave, both in one commit (carol's side: consume 2 × Sword from bag; credit 30 gold)?`,
    );
    await row.locator("input[name=reason]").fill("trade made by a stolen account");
    await tab.screenshot("players-reverse-trade");
    await row.getByTestId("reverse-confirm").click();

    await eventually(() => version.textContent()).toBe(String(tradeVersion + 1));
    await eventually(() => row.getByTestId("reversed-by").textContent()).toBe(`reversed by v${tradeVersion + 1}`);
    await eventually(() => page.locator(`[data-key="stack/bag/${swordId}"] .qty`).textContent()).toBe("2");
    expect(await page.locator("[data-key='wallet/gold']").count()).toBe(0);
    const after = [(await gm.players.get("carol")).player, (await gm.players.get("dave")).player];
    expect(after.map((player) => [player.wallet, player.inventories])).toEqual(before.map((player) => [player.wallet, player.inventories]));
    expect(tab.errors).toEqual([]);
    await tab.close();
  });

  it("cancels an open offer with a reason after a confirmation naming both players; the offer leaves the list", async () => {
    const gemId = (await gm.items.create(itemDefinition({ name: "Gem" }))).item.id;
    await gm.players.create({ id: "erin" });
    await gm.players.create({ id: "frank" });
    await gm.inventory.grant("erin", { category: "bag", itemId: gemId, quantity: 1 });
    const { offer } = await gm.trades.propose(
      "frank",
      { give: { items: [{ category: "bag", itemId: gemId, quantity: 1 }] } },
      { from: "erin" },
    );
    const tab = await openConsole(browser(), { url: server.url, token: await server.token("admin", "ops-anna") });
    const { page } = tab;
    await tab.go("players", "erin");
    const row = page.locator(`[data-offer='${offer.id}']`);
    await eventually(() => row.count()).toBe(1);

    await row.getByTestId("cancel-offer").click();
    expect(await row.getByTestId("cancel-offer-confirmation").textContent()).toBe(
      "Cancel the offer from erin to frank (erin gives 1 × Gem; frank gives nothing)?",
    );
    await row.locator("input[name=reason]").fill("offer sent from a phished account");
    await tab.screenshot("players-cancel-offer");
    await row.getByTestId("cancel-offer-confirm").click();

    await eventually(() => page.locator(`[data-offer='${offer.id}']`).count()).toBe(0);
    expect((await gm.trades.get(offer.id)).offer.status).toBe("cancelled");
    expect((await gm.trades.history("erin")).trades.at(-1)).toMatchObject({ note: "offer sent from a phished account" });
    expect(tab.errors).toEqual([]);
    await tab.close();
  });

  it("disconnects a player after a confirmation naming it: the client is told why and stays closed", async () => {
    await gm.players.create({ id: "gina" });
    const gina = await connect(server.url, { token: await server.token("player", "gina"), reconnect: { initialDelayMs: 50 } });
    const tab = await openConsole(browser(), { url: server.url, token: await server.token("admin", "ops-anna") });
    const { page } = tab;
    await tab.go("players", "gina");
    const form = page.getByTestId("action-form");
    await form.locator("select[name=action]").selectOption("disconnect");
    expect(await form.locator("input[name=quantity]").isVisible()).toBe(false);
    await form.locator("input[name=reason]").fill("botting, ticket 5150");
    await form.getByRole("button", { name: "Review…" }).click();
    await eventually(() => page.getByTestId("action-confirmation").textContent()).toContain("Disconnect every connection of gina");
    expect(gina.status).toBe("connected");
    await page.getByTestId("action-confirm").click();

    await eventually(() => page.locator(".player-actions [role=status]").textContent()).toBe("Done: 1 connection(s) closed.");
    await expect.poll(() => gina.status).toBe("closed");
    expect(gina.lastDisconnect?.error).toMatchObject({
      code: "CONNECTION_CLOSED_BY_OPERATOR",
      details: { reason: "botting, ticket 5150", by: "ops-anna" },
    });
    expect(tab.errors).toEqual([]);
    gina.close();
    await tab.close();
  });

  it("a viewer sees the player and the history, and no action at all", async () => {
    const tab = await openConsole(browser(), { url: server.url, token: await server.token("viewer", "auditor") });
    const { page } = tab;
    // An open offer and a trade in bob's trail: a viewer gets no cancel and no reverse button on them either.
    await gm.inventory.grant("bob", { category: "bag", itemId: potionId, quantity: 2 });
    await gm.players.create({ id: "hal" });
    await gm.trades.propose("hal", { give: { items: [{ category: "bag", itemId: potionId, quantity: 1 }] } }, { from: "bob" });
    await gm.trades.execute("bob", "hal", { give: { items: [{ category: "bag", itemId: potionId, quantity: 1 }] } });
    const { version } = (await gm.players.get("bob")).player;
    await tab.go("players", "bob");
    await eventually(() => page.getByTestId("version").textContent()).toBe(String(version));
    await eventually(() => page.locator(`[data-testid='history'] tr[data-version='${version}']`).count()).toBe(1);
    expect(await page.locator(".who").textContent()).toBe("auditor · viewer");

    expect(await page.getByTestId("action-form").count()).toBe(0);
    expect(await page.getByTestId("reverse").count()).toBe(0);
    await eventually(() => page.getByTestId("offer").count()).toBe(1);
    expect(await page.getByTestId("cancel-offer").count()).toBe(0);
    expect(await page.locator(".banner:not([hidden])").count()).toBe(0);
    await tab.screenshot("players-viewer");
    expect(tab.errors).toEqual([]);
    await tab.close();
  });
});
