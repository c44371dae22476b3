/**
 * The trade engine's simulation, on one Hoard node: players created with class-based random
 * starter kits, then random two-player trades between random pairs, validated against server
 * state, over the real SDK and a real socket. Ends with a conservation check: every item and
 * every coin granted is still there, nothing more.
 *
 *   npx tsx bench/trade.ts                       # 1,000 players, 10,000 direct trades, 1,000 offers
 *   npx tsx bench/trade.ts --players 200 --trades 2000 --offers 200 --synchronous NORMAL
 *
 * Prints a Markdown table and writes bench/results/trade.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { connect, type HoardClient, HoardError, type TradeRecord } from "@hoard/client-sdk";
import { createApp, loadConfig } from "@hoard/server";

const { values: flags } = parseArgs({
  options: {
    players: { type: "string", default: "1000" },
    trades: { type: "string", default: "10000" },
    offers: { type: "string", default: "1000" },
    clients: { type: "string", default: "4" },
    concurrency: { type: "string", default: "64" },
    synchronous: { type: "string", default: "FULL" },
    seed: { type: "string", default: "42" },
  },
});
const PLAYERS = Number(flags.players);
const TRADES = Number(flags.trades);
const OFFERS = Number(flags.offers);
const CLIENTS = Number(flags.clients);
const CONCURRENCY = Number(flags.concurrency);

/** A seeded PRNG (mulberry32), so two runs trade the same way. */
let state = Number(flags.seed) >>> 0;
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

