import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { describeInBrowser, eventually } from "../support/browser";
import { startServer, type TestServer } from "../support/server";

/**
 * The console and the API docs under the node's Content-Security-Policy (helmet, in
 * server/src/transport/http.ts): every view renders and the browser reports no violation.
 */

/** Records every CSP violation the page reports, from before its first script runs. */
async function recordViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  return () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
}

/** Console errors, uncaught exceptions and failed responses (with their URL) of a page. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource"))
      problems.push(`console.error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  page.on("response", (response) => {
    // The browser asks for /favicon.ico on its own; the node has none (the console names its icon).
    if (response.status() >= 400 && !response.url().endsWith("/favicon.ico")) problems.push(`${response.status()} ${response.url()}`);
  });
  return problems;
}

/** Something each view shows once the node answered it (the cluster view reads /metrics with the console's token). */
const answered: Record<string, (page: Page) => Promise<string>> = {
  players: async (page) => (await page.locator("#player-search-status").textContent()) ?? "",
  areas: async (page) => ((await page.getByTestId("areas-totals").textContent()) ?? "").replace("…", ""),
  trades: async (page) => ((await page.getByTestId("count-total").textContent()) ?? "").replace("—", ""),
  stock: async (page) => (await page.locator(".stock-grid-card [role='status']").textContent()) ?? "",
  cluster: async (page) => ((await page.getByTestId("stat-connections").textContent()) ?? "").replace("—", ""),
};

describeInBrowser("the console and the API docs under the Content-Security-Policy", (browser) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ consoleDir: inject("consoleDir") });
  });
  afterAll(async () => {
    await server.close();
  });

  it("the console is served with the policy, every view renders, and nothing is blocked", async () => {
    const context = await browser().newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const problems = watchProblems(page);
    const violations = await recordViolations(page);
    const response = await page.goto(`${server.url}/console/#token=${encodeURIComponent(await server.token("admin", "console"))}`);
    expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");
    const links = page.locator("nav a[data-view]");
    await links.first().waitFor();
    const ids = await links.evaluateAll((all) => all.map((a) => a.getAttribute("data-view") ?? ""));
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      await page.click(`nav a[data-view='${id}']`);
      await eventually(() => answered[id]?.(page) ?? Promise.resolve(`no check for the ${id} view`)).toMatch(/\S/);
    }
    // The cluster view's figures come from /metrics (a number, not the "—" of a refused read).
    await eventually(() => page.getByTestId("stat-connections").textContent()).toMatch(/\d/);
    expect(await violations()).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("the API docs render their operations, and nothing is blocked", async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    const problems = watchProblems(page);
    const violations = await recordViolations(page);
    await page.goto(`${server.url}/api/docs`);
    await eventually(() => page.locator(".opblock").count()).toBeGreaterThan(10);
    expect(await violations()).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
