/**
 * How fast the domain views of the console show a change, and what the trade feed's read costs
 * the node: a node, the built console in Chromium, and game servers and players acting through
 * the SDK.
 *
 *   npx tsx bench/console-views.ts [--trades 10000]     (needs /usr/bin/chromium; ≈ 40 s)
 *
 * Figures:
 * - stock grid (50 keys × 28 days): sale sent → its cell redrawn, paced; an import of every
 *   cell (pushes without totals, so the page reads each key again) → the last cell redrawn;
 * - areas: login sent → the area's total redrawn (pushes coalesced by the node every 225 ms;
 *   the origin cached popularity for 30 s);
 * - trades: direct trade sent → its row in the feed, suspicious (pushed) and fair (read every
 *   2.5 s); the node's time for one feed read (`economy.imbalancedTrades({ minImbalance: 0,
 *   since })`) with `--trades` trade records stored.
 * Prints a Markdown table; writes bench/results/console-views.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { dayNumber, dayOfNumber } from "@hoard/client-sdk";
import type { Page } from "playwright-core";
import { go, percentile, startConsoleSession } from "./support/console-session";

const { values: args } = parseArgs({ options: { trades: { type: "string", default: "10000" } } });
const storedTrades = Number(args.trades);
const stock = { keys: 50, days: 28, sales: 200, everyMs: 30 };
const areas = { logins: 60, everyMs: 50 };
const feed = { trades: 20, everyMs: 150 };

const session = await startConsoleSession();
const { gm, page, errors } = session;
const ms = (value: number) => `${Number.isFinite(value) ? value.toFixed(0) : "—"} ms`;
const sleep = (wait: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));

/**
 * Records, in the page, when elements under `selector` get a new value of `attribute` or are
 * added, and (with `text`) every new text of the element itself.
 */
async function record(target: Page, options: { selector: string; attribute: string; text?: boolean }): Promise<void> {
  await target.evaluate(
    ({ selector, attribute, text }) => {
      const seen: [string, string, number][] = [];
      (window as unknown as { seen: typeof seen }).seen = seen;
      const root = document.querySelector(selector);
      if (!root) throw new Error(`nothing matches ${selector}`);
      new MutationObserver((mutations) => {
        const now = performance.timeOrigin + performance.now();
        for (const mutation of mutations) {
          const el = mutation.target as Element;
          if (mutation.type === "attributes")
            seen.push([
              el.getAttribute("data-key") ?? el.closest("[data-key]")?.getAttribute("data-key") ?? "",
              `${el.getAttribute("data-day")}=${el.getAttribute(attribute)}`,
              now,
            ]);
          for (const node of mutation.addedNodes)
            if (node instanceof Element) seen.push([node.getAttribute(attribute) ?? "", "added", now]);
          if (text && (mutation.type === "characterData" || mutation.type === "childList"))
            seen.push(["text", root.textContent ?? "", now]);
        }
      }).observe(root, { subtree: true, attributes: true, attributeFilter: [attribute], childList: true, characterData: true });
    },
    { selector: options.selector, attribute: options.attribute, text: options.text ?? false },
  );
}
const recorded = () => page.evaluate(() => (window as unknown as { seen: [string, string, number][] }).seen);