/** Runs `count` tasks with at most `limit` in flight. */
async function pool(count: number, limit: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const dir = mkdtempSync(join(tmpdir(), "hoard-bench-trade-"));
const config = loadConfig({
  PORT: "0",
  HOST: "127.0.0.1",
  HOARD_DB: join(dir, "hoard.db"),
  HOARD_SECRET: "bench-secret-that-is-at-least-32-characters",
  HOARD_LOG_LEVEL: "silent",
  HOARD_SQLITE_SYNCHRONOUS: flags.synchronous,
});
const app = createApp(config);
const url = await app.listen();
const token = await app.tokens.mint({ sub: "bench", role: "server" });
const admin = await connect(url, { token: await app.tokens.mint({ sub: "bench", role: "admin" }), timeoutMs: 30_000 });
const clients: HoardClient[] = await Promise.all(Array.from({ length: CLIENTS }, () => connect(url, { token, timeoutMs: 30_000 })));
const client = (index: number) => clients[index % clients.length] as HoardClient;

// Items: commons are cheap, rares dear, so random trades span even and lopsided ones.
const itemNames = ["sword", "axe", "bow", "staff", "dagger", "shield", "helm", "boots", "ring", "amulet", "tome", "orb"];
const commons = ["potion", "arrow", "bread", "herb", "ore", "pelt", "cloth", "gem_shard", "torch", "rope", "bandage", "scroll"];
const itemIds = new Map<string, string>();
for (const name of [...itemNames, ...commons]) {
  const value = itemNames.includes(name) ? between(50, 500) : between(1, 20);
  itemIds.set(name, (await admin.items.create({ name, kind: "bench", value })).item.id);
}
const id = (name: string) => itemIds.get(name) as string;
const classes = {
  warrior: { gold: 100, kit: ["sword", "shield"], pool: ["axe", "helm", "boots", "potion", "bread", "bandage", "ore", "torch"] },
  mage: { gold: 150, kit: ["staff", "tome"], pool: ["orb", "ring", "amulet", "potion", "herb", "scroll", "cloth", "gem_shard"] },
  rogue: { gold: 120, kit: ["dagger", "boots"], pool: ["bow", "ring", "rope", "arrow", "pelt", "torch", "potion", "herb"] },
  cleric: { gold: 130, kit: ["amulet", "helm"], pool: ["staff", "shield", "bandage", "herb", "bread", "scroll", "potion", "cloth"] },
} as const;
for (const [name, spec] of Object.entries(classes)) {
  await admin.kits.put({
    name,
    starter: true,
    currencies: { gold: spec.gold },
    items: spec.kit.map((item) => ({ itemId: id(item), category: "bag", quantity: 1 })),
  });
}

/** What the bench believes each player holds (from acks; may be stale under concurrency, as a client's would be). */
const believed = new Map<string, { gold: number; bag: Map<string, number> }>();
const granted = { gold: 0, items: new Map<string, number>() };
const grant = (itemId: string, quantity: number) => granted.items.set(itemId, (granted.items.get(itemId) ?? 0) + quantity);

// Phase 1: players with class kits plus a random handful from the class's pool.
const playerIds = Array.from({ length: PLAYERS }, (_, i) => `p${String(i).padStart(5, "0")}`);
const createStarted = performance.now();
await pool(PLAYERS, CONCURRENCY, async (index) => {
  const playerId = playerIds[index] as string;
  const className = pick(Object.keys(classes)) as keyof typeof classes;
  const spec = classes[className];
  await client(index).players.create({ id: playerId, class: className });
  const extras = Array.from({ length: between(3, 6) }, () => ({ itemId: id(pick(spec.pool)), quantity: between(1, 5) }));
  await client(index).inventory.apply(
    playerId,
    extras.map((extra) => ({ type: "grant", category: "bag", ...extra })),
  );
  const bag = new Map<string, number>();
  for (const item of [...spec.kit.map((name) => ({ itemId: id(name), quantity: 1 })), ...extras]) {
    bag.set(item.itemId, (bag.get(item.itemId) ?? 0) + item.quantity);
    grant(item.itemId, item.quantity);
  }
  granted.gold += spec.gold;
  believed.set(playerId, { gold: spec.gold, bag });
});
const createSeconds = (performance.now() - createStarted) / 1000;

function randomTerms(from: string, to: string) {
  const a = believed.get(from) as { gold: number; bag: Map<string, number> };
  const b = believed.get(to) as { gold: number; bag: Map<string, number> };
  const stacksOf = (holder: typeof a, count: number) =>
    [...holder.bag.entries()]
      .sort(() => random() - 0.5)
      .slice(0, count)
      .map(([itemId, have]) => ({ category: "bag", itemId, quantity: between(1, Math.max(1, Math.min(3, have))) }));
  const gold = random() < 0.7 ? between(1, Math.max(1, Math.min(60, b.gold))) : 0;
  const wantItems = random() < 0.4 ? stacksOf(b, 1) : [];
  return {
    give: { items: stacksOf(a, between(1, 2)) },
    want: { items: wantItems, ...(gold > 0 || wantItems.length === 0 ? { currencies: { gold: Math.max(gold, 1) } } : {}) },
  };
}

function believe(trade: TradeRecord): void {
  const from = believed.get(trade.from) as { gold: number; bag: Map<string, number> };
  const to = believed.get(trade.to) as { gold: number; bag: Map<string, number> };
  const move = (giver: typeof from, receiver: typeof from, lines: TradeRecord["give"]["items"]) => {
    for (const line of lines) {
      const left = (giver.bag.get(line.itemId) ?? 0) - line.quantity;
      if (left > 0) giver.bag.set(line.itemId, left);
      else giver.bag.delete(line.itemId);
      receiver.bag.set(line.itemId, (receiver.bag.get(line.itemId) ?? 0) + line.quantity);
    }
  };
  move(from, to, trade.give.items);
  move(to, from, trade.want.items);
  const paid = trade.want.currencies.gold ?? 0;
  to.gold -= paid;
  from.gold += paid;
}

interface Phase {
  attempts: number;
  executed: number;
  suspicious: number;
  refused: Record<string, number>;
  seconds: number;
  latencies: number[];
}

async function tradePhase(count: number, run: (index: number, from: string, to: string) => Promise<TradeRecord>): Promise<Phase> {
  const phase: Phase = { attempts: count, executed: 0, suspicious: 0, refused: {}, seconds: 0, latencies: [] };
  const started = performance.now();
  await pool(count, CONCURRENCY, async (index) => {
    const from = pick(playerIds);
    let to = pick(playerIds);
    while (to === from) to = pick(playerIds);
    const sent = performance.now();
    try {
      const trade = await run(index, from, to);
      phase.executed++;
      if (trade.suspicious) phase.suspicious++;
      believe(trade);
    } catch (error) {
      if (!(error instanceof HoardError)) throw error;
      phase.refused[error.code] = (phase.refused[error.code] ?? 0) + 1;
    }
    phase.latencies.push(performance.now() - sent);
  });
  phase.seconds = (performance.now() - started) / 1000;
  phase.latencies.sort((a, b) => a - b);
  return phase;
}

// Phase 2: direct trades (a game server runs each swap in one call).
const direct = await tradePhase(TRADES, (index, from, to) =>
  client(index)
    .trades.execute(from, to, randomTerms(from, to))
    .then((r) => r.trade),
);

// Phase 3: the offer flow (propose, then the recipient's side accepts), driven by the server token.
const offers = await tradePhase(OFFERS, async (index, from, to) => {
  const { offer } = await client(index).trades.propose(to, randomTerms(from, to), { from });
  return (await client(index + 1).trades.accept(offer.id)).trade;
});

// Conservation: every unit granted is held by someone, nothing more; nothing is negative.
const held = { gold: 0, items: new Map<string, number>() };
let negatives = 0;
await pool(PLAYERS, CONCURRENCY, async (index) => {
  const { player } = await client(index).players.get(playerIds[index] as string);
  for (const amount of Object.values(player.wallet)) {
    held.gold += amount;
    if (amount < 0) negatives++;
  }
  for (const inventory of Object.values(player.inventories)) {
    for (const [itemId, quantity] of Object.entries(inventory.stacks)) {
      held.items.set(itemId, (held.items.get(itemId) ?? 0) + quantity);
      if (quantity <= 0) negatives++;
    }
  }
});
const itemsConserved = [...new Set([...granted.items.keys(), ...held.items.keys()])].every(
  (itemId) => granted.items.get(itemId) === held.items.get(itemId),
);
const conserved = itemsConserved && held.gold === granted.gold && negatives === 0;

// The economy questions, answered by the node over what was just traded.
const timed = async <T>(call: () => Promise<T>): Promise<{ ms: number; value: T }> => {
  const started = performance.now();
  const value = await call();
  return { ms: performance.now() - started, value };
};
const analytics = {
  tradeCounts: await timed(() => admin.economy.tradeCounts()),
  topItems: await timed(() => admin.economy.topItems({ limit: 3 })),
  imbalancedTrades: await timed(() => admin.economy.imbalancedTrades({ limit: 10 })),
  diverseInventories: await timed(() => admin.economy.diverseInventories({ limit: 3 })),
  richestPlayers: await timed(() => admin.economy.richestPlayers({ limit: 3 })),
};

admin.close();
for (const c of clients) c.close();
await app.close();
rmSync(dir, { recursive: true, force: true });

const rate = (phase: Phase) => (phase.seconds > 0 ? Math.round(phase.attempts / phase.seconds) : 0);
const ms = (value: number) => value.toFixed(2);
const refusals = (phase: Phase) =>
  Object.entries(phase.refused)
    .map(([code, n]) => `${code} ${n}`)
    .join(", ") || "none";
const rows: Array<[string, string, string]> = [
  ["players created (class kit + random extras)", `${PLAYERS} in ${createSeconds.toFixed(2)} s`, "not published"],
  ["direct trades attempted", `${direct.attempts} in ${direct.seconds.toFixed(2)} s`, "10,000 (shape)"],
  ["direct trades/s (acked, durable)", String(rate(direct)), "not published"],
  ["direct trade ack p50 / p99 (ms)", `${ms(percentile(direct.latencies, 50))} / ${ms(percentile(direct.latencies, 99))}`, "—"],
  ["direct: executed / suspicious", `${direct.executed} / ${direct.suspicious}`, "—"],
  ["direct: refused (validated against server state)", refusals(direct), "—"],
  ["offers proposed + accepted", `${offers.attempts} in ${offers.seconds.toFixed(2)} s`, "—"],
  ["offer round trips/s (propose + accept)", String(rate(offers)), "—"],
  ["offer: executed / refused", `${offers.executed} / ${refusals(offers)}`, "—"],
  ["conservation (items, gold, no negative)", conserved ? "holds" : "BROKEN", "—"],
  ...Object.entries(analytics).map(([name, { ms: took }]): [string, string, string] => [
    `economy:${name} (ms)`,
    ms(took),
    "offline Spark/Presto job",
  ]),
];
const table = [
  `Trade engine simulation — ${PLAYERS} players, ${CLIENTS} SDK clients, ${CONCURRENCY} in flight, sqlite synchronous=${flags.synchronous}`,
  "",
  "| figure | Hoard | origin |",
  "|---|---|---|",
  ...rows.map((row) => `| ${row.join(" | ")} |`),
].join("\n");
console.log(table);
console.log("\nmost traded:", analytics.topItems.value.items.map((item) => `${item.name} (${item.trades})`).join(", "));
console.log("richest:", analytics.richestPlayers.value.players.map((p) => `${p.playerId} ${p.total}`).join(", "));
console.log("most diverse:", analytics.diverseInventories.value.players.map((p) => `${p.playerId} ${p.distinctItems}`).join(", "));

const out = new URL("./results/trade.json", import.meta.url);
mkdirSync(dirname(out.pathname), { recursive: true });
writeFileSync(
  out,
  JSON.stringify(
    {
      at: new Date().toISOString(),
      flags,
      createSeconds,
      direct: {
        ...direct,
        latencies: undefined,
        perSecond: rate(direct),
        p50: percentile(direct.latencies, 50),
        p99: percentile(direct.latencies, 99),
      },
      offers: { ...offers, latencies: undefined, perSecond: rate(offers) },
      conserved,
      granted: { gold: granted.gold, items: Object.fromEntries(granted.items) },
      analyticsMs: Object.fromEntries(Object.entries(analytics).map(([name, { ms: took }]) => [name, took])),
    },
    null,
    2,
  ),
);
if (!conserved) process.exitCode = 1;
