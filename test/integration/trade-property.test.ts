import { connect, type HoardClient, newOpId, type TradeRecord } from "@hoard/client-sdk";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TestClock } from "../support/clock";
import { startServer, type TestServer } from "../support/server";
import { defineItems, gold, holdings, items } from "../support/trade";

const PLAYERS = 4;
const START = { gold: 50, each: 3 };

type Line = { item: number; quantity: number };
type Command =
  | { type: "grant" | "consume"; player: number; line: Line; retry: boolean; expiresInMs?: number | null }
  /** The node's clock moves on: expiring units fall due, and the node's sweep removes them. */
  | { type: "tick"; ms: number }
  | {
      type: "trade";
      mode: "direct" | "offer";
      a: number;
      b: number;
      give: Line;
      want: Line | null;
      gold: number;
      /** Send the same call twice at once with the same opId. */
      retry: boolean;
      /** Offers only: a second accept with another opId races the first. */
      doubleAccept: boolean;
    };

const line = fc.record({ item: fc.nat({ max: 2 }), quantity: fc.integer({ min: 1, max: 4 }) });
const player = fc.nat({ max: PLAYERS - 1 });
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ type: fc.constantFrom("grant" as const, "consume" as const), player, line, retry: fc.boolean() }),
  // Expiring units: a trade never gives them, a consume takes them first, the sweep takes them at their time.
  fc.record({
    type: fc.constant("grant" as const),
    player,
    line,
    retry: fc.boolean(),
    expiresInMs: fc.option(fc.integer({ min: 1, max: 2000 }), { nil: null }),
  }),
  fc.record({ type: fc.constant("tick" as const), ms: fc.integer({ min: 1, max: 1500 }) }),
  fc.record({
    type: fc.constant("trade" as const),
    mode: fc.constantFrom("direct" as const, "offer" as const),
    a: player,
    b: player,
    give: line,
    want: fc.option(line, { nil: null }),
    gold: fc.nat({ max: 30 }),
    retry: fc.boolean(),
    doubleAccept: fc.boolean(),
  }),
);

type Ledger = Map<string, { gold: number; bag: Map<string, number> }>;

