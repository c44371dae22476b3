import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type HoardClient } from "@hoard/client-sdk";
import { afterAll, expect, inject, it } from "vitest";
import { describeInBrowser, eventually, openConsole } from "../support/browser";
import { itemDefinition, startServer, TEST_SECRET, type TestServer } from "../support/server";

/**
 * The console through a node restart (a graceful stop, then a new node on the same port and
 * sqlite file): the top bar and the banner say reconnecting, without blaming the token, no
 * panel says live meanwhile; then live again, and a change made after the restart appears.
 */
describeInBrowser("web console through a node restart", (browser) => {
  let dir: string | undefined;
  let server: TestServer | undefined;
  const clients: HoardClient[] = [];

  afterAll(async () => {
    for (const client of clients) client.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("says reconnecting while the node is away, then live, and shows a change made after the restart", async () => {
    dir = await mkdtemp(join(tmpdir(), "hoard-console-restart-"));
    const env = { HOARD_DB: join(dir, "hoard.db"), HOARD_SECRET: TEST_SECRET };
    const first = await startServer({ consoleDir: inject("consoleDir"), env });
    server = first;
    const port = new URL(first.url).port;
    // A game server that rides through the restart too (a token function, as the README says).
    const gm = await connect(first.url, { token: () => first.token("server", "game") });
    clients.push(gm);
    const { item } = await gm.items.create(itemDefinition({ name: "Lantern" }));
    await gm.players.create({ id: "wren" });
    await gm.inventory.grant("wren", { category: "bag", itemId: item.id, quantity: 1 });

    const tab = await openConsole(browser(), { url: first.url, token: await first.token("admin", "console") });
    const { page } = tab;
    await tab.go("players", "wren");
    const version = page.getByTestId("version");
    const status = page.locator(".topbar .conn");
    const banner = page.getByTestId("connection-banner");
    const historyDot = page.locator(".live-dot").first();
    await eventually(() => version.textContent()).toBe("2");
    expect(await status.textContent()).toBe("live");
    expect(await historyDot.textContent()).toBe("live");

    await first.app.close();
    await eventually(() => status.textContent()).toBe("reconnecting…");
    const text = (await banner.textContent()) ?? "";
    expect(await banner.isVisible()).toBe(true);
    expect(text).toContain("reconnecting");
    expect(text).not.toContain("token");
    expect(await historyDot.textContent()).not.toBe("live");
    await tab.screenshot("console-restart-reconnecting");

    server = await startServer({ consoleDir: inject("consoleDir"), env: { ...env, PORT: port } });
    const upAt = performance.now();
    await eventually(() => status.textContent()).toBe("live");
    const liveMs = performance.now() - upAt;
    expect(await banner.isVisible()).toBe(false);
    expect(await historyDot.textContent()).toBe("live");

    const { version: after } = await gm.inventory.grant("wren", { category: "bag", itemId: item.id, quantity: 2 });
    await eventually(() => version.textContent()).toBe(String(after));
    const changeMs = performance.now() - upAt;
    expect(await page.locator(`[data-key="stack/bag/${item.id}"] .qty`).textContent()).toBe("3");
    console.log(
      `console: live again ${liveMs.toFixed(0)} ms after the node listened; a change made then shown at ${changeMs.toFixed(0)} ms`,
    );
    await tab.screenshot("console-restart-live");

    // Chromium logs each refused WebSocket while the node is away; nothing else may be logged.
    expect(tab.errors.filter((error) => !/WebSocket connection to .* failed/.test(error))).toEqual([]);
    await tab.close();
  });
});
