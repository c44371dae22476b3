import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, launchChromium } from "./chromium";

const screenshotDir = fileURLToPath(new URL("../../test-results/screenshots/", import.meta.url));
const onCi = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false" && process.env.CI !== "0";

/**
 * A suite that runs in real Chromium. Without chromium it never passes silently: it warns
 * with a clear sentence and reports one skipped test named by that sentence, and on CI that
 * test fails instead.
 */
export function describeInBrowser(name: string, body: (browser: () => Browser) => void): void {
  if (!existsSync(chromiumPath)) {
    const sentence = `NOT RUN: ${chromiumPath} is missing, so "${name}" was not tested in a browser (install it: apt-get install -y chromium)`;
    console.warn(`\n  WARNING: ${sentence}\n`);
    describe(name, () => {
      if (onCi)
        it(sentence, () => {
          throw new Error(`${sentence}; CI must run the browser tests (.ci/run installs chromium when .ci/needs-chromium exists)`);
        });
      else it.skip(sentence, () => {});
    });
    return;
  }
  describe(name, () => {
    let browser: Browser | undefined;
    beforeAll(async () => {
      // launch() gives every browser a fresh, throwaway user-data-dir.
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });
    body(() => {
      if (!browser) throw new Error("the browser is not launched yet: use it inside a test or a hook");
      return browser;
    });
  });
}

/** Waits for the page to show something (rendering is asynchronous); never a fixed sleep. */
export const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 });

export interface ConsolePage {
  page: Page;
  /** Goes to a console route, e.g. `go("areas", "eu-west")` → `#/areas/eu-west`. */
  go(...segments: string[]): Promise<void>;
  /** Console errors and uncaught exceptions so far; a test ends by expecting none. */
  errors: string[];
  /** Saves test-results/screenshots/<name>.png (kept as a CI artifact; git-ignored). */
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the console of a node in a fresh browser context (its own sessionStorage), signed in
 * with `token` through the URL fragment as `npm start` prints it, or at the sign-in page.
 */
export async function openConsole(
  browser: Browser,
  options: { url: string; token?: string; viewport?: { width: number; height: number } },
): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1440, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console.error: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
  await page.goto(`${options.url}/console/${options.token ? `#token=${encodeURIComponent(options.token)}` : ""}`);
  return {
    page,
    errors,
    async go(...segments) {
      await page.locator("nav a").first().waitFor();
      await page.evaluate(
        (hash) => {
          location.hash = hash;
        },
        `#/${segments.map(encodeURIComponent).join("/")}`,
      );
    },
    async screenshot(name) {
      mkdirSync(screenshotDir, { recursive: true });
      await page.screenshot({ path: `${screenshotDir}${name}.png`, fullPage: true });
    },
    close: () => context.close(),
  };
}