describe("trades under concurrency (property)", () => {
  let server: TestServer;
  let workers: HoardClient[];
  let itemIds: string[];
  let run = 0;
  const clock = new TestClock(Date.now());

  beforeAll(async () => {
    server = await startServer({ now: clock.now, config: { expirySweepMs: 50 } });
    workers = await Promise.all(
      Array.from({ length: 3 }, async () => connect(server.url, { token: await server.token("server", "game"), timeoutMs: 5000 })),
    );
    const defined = await defineItems(workers[0] as HoardClient, { ore: 10, herb: 3, junk: undefined });
    itemIds = [defined.ore, defined.herb, defined.junk];
  });
  afterAll(async () => {
    for (const worker of workers) worker.close();
    await server.close();
  });

  const worker = (index: number) => workers[index % workers.length] as HoardClient;
  const itemOf = (index: number) => itemIds[index] as string;
  const bagOf = (entries: Line[]) => items(Object.fromEntries(entries.map((entry) => [itemOf(entry.item), entry.quantity])));

  it("conserves items and currency (= grants − consumes − expiries), never goes negative, and applies each opId once", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 25 }), async (commands) => {
        run++;
        const ids = Array.from({ length: PLAYERS }, (_, i) => `prop${run}-p${i}`);
        const idOf = (index: number) => ids[index] as string;
        const ledger: Ledger = new Map(
          ids.map((id) => [id, { gold: START.gold, bag: new Map(itemIds.map((item) => [item, START.each])) }]),
        );
        for (const id of ids) {
          await worker(0).players.create({ id });
          await worker(0).inventory.apply(id, [
            { type: "credit", currency: "gold", amount: START.gold },
            ...itemIds.map((itemId) => ({ type: "grant" as const, category: "bag", itemId, quantity: START.each })),
          ]);
        }
        const move = (id: string, itemId: string, delta: number) => {
          const holding = ledger.get(id);
          if (holding) holding.bag.set(itemId, (holding.bag.get(itemId) ?? 0) + delta);
        };
        const executed = new Map<string, TradeRecord>();
        /** Acked grants minus acked consumes, per item: all that may change the totals. */
        const net = new Map<string, number>();
        const twice = async <T>(retry: boolean, call: (opId: string) => Promise<T>) => {
          const opId = newOpId();
          const outcomes = await Promise.allSettled(retry ? [call(opId), call(opId)] : [call(opId)]);
          if (retry) expectSameOutcome(outcomes);
          const first = outcomes[0] as PromiseSettledResult<T>;
          return first.status === "fulfilled" ? first.value : undefined;
        };

        await Promise.all(
          commands.map(async (cmd, index) => {
            const client = worker(index);
            if (cmd.type === "tick") {
              clock.advance(cmd.ms);
              return;
            }
            if (cmd.type !== "trade") {
              const stack = {
                category: "bag",
                itemId: itemOf(cmd.line.item),
                quantity: cmd.line.quantity,
                ...(cmd.expiresInMs ? { expiresInMs: cmd.expiresInMs } : {}),
              };
              const done = await twice(cmd.retry, (opId) =>
                cmd.type === "grant"
                  ? client.inventory.grant(idOf(cmd.player), stack, { opId })
                  : client.inventory.consume(idOf(cmd.player), stack, { opId }),
              );
              if (done) {
                const delta = cmd.type === "grant" ? cmd.line.quantity : -cmd.line.quantity;
                move(idOf(cmd.player), stack.itemId, delta);
                net.set(stack.itemId, (net.get(stack.itemId) ?? 0) + delta);
              }
              return;
            }
            const terms = {
              give: bagOf([cmd.give]),
              want: { ...bagOf(cmd.want ? [cmd.want] : []), ...(cmd.gold > 0 ? gold(cmd.gold) : {}) },
            };
            let trade: TradeRecord | undefined;
            if (cmd.mode === "direct") {
              trade = (await twice(cmd.retry, (opId) => client.trades.execute(idOf(cmd.a), idOf(cmd.b), terms, { opId })))?.trade;
            } else {
              const proposed = await client.trades.propose(idOf(cmd.b), terms, { from: idOf(cmd.a) }).catch(() => undefined);
              if (!proposed) return;
              const accept = (opId: string) => worker(index + 1).trades.accept(proposed.offer.id, { opId });
              const [first, rival] = await Promise.all([
                twice(cmd.retry, accept),
                cmd.doubleAccept ? accept(newOpId()).catch(() => undefined) : undefined,
              ]);
              // Two accepts with different opIds: never both.
              expect(first && rival).toBeFalsy();
              trade = (first ?? rival)?.trade;
            }
            if (trade) executed.set(trade.id, trade);
          }),
        );

        for (const trade of executed.values()) {
          for (const entry of trade.give.items) {
            move(trade.from, entry.itemId, -entry.quantity);
            move(trade.to, entry.itemId, entry.quantity);
          }
          for (const entry of trade.want.items) {
            move(trade.to, entry.itemId, -entry.quantity);
            move(trade.from, entry.itemId, entry.quantity);
          }
          const paid = trade.want.currencies.gold ?? 0;
          (ledger.get(trade.to) as { gold: number }).gold -= paid;
          (ledger.get(trade.from) as { gold: number }).gold += paid;
        }

        // Every unit past its time has left in a commit of the node's (the clock no longer moves);
        // then reads show the stored state, and each expiry is an op log entry counted below.
        await vi.waitFor(async () => expect(await server.app.store.listDueExpiries(new Date(clock.now()).toISOString(), 10)).toEqual([]), {
          timeout: 10_000,
        });
        for (const id of ids) {
          const { entries } = await worker(0).inventory.history(id, { limit: 500 });
          const lots = new Set<string>();
          for (const entry of entries.filter((candidate) => candidate.kind === "inventory:expire")) {
            for (const op of entry.ops) {
              if (op.type !== "expire") continue;
              // Each lot leaves once, never before its time.
              const lot = `${op.itemId}/${op.expiresAt}`;
              expect(lots.has(lot)).toBe(false);
              lots.add(lot);
              expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(Date.parse(op.expiresAt));
              move(id, op.itemId, -op.quantity);
              net.set(op.itemId, (net.get(op.itemId) ?? 0) - op.quantity);
            }
          }
        }

        const totals = { gold: 0, bag: new Map<string, number>() };
        for (const id of ids) {
          const actual = await holdings(worker(0), id);
          const expected = ledger.get(id) as { gold: number; bag: Map<string, number> };
          const expectedBag = Object.fromEntries([...expected.bag].filter(([, quantity]) => quantity !== 0));
          // Exactly the acked changes, each once: a double apply (of a grant, a consume or a swap) shows here.
          expect(actual).toEqual({ gold: expected.gold, bag: expectedBag });
          expect(Object.values(actual.bag).every((quantity) => quantity > 0)).toBe(true);
          expect(actual.gold).toBeGreaterThanOrEqual(0);
          totals.gold += actual.gold;
          for (const [itemId, quantity] of Object.entries(actual.bag)) totals.bag.set(itemId, (totals.bag.get(itemId) ?? 0) + quantity);

          // The op log has every version once, and every op id at most once per player.
          const { player } = await worker(0).players.get(id);
          const { entries } = await worker(0).inventory.history(id, { limit: 500 });
          expect(entries.map((entry) => entry.version)).toEqual(Array.from({ length: player.version }, (_, i) => i + 1));
          expect(new Set(entries.map((entry) => entry.opId)).size).toBe(entries.length);
        }
        // Trades only move things: every total is the start plus grants minus consumes minus expiries.
        for (const itemId of itemIds) expect(totals.bag.get(itemId) ?? 0).toBe(PLAYERS * START.each + (net.get(itemId) ?? 0));
        expect(totals.gold).toBe(PLAYERS * START.gold);
      }),
      { numRuns: 20 },
    );
  });

  it("never lets a trade and a consume of the same last item both succeed", async () => {
    const ore = itemOf(0);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("direct" as const, "offer" as const), fc.boolean(), async (mode, consumeFirst) => {
        run++;
        const [seller, buyer] = [`race${run}-seller`, `race${run}-buyer`];
        await worker(0).players.create({ id: seller });
        await worker(0).players.create({ id: buyer });
        await worker(0).inventory.grant(seller, { category: "bag", itemId: ore, quantity: 1 });
        await worker(0).inventory.credit(buyer, "gold", 20);
        const terms = { give: items({ [ore]: 1 }), want: gold(10) };
        const offer = mode === "offer" ? (await worker(0).trades.propose(buyer, terms, { from: seller })).offer : undefined;

        const trade = () => (offer ? worker(1).trades.accept(offer.id) : worker(1).trades.execute(seller, buyer, terms));
        const consume = () => worker(2).inventory.consume(seller, { category: "bag", itemId: ore, quantity: 1 });
        const [traded, consumed] = consumeFirst
          ? await Promise.allSettled([consume(), trade()]).then(([c, t]) => [t, c] as const)
          : await Promise.allSettled([trade(), consume()]);

        expect([traded.status, consumed.status].sort()).toEqual(["fulfilled", "rejected"]);
        const loser = (traded.status === "rejected" ? traded.reason : (consumed as PromiseRejectedResult).reason) as { code: string };
        expect(loser.code).toBe(traded.status === "rejected" ? "TRADE_INSUFFICIENT_ITEMS" : "INVENTORY_INSUFFICIENT_ITEMS");
        const tradeWon = traded.status === "fulfilled";
        expect(await holdings(worker(0), seller)).toEqual({ gold: tradeWon ? 10 : 0, bag: {} });
        expect(await holdings(worker(0), buyer)).toEqual({ gold: tradeWon ? 10 : 20, bag: tradeWon ? { [ore]: 1 } : {} });
      }),
      { numRuns: 20 },
    );
  });
});

/** A retried op (same opId, sent twice at once) answers the same both times: same data, or the same error. */
function expectSameOutcome(outcomes: PromiseSettledResult<unknown>[]): void {
  const [a, b] = outcomes as [PromiseSettledResult<unknown>, PromiseSettledResult<unknown>];
  expect(a.status).toBe(b.status);
  if (a.status === "fulfilled" && b.status === "fulfilled") {
    const strip = (value: unknown) => ({ ...(value as object), replayed: undefined });
    expect(strip(a.value)).toEqual(strip(b.value));
    expect([(a.value as { replayed: boolean }).replayed, (b.value as { replayed: boolean }).replayed].sort()).toEqual([false, true]);
  } else if (a.status === "rejected" && b.status === "rejected") {
    expect((a.reason as { code: string }).code).toBe((b.reason as { code: string }).code);
  }
}
