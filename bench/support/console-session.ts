import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { connect, type HoardClient } from "@hoard/client-sdk";
import { createApp, type HoardApp, loadConfig } from "@hoard/server";
import type { Browser, Page } from "playwright-core";
import { build } from "vite";
import { chromiumPath, launchChromium } from "../../test/support/chromium";

export interface ConsoleSession {
  url: string;
  app: HoardApp;
  /** A game server's connection (role `server`). */
  gm: HoardClient;
  browser: Browser;
  page: Page;
  /** Console errors and uncaught exceptions of the page. */
  errors: string[];
  /** A connection with another role or subject (closed with the session). */
  connectAs(role: "player" | "server" | "admin", sub: string): Promise<HoardClient>;
  close(): Promise<void>;
}

/**
 * What the console benches share: the console built into a temp folder, a node on a temp
 * sqlite file serving it, Debian's Chromium with one page signed in as admin, and a game
 * server's SDK connection. Exits with a clear sentence when Chromium is missing.
 */
export async function startConsoleSession(options: { env?: Record<string, string> } = {}): Promise<ConsoleSession> {
  if (!existsSync(chromiumPath)) {
    console.error(`${chromiumPath} is missing: install it (apt-get install -y chromium) to run this bench.`);
    process.exit(1);
  }
  const work = mkdtempSync(join(tmpdir(), "hoard-bench-console-"));
  const consoleDir = join(work, "console");
  await build({
    configFile: fileURLToPath(new URL("../../web-console/vite.config.ts", import.meta.url)),
    logLevel: "warn",
    build: { outDir: consoleDir, emptyOutDir: true },
  });
  const app = createApp(
    loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      HOARD_DB: join(work, "hoard.db"),
      HOARD_SECRET: randomBytes(32).toString("hex"),
      HOARD_LOG_LEVEL: "silent",
      ...options.env,
    }),
    { consoleDir },
  );
  const url = await app.listen();
  const clients: HoardClient[] = [];
  const connectAs = async (role: "player" | "server" | "admin", sub: string) => {
    const client = await connect(url, { token: await app.tokens.mint({ sub, role }) });
    clients.push(client);
    return client;
  };
  const gm = await connectAs("server", "bench");

  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${url}/console/#token=${await app.tokens.mint({ sub: "console", role: "admin", expiresIn: "1h" })}`);
  await page.locator("nav a[data-view='players']").waitFor();

  return {
    url,
    app,
    gm,
    browser,
    page,
    errors,
    connectAs,
    async close() {
      await browser.close();
      for (const client of clients) client.close();
      await app.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Goes to a console route, e.g. `go(page, "stock", "acme")`. */
export async function go(page: Page, ...segments: string[]): Promise<void> {
  await page.evaluate(
    (hash) => {
      location.hash = hash;
    },
    `#/${segments.map(encodeURIComponent).join("/")}`,
  );
}

/** The p-th percentile (0–100) of some values. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