// --- Stored trades (first, so their burst is long past when the feed is watched) ----------------
const { item: gem } = await gm.items.create({ name: "Gem", value: 100 });
await gm.players.create({ id: "seller" });
await gm.players.create({ id: "buyer" });
await gm.inventory.apply("seller", [{ type: "grant", category: "bag", itemId: gem.id, quantity: 1_000_000 }]);
await gm.inventory.credit("buyer", "gold", 1_000_000_000);
// Stored trade records, so the feed's read runs against a populated store.
let made = 0;
await Promise.all(
  Array.from({ length: 16 }, async () => {
    while (made < storedTrades) {
      made++;
      await gm.trades.execute("seller", "buyer", {
        give: { items: [{ category: "bag", itemId: gem.id, quantity: 1 }] },
        want: { currencies: { gold: 90 + (made % 20) } },
      });
    }
  }),
);
const admin = await session.connectAs("admin", "bench-admin");
const readTimes: number[] = [];
for (let i = 0; i < 20; i++) {
  const since = new Date(Date.now() - 2500).toISOString();
  const started = performance.now();
  await admin.economy.imbalancedTrades({ since, minImbalance: 0, limit: 500 });
  readTimes.push(performance.now() - started);
}
// --- Stock grid -------------------------------------------------------------------------------
const today = dayNumber(new Date().toISOString().slice(0, 10)) as number;
const day = (offset: number) => dayOfNumber(today + offset);
const keys = Array.from({ length: stock.keys }, (_, i) => `bench/part${String(i).padStart(3, "0")}`);
for (const key of keys) await gm.stock.setPartitions(key, { from: day(0), to: day(stock.days - 1), partitions: { a: 500, b: 500 } });
await go(page, "stock", "bench");
await page.locator("#stock-days").selectOption(String(stock.days));
await page.locator(`tr[data-key='${keys.at(-1)}'] td[data-day='${day(stock.days - 1)}'][data-total='1000']`).waitFor();
await record(page, { selector: "[data-testid='stock-grid'] tbody", attribute: "data-total" });
const totals = new Map(keys.map((key) => [key, new Array<number>(stock.days).fill(1000)]));
const sales: { key: string; cell: string; sent: number }[] = [];
for (let i = 0; i < stock.sales; i++) {
  const key = keys[(i * 7) % keys.length] as string;
  const offset = (i * 11) % stock.days;
  const sent = Date.now();
  await gm.stock.sell(key, { from: day(offset), to: day(offset), amount: 1 });
  const row = totals.get(key) as number[];
  row[offset] = (row[offset] as number) - 1;
  sales.push({ key, cell: `${day(offset)}=${row[offset]}`, sent });
  await sleep(stock.everyMs - (Date.now() - sent));
}
const lastSale = sales.at(-1) as { key: string; cell: string };
await page
  .locator(`tr[data-key='${lastSale.key}'] td[data-day='${lastSale.cell.split("=")[0]}'][data-total='${lastSale.cell.split("=")[1]}']`)
  .waitFor();
const saleDrawn = await recorded();
const saleLatency = sales.flatMap(({ key, cell, sent }) => {
  const hit = saleDrawn.find(([k, c]) => k === key && c === cell);
  return hit ? [hit[2] - sent] : [];
});

// An import of every cell: its pushes carry no totals, so the page reads each key again.
const lines = keys.flatMap((key) =>
  Array.from({ length: stock.days }, (_, d) => JSON.stringify({ key, day: day(d), partitions: { a: 7, b: 0 } })),
);
const importSent = Date.now();
const imported = await fetch(`${session.url}/api/v1/stock/import`, {
  method: "POST",
  headers: {
    "content-type": "application/x-ndjson",
    authorization: `Bearer ${await session.app.tokens.mint({ sub: "loader", role: "server" })}`,
  },
  body: `${lines.join("\n")}\n`,
});
if (imported.status !== 200) throw new Error(`import answered ${imported.status}: ${await imported.text()}`);
const importAcked = Date.now();
await page.waitForFunction(
  (count) => document.querySelectorAll("[data-testid='stock-grid'] td[data-total='7']").length === count,
  stock.keys * stock.days,
  { timeout: 60_000, polling: 20 },
);
const importDrawnMs = Date.now() - importSent;

// --- Areas -------------------------------------------------------------------------------------
const area = "bench-area";
await go(page, "areas", area);
await page.getByTestId("area-total").filter({ hasText: /^0$/ }).waitFor();
await record(page, { selector: "[data-testid='area-total']", attribute: "data-none", text: true });
const logins: number[] = [];
for (let i = 0; i < areas.logins; i++) {
  const player = await session.connectAs("player", `gamer${i}`);
  const sent = Date.now();
  await player.presence.login(area, `mode${i % 3}`);
  logins.push(sent);
  await sleep(areas.everyMs - (Date.now() - sent));
}
await page
  .getByTestId("area-total")
  .filter({ hasText: new RegExp(`^${areas.logins}$`) })
  .waitFor();
const totalsDrawn = (await recorded()).filter(([kind]) => kind === "text").map(([, text, at]) => [Number(text), at] as const);
const loginLatency = logins.flatMap((sent, i) => {
  const hit = totalsDrawn.find(([total]) => total >= i + 1);
  return hit ? [hit[1] - sent] : [];
});

