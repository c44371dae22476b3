import { connect, type HoardClient } from "@hoard/client-sdk";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { describeInBrowser, eventually, openConsole } from "../support/browser";
import { itemDefinition, startServer, type TestServer } from "../support/server";

/**
 * The operator acts from the player view: a form with a required reason and a confirmation
 * naming the player and the amounts, a "Reverse" on each history entry; a viewer sees neither.
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

  it("a viewer sees the player and the history, and no action at all", async () => {
    const tab = await openConsole(browser(), { url: server.url, token: await server.token("viewer", "auditor") });
    const { page } = tab;
    const { version } = (await gm.players.get("bob")).player;
    await tab.go("players", "bob");
    await eventually(() => page.getByTestId("version").textContent()).toBe(String(version));
    await eventually(() => page.locator(`[data-testid='history'] tr[data-version='${version}']`).count()).toBe(1);
    expect(await page.locator(".who").textContent()).toBe("auditor · viewer");

    expect(await page.getByTestId("action-form").count()).toBe(0);
    expect(await page.getByTestId("reverse").count()).toBe(0);
    expect(await page.locator(".banner:not([hidden])").count()).toBe(0);
    await tab.screenshot("players-viewer");
    expect(tab.errors).toEqual([]);
    await tab.close();
  });
});
