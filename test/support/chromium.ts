import { type Browser, chromium } from "playwright-core";

/** Debian's chromium (apt-get install -y chromium); `npx playwright install` cannot download here. */
export const chromiumPath = process.env.HOARD_CHROMIUM ?? "/usr/bin/chromium";

/** Headless Chromium as this machine allows it: no sandbox (root), no background networking. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