// --- Trade feed ---------------------------------------------------------------------------------
await go(page, "trades");
await page.getByTestId("count-total").filter({ hasText: /\d/ }).waitFor();
await record(page, { selector: "[data-testid='trade-feed'] tbody", attribute: "data-trade" });
const executed: { id: string; sent: number; suspicious: boolean }[] = [];
for (let i = 0; i < feed.trades; i++) {
  const suspicious = i % 2 === 0;
  const sent = Date.now();
  const { trade } = await gm.trades.execute("seller", "buyer", {
    give: { items: [{ category: "bag", itemId: gem.id, quantity: 1 }] },
    want: { currencies: { gold: suspicious ? 1 : 100 } },
  });
  executed.push({ id: trade.id, sent, suspicious });
  await sleep(feed.everyMs - (Date.now() - sent));
}
await page.locator(`tr[data-trade='${executed.at(-1)?.id}']`).waitFor({ timeout: 10_000 });
await page.locator(`tr[data-trade='${executed.findLast((t) => !t.suspicious)?.id}']`).waitFor({ timeout: 10_000 });
const rowsDrawn = await recorded();
const rowLatency = (suspicious: boolean) =>
  executed
    .filter((t) => t.suspicious === suspicious)
    .flatMap(({ id, sent }) => {
      const hit = rowsDrawn.find(([key, kind]) => key === id && kind === "added");
      return hit ? [hit[2] - sent] : [];
    });
const suspiciousLatency = rowLatency(true);
const fairLatency = rowLatency(false);

await session.close();

const summary = (values: number[]) => ({
  n: values.length,
  p50: percentile(values, 50),
  p99: percentile(values, 99),
  max: Math.max(...values),
});
const results = {
  stock: {
    keys: stock.keys,
    days: stock.days,
    saleToCellMs: summary(saleLatency),
    importCells: lines.length,
    importAckMs: importAcked - importSent,
    importToLastCellMs: importDrawnMs,
  },
  areas: { logins: areas.logins, loginToTotalMs: summary(loginLatency) },
  trades: {
    storedTrades,
    feedReadMs: summary(readTimes),
    suspiciousToRowMs: summary(suspiciousLatency),
    fairToRowMs: summary(fairLatency),
  },
  consoleErrors: errors,
};

console.log(`
| figure | Hoard console | origin |
| --- | --- | --- |
| stock grid ${stock.keys} × ${stock.days}: sale sent → cell redrawn, p50 / p99 (${results.stock.saleToCellMs.n} sales, one / ${stock.everyMs} ms) | ${ms(results.stock.saleToCellMs.p50)} / ${ms(results.stock.saleToCellMs.p99)} | iv8 live page: no figure |
| stock grid: import of all ${lines.length} cells (no totals: every key read again) → last cell redrawn (ack after) | ${ms(importDrawnMs)} (${ms(results.stock.importAckMs)}) | — |
| areas: login sent → total redrawn, p50 / p99 (${areas.logins} logins, one / ${areas.everyMs} ms) | ${ms(results.areas.loginToTotalMs.p50)} / ${ms(results.areas.loginToTotalMs.p99)} | up to 30,000 ms (cached) |
| trades: suspicious trade sent → row in the feed (pushed), p50 / p99 | ${ms(results.trades.suspiciousToRowMs.p50)} / ${ms(results.trades.suspiciousToRowMs.p99)} | — |
| trades: fair trade sent → row in the feed (read every 2.5 s), p50 / p99 | ${ms(results.trades.fairToRowMs.p50)} / ${ms(results.trades.fairToRowMs.p99)} | — |
| trades: one feed read with ${storedTrades.toLocaleString("en-US")} trades stored, p50 / max (over the socket) | ${results.trades.feedReadMs.p50.toFixed(1)} ms / ${results.trades.feedReadMs.max.toFixed(1)} ms | — |
| console errors | ${errors.length} | — |
`);
const resultsDir = fileURLToPath(new URL("./results/", import.meta.url));
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, "console-views.json"), `${JSON.stringify(results, null, 2)}\n`);
