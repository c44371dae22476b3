/**
 * How fast a committed change reaches an operator's screen: a node, the built console in
 * Chromium watching one player, and a game server committing through the SDK.
 *
 *   npx tsx bench/console.ts            (needs /usr/bin/chromium; ≈ 20 s)
 *
 * Figures: commit → version drawn on the page (paced traffic, one change every 20 ms), and a
 * burst (as fast as 16 concurrent callers go) after which the page must show the last version
 * and an audit row for every version. Prints a Markdown table; writes bench/results/console.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { go, percentile, startConsoleSession } from "./support/console-session";

const paced = { commits: 300, everyMs: 20 };
const burst = { commits: 2000, concurrency: 16 };

const session = await startConsoleSession();
const { gm, page, errors } = session;
const { item } = await gm.items.create({ name: "Coin" });
const playerId = "bench-hero";
await gm.players.create({ id: playerId });
await go(page, "players", playerId);
await page.getByTestId("version").filter({ hasText: "1" }).waitFor();

// The page notes the wall-clock time at which each version is drawn.
await page.evaluate(() => {
  const seen: [number, number][] = [];
  (window as unknown as { seen: typeof seen }).seen = seen;
  const el = document.querySelector("[data-testid='version']");
  if (!el) throw new Error("no version element");
  new MutationObserver(() => seen.push([Number(el.textContent), performance.timeOrigin + performance.now()])).observe(el, {
    childList: true,
    characterData: true,
    subtree: true,
  });
});
const drawn = () => page.evaluate(() => (window as unknown as { seen: [number, number][] }).seen);

// Paced: one commit every 20 ms; latency = drawn − sent, and drawn − acked.
const sent = new Map<number, { sent: number; acked: number }>();
for (let i = 0; i < paced.commits; i++) {
  const at = Date.now();
  const { version } = await gm.inventory.grant(playerId, { category: "bag", itemId: item.id, quantity: 1 });
  sent.set(version, { sent: at, acked: Date.now() });
  const wait = paced.everyMs - (Date.now() - at);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
const lastPaced = Math.max(...sent.keys());
await page
  .getByTestId("version")
  .filter({ hasText: String(lastPaced) })
  .waitFor();
const fromSend: number[] = [];
const fromAck: number[] = [];
for (const [version, at] of await drawn()) {
  const times = sent.get(version);
  if (!times) continue;
  fromSend.push(at - times.sent);
  fromAck.push(at - times.acked);
}

// Burst: as fast as 16 callers go; then the page must reach the last version and list every one.
const burstStart = Date.now();
let next = 0;
let lastAck = 0;
let finalVersion = 0;
await Promise.all(
  Array.from({ length: burst.concurrency }, async () => {
    while (next < burst.commits) {
      next++;
      const { version } = await gm.inventory.grant(playerId, { category: "bag", itemId: item.id, quantity: 1 });
      lastAck = Date.now();
      finalVersion = Math.max(finalVersion, version);
    }
  }),
);
const burstSeconds = (lastAck - burstStart) / 1000;
await page
  .getByTestId("version")
  .filter({ hasText: new RegExp(`^${finalVersion}$`) })
  .waitFor({ timeout: 60_000 });
const drainMs = Date.now() - lastAck;
const rows = await page.locator("[data-testid='history'] tbody tr").count();
const distinctDrawn = new Set((await drawn()).filter(([v]) => v > lastPaced).map(([v]) => v)).size;

await session.close();

const ms = (value: number) => `${value.toFixed(1)} ms`;
const results = {
  paced: {
    commits: paced.commits,
    drawn: fromSend.length,
    sendToScreenMs: {
      p50: percentile(fromSend, 50),
      p95: percentile(fromSend, 95),
      p99: percentile(fromSend, 99),
      max: Math.max(...fromSend),
    },
    ackToScreenMs: { p50: percentile(fromAck, 50), p99: percentile(fromAck, 99) },
  },
  burst: {
    commits: burst.commits,
    commitsPerSecond: burst.commits / burstSeconds,
    lastAckToScreenMs: drainMs,
    distinctVersionsDrawn: distinctDrawn,
    auditRows: rows,
  },
  consoleErrors: errors,
};

console.log(`
| figure | Hoard console | origin |
| --- | --- | --- |
| commit sent → version on screen, p50 / p95 / p99 (one change / 20 ms) | ${ms(results.paced.sendToScreenMs.p50)} / ${ms(results.paced.sendToScreenMs.p95)} / ${ms(results.paced.sendToScreenMs.p99)} | popularity cached 30 s; iv8 live page: no figure |
| ack → version on screen, p50 / p99 | ${ms(results.paced.ackToScreenMs.p50)} / ${ms(results.paced.ackToScreenMs.p99)} | — |
| burst: ${burst.commits} commits at ${Math.round(results.burst.commitsPerSecond)}/s, last ack → last version on screen | ${ms(drainMs)} | — |
| burst: versions drawn (one draw per frame) / audit rows listed | ${distinctDrawn} / ${rows} (the page keeps the newest rows; older ones load on demand) | — |
| console errors | ${errors.length} | — |
`);
const resultsDir = fileURLToPath(new URL("./results/", import.meta.url));
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, "console.json"), `${JSON.stringify(results, null, 2)}\n`);
