import type { LootDrawnOp, TradeOffer, TradeRecord } from "@hoard/protocol";
import { SUPPLY_GUARD, type SupplyData } from "@hoard/server/internal/cart/port";
import { type CommitPlan, type Guarded, type Guards, guardKey, type PlayerCommit } from "@hoard/server/internal/commit/plan";
import type { StockImportRow, StockOp } from "@hoard/server/internal/stock/port";
import { acquireWrite, sellWrite } from "@hoard/server/internal/stock/rules";
import type { Store } from "@hoard/server/internal/store/port";
import { FEED_GUARD, OFFER_GUARD, TRADE_RECORD, TRADE_REVERSAL_RECORD } from "@hoard/server/internal/trade/port";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { anActor, anItemId, anOpId, aStoredItem, aStoredLootTable, op } from "../support/builders";
import { applyTo, createPlayer, recordOnly } from "./commits";
import type { ContractStore } from "./store.contract";

/**
 * The domains' sub-ports of the store (commit guards, trades, shop, presence history, stock):
 * one suite every engine must pass, beside the core suite of store.contract.ts. `makeStore`
 * returns a fresh, empty store for each test.
 */
export function describeDomainStores(name: string, makeStore: () => Promise<ContractStore>): void {
  describe(`Store domains contract: ${name}`, () => {
    let made: ContractStore;
    let store: Store;

    beforeEach(async () => {
      made = await makeStore();
      store = made.store;
    });
    afterEach(async () => {
      await made.cleanup();
    });

    describe("commit guards", () => {
      const feed = { kind: FEED_GUARD, id: "alice" };
      const bump = (apply?: (guards: Guards) => Partial<CommitPlan<number>>): PlayerCommit<number> => ({
        opId: anOpId(),
        actor: anActor(),
        kind: "test",
        requestHash: "h",
        playerIds: [],
        guards: [feed],
        apply: (_players, _at, guards) => {
          const version = (guards.get(guardKey(feed))?.version ?? 0) + 1;
          const doc: Guarded = { ...feed, version, data: null };
          return { writes: [], guards: [doc], result: version, ...apply?.(guards) };
        },
      });

      it("hands each of several concurrent commits the version the previous one wrote", async () => {
        const results = await Promise.all([bump(), bump(), bump()].map((commit) => store.commitPlayers(commit)));

        expect(results.map((committed) => committed.result).sort()).toEqual([1, 2, 3]);
        expect(await store.trades.feedSeq("alice")).toBe(3);
      });

      it("refuses a write of an undeclared guard or of a version that skips", async () => {
        const undeclared = bump(() => ({ guards: [{ kind: FEED_GUARD, id: "bob", version: 1, data: null }] }));
        await expect(store.commitPlayers(undeclared)).rejects.toThrow(/did not declare/);
        const skipping = bump(() => ({ guards: [{ ...feed, version: 5, data: null }] }));
        await expect(store.commitPlayers(skipping)).rejects.toThrow(/must write version 1/);

        expect(await store.trades.feedSeq("alice")).toBe(0);
        expect(await store.trades.feedSeq("bob")).toBe(0);
      });

      it("rolls a guard write back with the rest of its commit", async () => {
        const record = { kind: "trade", id: "r1", playerIds: ["alice"], at: "2025-01-01T00:00:00.000Z", data: {} };
        await store.commitPlayers(bump(() => ({ records: [record] })));
        // Same record id again: the insert fails after the guard was written, so neither stays.
        await expect(store.commitPlayers(bump(() => ({ records: [record] })))).rejects.toThrow();

        expect(await store.trades.feedSeq("alice")).toBe(1);
      });
    });

    describe("trade offers", () => {
      let n = 0;
      /** Stores an offer the way a commit does: as a guard written at version 1. */
      async function stored(fields: Partial<TradeOffer> & { createdAt: string; expiresAt: string }): Promise<TradeOffer> {
        const offer: TradeOffer = {
          id: String(++n).padStart(32, "0"),
          from: "alice",
          to: "bob",
          give: { items: [], currencies: { gold: 1 } },
          want: { items: [], currencies: {} },
          status: "pending",
          proposedBy: { role: "player", sub: "alice" },
          ...fields,
        };
        const ref = { kind: OFFER_GUARD, id: offer.id };
        await store.commitPlayers({
          opId: `offer-${offer.id}`,
          actor: anActor(),
          kind: "test",
          requestHash: "h",
          playerIds: [],
          guards: [ref],
          apply: () => ({ writes: [], guards: [{ ...ref, version: 1, data: offer }], result: null }),
        });
        return offer;
      }

      const NOW = "2025-01-01T12:00:00.000Z";
      const ids = (offers: TradeOffer[]) => offers.map((offer) => offer.id);

      it("reads an offer back as written, and settles it by compare-and-set on its version", async () => {
        const offer = await stored({ createdAt: "2025-01-01T10:00:00.000Z", expiresAt: "2025-01-01T13:00:00.000Z" });
        const ref = { kind: OFFER_GUARD, id: offer.id };
        const declined = { ...offer, status: "declined" as const, settledAt: NOW };

        const seen = await store.commitPlayers({
          ...recordOnly([]),
          guards: [ref],
          apply: (_players, _at, guards) => ({
            writes: [],
            guards: [{ ...ref, version: 2, data: declined }],
            result: guards.get(guardKey(ref)),
          }),
        });

        expect(seen.result).toEqual({ ...ref, version: 1, data: offer });
        expect(await store.trades.getOffer(offer.id)).toEqual(declined);
        expect(await store.trades.getOffer("f".repeat(32))).toBeUndefined();
      });

      it("judges pending and expired by the clock it is given", async () => {
        const live = await stored({ createdAt: "2025-01-01T10:00:00.000Z", expiresAt: "2025-01-01T13:00:00.000Z" });
        const lapsed = await stored({ createdAt: "2025-01-01T09:00:00.000Z", expiresAt: "2025-01-01T11:00:00.000Z" });
        const swept = await stored({ createdAt: "2025-01-01T08:00:00.000Z", expiresAt: "2025-01-01T09:00:00.000Z", status: "expired" });
        const declined = await stored({ createdAt: "2025-01-01T07:00:00.000Z", expiresAt: "2025-01-01T13:00:00.000Z", status: "declined" });
        const query = { playerId: "bob", now: NOW, limit: 10 };

        expect(ids(await store.trades.listOffers({ ...query, status: "pending" }))).toEqual([live.id]);
        expect(ids(await store.trades.listOffers({ ...query, status: "expired" }))).toEqual([lapsed.id, swept.id]);
        expect(ids(await store.trades.listOffers({ ...query, status: "declined" }))).toEqual([declined.id]);
        expect(ids(await store.trades.listOffers(query))).toEqual([live.id, lapsed.id, swept.id, declined.id]);
        expect(await store.trades.listLapsedOffers(NOW, 10)).toEqual([lapsed.id]);
      });

      it("lists a player's sent, received or all offers, newest first, page by page", async () => {
        const sent = await stored({ createdAt: "2025-01-01T10:00:00.000Z", expiresAt: "2025-01-02T00:00:00.000Z" });
        const received = await stored({
          from: "bob",
          to: "alice",
          createdAt: "2025-01-01T11:00:00.000Z",
          expiresAt: "2025-01-02T00:00:00.000Z",
        });
        const other = await stored({
          from: "carol",
          to: "bob",
          createdAt: "2025-01-01T11:30:00.000Z",
          expiresAt: "2025-01-02T00:00:00.000Z",
        });
        const query = { playerId: "alice", now: NOW, limit: 10 };

        expect(ids(await store.trades.listOffers({ ...query, as: "from" }))).toEqual([sent.id]);
        expect(ids(await store.trades.listOffers({ ...query, as: "to" }))).toEqual([received.id]);
        const first = await store.trades.listOffers({ ...query, limit: 1 });
        expect(ids(first)).toEqual([received.id]);
        const next = await store.trades.listOffers({ ...query, limit: 1, before: { at: received.createdAt, id: received.id } });
        expect(ids(next)).toEqual([sent.id]);
        expect(ids(await store.trades.listOffers({ playerId: "bob", now: NOW, limit: 10 }))).toEqual([other.id, received.id, sent.id]);
      });
    });

    describe("economy questions", () => {
      const [t1, t2, t3] = ["2030-01-01T00:00:01.000Z", "2030-01-01T00:00:02.000Z", "2030-01-01T00:00:03.000Z"];
      const sword = anItemId("sword");
      const potion = anItemId("potion");
      let n = 0;

      function aTrade(fields: Partial<TradeRecord> & Pick<TradeRecord, "outcome" | "at">): TradeRecord {
        const id = String(++n).padStart(32, "a");
        return {
          id,
          tradeId: id,
          mode: "direct",
          from: "alice",
          to: "bob",
          give: { items: [], currencies: {} },
          want: { items: [], currencies: {} },
          value: { give: 0, want: 0 },
          imbalance: 0,
          suspicious: false,
          actor: anActor(),
          opId: anOpId(),
          ...fields,
        };
      }

      async function recorded(...trades: TradeRecord[]): Promise<void> {
        const records = trades.map((trade) => ({
          kind: TRADE_RECORD,
          id: trade.id,
          playerIds: [trade.from, trade.to],
          at: trade.at,
          data: trade,
        }));
        await store.commitPlayers(recordOnly(records));
      }

      const line = (itemId: string, quantity: number) => ({ category: "bag", itemId, quantity });

      it("counts a period's trades by outcome, with the suspicious ones", async () => {
        await recorded(
          aTrade({ outcome: "executed", at: t1, suspicious: true }),
          aTrade({ outcome: "executed", at: t2 }),
          aTrade({ outcome: "refused", at: t2 }),
          aTrade({ outcome: "executed", at: t3, suspicious: true }),
        );

        expect(await store.trades.countTrades({ since: t1, until: t3 })).toEqual({
          byOutcome: { executed: 2, refused: 1 },
          reversed: 0,
          suspicious: 1,
        });
        expect(await store.trades.countTrades({})).toEqual({ byOutcome: { executed: 3, refused: 1 }, reversed: 0, suspicious: 2 });
        expect(await store.trades.countTrades({ since: "2031-01-01T00:00:00.000Z" })).toEqual({
          byOutcome: {},
          reversed: 0,
          suspicious: 0,
        });
      });

      it("leaves a reversed trade out of what was executed: counted as reversed, in no ranking", async () => {
        const kept = aTrade({ outcome: "executed", at: t1, imbalance: 1, give: { items: [line(sword, 1)], currencies: {} } });
        const undone = aTrade({
          outcome: "executed",
          at: t2,
          imbalance: 1,
          suspicious: true,
          give: { items: [line(potion, 9)], currencies: {} },
        });
        await recorded(kept, undone);
        await store.commitPlayers(
          recordOnly([{ kind: TRADE_REVERSAL_RECORD, id: undone.id, playerIds: ["alice", "bob"], at: t3, data: {} }]),
        );

        expect(await store.trades.countTrades({})).toEqual({ byOutcome: { executed: 1 }, reversed: 1, suspicious: 1 });
        expect(await store.trades.topTradedItems({ by: "trades", limit: 10 })).toEqual([{ itemId: sword, trades: 1, quantity: 1 }]);
        expect(await store.trades.imbalancedTrades({ minImbalance: 0.5, limit: 10 })).toEqual([kept]);
      });

      it("ranks the items of executed trades by trades they were in, or by units moved", async () => {
        await recorded(
          // potion twice in one trade counts as one trade.
          aTrade({
            outcome: "executed",
            at: t1,
            give: { items: [line(sword, 1)], currencies: {} },
            want: { items: [line(potion, 2), line(potion, 1)], currencies: {} },
          }),
          aTrade({ outcome: "executed", at: t2, give: { items: [line(sword, 1)], currencies: {} } }),
          aTrade({ outcome: "refused", at: t2, give: { items: [line(potion, 100)], currencies: {} } }),
        );

        expect(await store.trades.topTradedItems({ by: "trades", limit: 10 })).toEqual([
          { itemId: sword, trades: 2, quantity: 2 },
          { itemId: potion, trades: 1, quantity: 3 },
        ]);
        expect(await store.trades.topTradedItems({ by: "quantity", limit: 1 })).toEqual([{ itemId: potion, trades: 1, quantity: 3 }]);
        expect(await store.trades.topTradedItems({ by: "trades", since: t2, limit: 10 })).toEqual([
          { itemId: sword, trades: 1, quantity: 1 },
        ]);
      });

      it("finds executed trades at or above an imbalance, the most imbalanced then the widest gap first", async () => {
        const small = aTrade({ outcome: "executed", at: t1, imbalance: 0.9, value: { give: 100, want: 10 } });
        const wide = aTrade({ outcome: "executed", at: t2, imbalance: 0.9, value: { give: 1000, want: 100 } });
        const gift = aTrade({ outcome: "executed", at: t2, imbalance: 1, value: { give: 5, want: 0 } });
        const even = aTrade({ outcome: "executed", at: t3, imbalance: 0.2, value: { give: 10, want: 8 } });
        const refused = aTrade({ outcome: "refused", at: t3, imbalance: 1, value: { give: 5, want: 0 } });
        await recorded(small, wide, gift, even, refused);

        expect(await store.trades.imbalancedTrades({ minImbalance: 0.5, limit: 10 })).toEqual([gift, wide, small]);
        expect(await store.trades.imbalancedTrades({ minImbalance: 0.5, until: t2, limit: 10 })).toEqual([small]);
        expect(await store.trades.imbalancedTrades({ minImbalance: 0, limit: 1 })).toEqual([gift]);
      });

      it("ranks players by distinct items held over every inventory, and by wealth (wallet plus item values)", async () => {
        const swordItem = aStoredItem({ name: "Sword", value: 100 });
        const potionItem = aStoredItem({ name: "Potion", value: 5 });
        const plain = aStoredItem({ name: "Pebble", value: undefined });
        for (const item of [swordItem, potionItem, plain]) await store.saveItem(item);
        const ghost = anItemId("never-defined");
        for (const id of ["alice", "bob", "carol", "dave"]) await store.commitPlayers(createPlayer(id));
        await store.commitPlayers(
          applyTo("alice", [
            op.credit("gold", 10),
            op.grant("bag", swordItem.id, 2),
            op.grant("bag", potionItem.id, 3),
            op.grant("equipment.weapons", swordItem.id, 1),
          ]),
        );
        await store.commitPlayers(applyTo("bob", [op.credit("gold", 400), op.credit("gems", 100)]));
        await store.commitPlayers(
          applyTo("dave", [op.grant("bag", potionItem.id, 10), op.grant("bag", ghost, 4), op.grant("bag", plain.id, 1)]),
        );

        expect(await store.trades.mostDiverseInventories({ limit: 10 })).toEqual([
          { playerId: "dave", distinctItems: 3, units: 15 },
          { playerId: "alice", distinctItems: 2, units: 6 },
        ]);
        expect(await store.trades.richestPlayers({ limit: 10 })).toEqual([
          { playerId: "bob", currency: 500, itemValue: 0 },
          { playerId: "alice", currency: 10, itemValue: 315 },
          { playerId: "dave", currency: 0, itemValue: 50 },
          { playerId: "carol", currency: 0, itemValue: 0 },
        ]);
        expect(await store.trades.richestPlayers({ limit: 1 })).toEqual([{ playerId: "bob", currency: 500, itemValue: 0 }]);
      });

      it("answers holdings worth more than 2^63 (as doubles) instead of failing the whole question", async () => {
        const crown = aStoredItem({ name: "Crown", value: 1e12 });
        const throne = aStoredItem({ name: "Throne", value: 1e12 });
        for (const item of [crown, throne]) await store.saveItem(item);
        for (const id of ["whale", "minnow"]) await store.commitPlayers(createPlayer(id));
        const big = Number.MAX_SAFE_INTEGER - 1;
        await store.commitPlayers(
          applyTo("whale", [op.grant("vault", crown.id, 5_000_000), op.grant("vault", throne.id, 5_000_000), op.credit("gold", big)]),
        );
        await store.commitPlayers(applyTo("minnow", [op.credit("gold", big), op.credit("gems", big)]));

        expect(await store.trades.richestPlayers({ limit: 2 })).toEqual([
          { playerId: "whale", currency: big, itemValue: 1e19 },
          { playerId: "minnow", currency: 2 * big, itemValue: 0 },
        ]);
        expect(await store.trades.mostDiverseInventories({ limit: 1 })).toEqual([
          { playerId: "whale", distinctItems: 2, units: 10_000_000 },
        ]);
      });
    });

    describe("loot tables", () => {
      it("saves a table once under its content id: created, then not created, the first createdAt kept", async () => {
        const first = aStoredLootTable({ name: "Chest" }, "2030-01-01T00:00:00.000Z");
        const again = { ...first, createdAt: "2031-06-01T00:00:00.000Z" };

        expect(await store.lootTables.save(first)).toEqual({ table: first, created: true });
        expect(await store.lootTables.save(again)).toEqual({ table: first, created: false });
      });

      it("reads the ids it has, leaves missing ids out, and lists in id order page by page", async () => {
        const tables = Array.from({ length: 5 }, (_, i) => aStoredLootTable({ name: `Chest ${i}`, rolls: i }));
        for (const table of tables) await store.lootTables.save(table);
        const ids = tables.map((table) => table.id).sort();
        const missing = aStoredLootTable({ name: "never saved" }).id;

        const found = await store.lootTables.get([ids[1] as string, missing, ids[1] as string, ids[3] as string]);
        const first = await store.lootTables.list({ limit: 2 });
        const second = await store.lootTables.list({ after: first.at(-1)?.id, limit: 2 });
        const third = await store.lootTables.list({ after: second.at(-1)?.id, limit: 2 });

        expect([...found.keys()].sort()).toEqual([ids[1], ids[3]]);
        expect(found.get(ids[3] as string)).toEqual(tables.find((table) => table.id === ids[3]));
        expect([first, second, third].map((page) => page.map((table) => table.id))).toEqual([
          ids.slice(0, 2),
          ids.slice(2, 4),
          ids.slice(4),
        ]);
      });

      it("keeps a loot draw in the op log exactly as committed: table, seed and outcome", async () => {
        const drawn: LootDrawnOp = {
          type: "lootDrawn",
          tableId: aStoredLootTable().id,
          seed: "0123456789abcdef0123456789abcdef",
          outcome: { items: [{ category: "bag", itemId: anItemId("potion"), quantity: 2 }], currencies: { gold: 15 } },
        };
        await store.commitPlayers(createPlayer("alice"));

        await store.commitPlayers(applyTo("alice", [drawn, op.credit("gold", 1)]));

        const [entry] = await store.readHistory("alice", { sinceVersion: 1, limit: 1 });
        expect(entry?.ops).toEqual([drawn, op.credit("gold", 1)]);
        expect((await store.getPlayer("alice"))?.wallet).toEqual({ gold: 16 });
      });
    });

    describe("shop catalog", () => {
      const potion = anItemId("potion");
      const sword = anItemId("sword");
      const at = "2030-01-01T00:00:00.000Z";
      const sale = { price: 3, startsAt: "2030-01-01T00:00:00.000Z", expiresAt: "2030-02-01T00:00:00.000Z" };

      it("sets a price whole (a new price drops the old sale), withdraws it once, and reads prices in the order asked", async () => {
        await store.shop.setPrice({ itemId: potion, currency: "gold", price: 5, sale, updatedAt: at });
        await store.shop.setPrice({ itemId: potion, currency: "gems", price: 1, updatedAt: at });
        await store.shop.setPrice({
          itemId: sword,
          currency: "gold",
          price: 50,
          sale: { price: 40, expiresAt: sale.expiresAt },
          updatedAt: at,
        });

        expect(await store.shop.pricesOf([sword, potion, anItemId("other")])).toEqual([
          { itemId: sword, currency: "gold", price: 50, sale: { price: 40, expiresAt: sale.expiresAt }, updatedAt: at },
          { itemId: potion, currency: "gems", price: 1, updatedAt: at },
          { itemId: potion, currency: "gold", price: 5, sale, updatedAt: at },
        ]);
        await store.shop.setPrice({ itemId: potion, currency: "gold", price: 6, updatedAt: at });
        expect(await store.shop.pricesOf([potion])).toContainEqual({ itemId: potion, currency: "gold", price: 6, updatedAt: at });
        expect([await store.shop.withdrawPrice(potion, "gems"), await store.shop.withdrawPrice(potion, "gems")]).toEqual([true, false]);
        expect((await store.shop.pricesOf([potion])).map((entry) => entry.currency)).toEqual(["gold"]);
      });

      it("lists prices by item then currency, page by page, optionally of one item", async () => {
        const [first, second] = [potion, sword].sort() as [string, string];
        for (const [itemId, currency] of [
          [second, "gold"],
          [first, "gold"],
          [first, "gems"],
        ] as const) {
          await store.shop.setPrice({ itemId, currency, price: 1, updatedAt: at });
        }
        const keys = (prices: Array<{ itemId: string; currency: string }>) => prices.map((entry) => [entry.itemId, entry.currency]);

        expect(keys(await store.shop.listPrices({ limit: 2 }))).toEqual([
          [first, "gems"],
          [first, "gold"],
        ]);
        expect(keys(await store.shop.listPrices({ after: { itemId: first, currency: "gold" }, limit: 2 }))).toEqual([[second, "gold"]]);
        expect(keys(await store.shop.listPrices({ itemId: first, after: { itemId: first, currency: "gems" }, limit: 5 }))).toEqual([
          [first, "gold"],
        ]);
      });

      it("keeps a supply beside the prices: set keeps what commits held and sold, guard writes compare-and-set on its version", async () => {
        const ref = { kind: SUPPLY_GUARD, id: potion };
        expect(await store.shop.setSupply(potion, 5)).toEqual({ itemId: potion, supply: 5, held: 0, sold: 0, version: 1 });
        const hold = (units: number): PlayerCommit<number> => ({
          opId: anOpId(),
          actor: anActor(),
          kind: "test",
          requestHash: "h",
          playerIds: [],
          guards: [ref],
          apply: (_players, _at, guards) => {
            const stored = guards.get(guardKey(ref)) as Guarded<SupplyData>;
            const data = { ...stored.data, held: stored.data.held + units };
            return { writes: [], guards: [{ ...ref, version: stored.version + 1, data }], result: stored.version + 1 };
          },
        });
        const versions = await Promise.all([hold(1), hold(2)].map(async (commit) => (await store.commitPlayers(commit)).result));
        expect(versions.sort()).toEqual([2, 3]);
        expect(await store.shop.setSupply(potion, 8)).toEqual({ itemId: potion, supply: 8, held: 3, sold: 0, version: 4 });
        expect(await store.shop.setSupply(potion, null)).toMatchObject({ supply: null, held: 3, version: 5 });

        await store.shop.setSupply(sword, 1);
        const [first, second] = [potion, sword].sort() as [string, string];
        expect((await store.shop.listSupplies({ limit: 5 })).map((supply) => supply.itemId)).toEqual([first, second]);
        expect((await store.shop.listSupplies({ after: first, limit: 5 })).map((supply) => supply.itemId)).toEqual([second]);
        expect(await store.shop.listSupplies({ itemId: sword, limit: 5 })).toEqual([
          { itemId: sword, supply: 1, held: 0, sold: 0, version: 1 },
        ]);
        expect(await store.shop.listSupplies({ itemId: first, after: first, limit: 5 })).toEqual([]);
      });
    });

    describe("presence history", () => {
      const at = (minute: number) => `2030-01-01T00:0${minute}:00.000Z`;
      const sample = (areaCode: string, minute: number, total: number) => ({
        areaCode,
        at: at(minute),
        total,
        modes: [{ mode: "duel", players: total }],
      });

      it("keeps one sample per area and time (the last taken), reads the latest in a window oldest first, and prunes by age", async () => {
        await store.presenceHistory.recordSamples([sample("eu", 1, 1), sample("eu", 2, 2), sample("us", 2, 9), sample("eu", 3, 3)]);
        await store.presenceHistory.recordSamples([sample("eu", 2, 20)]);

        expect(await store.presenceHistory.readSamples({ areaCode: "eu", limit: 10 })).toEqual([
          sample("eu", 1, 1),
          sample("eu", 2, 20),
          sample("eu", 3, 3),
        ]);
        expect(await store.presenceHistory.readSamples({ areaCode: "eu", limit: 2 })).toEqual([sample("eu", 2, 20), sample("eu", 3, 3)]);
        expect(await store.presenceHistory.readSamples({ areaCode: "eu", since: at(2), until: at(3), limit: 10 })).toEqual([
          sample("eu", 2, 20),
        ]);
        expect(await store.presenceHistory.pruneSamples(at(3))).toBe(3);
        expect(await store.presenceHistory.readSamples({ areaCode: "eu", limit: 10 })).toEqual([sample("eu", 3, 3)]);
        expect(await store.presenceHistory.readSamples({ areaCode: "us", limit: 10 })).toEqual([]);
      });
    });

    describe("stock", () => {
      const KEY = "s1/c1/unit1";
      const anOp = (fields: { key?: string; from: number; to: number }): StockOp => {
        const opId = anOpId();
        return { opId, actor: anActor(), requestHash: `hash-${opId}`, key: KEY, ...fields };
      };

      it("acquires and sells per day, refuses a sale some day cannot cover and changes nothing then", async () => {
        const acquired = await store.stock.write(acquireWrite({ ...anOp({ from: 100, to: 102 }), partition: "a.1", amount: 5 }));
        await store.stock.write(acquireWrite({ ...anOp({ from: 101, to: 101 }), partition: "b", amount: 2 }));
        const sold = await store.stock
          .write(sellWrite({ ...anOp({ from: 100, to: 101 }), amount: 6, allowNegative: false }))
          .catch((error: unknown) => error);
        const sale = await store.stock.write(
          sellWrite({ ...anOp({ from: 101, to: 102 }), amount: 6, partition: undefined, allowNegative: true }),
        );

        expect(acquired).toEqual({
          replayed: false,
          outcome: { version: 1 },
          change: { key: KEY, version: 1, from: 100, to: 102, totals: [5, 5, 5] },
        });
        expect(sold).toMatchObject({ code: "STOCK_INSUFFICIENT", details: { shortDays: 1 } });
        expect(sale).toEqual({
          replayed: false,
          outcome: { version: 3, negativeDays: 1, negative: [{ day: 102, available: 5 }] },
          change: { key: KEY, version: 3, from: 101, to: 102, totals: [1, -1] },
        });
        expect(await store.stock.read(KEY, { from: 99, to: 103 })).toEqual({
          version: 3,
          days: [
            { day: 100, partitions: { "a.1": 5 } },
            { day: 101, partitions: { "a.1": 0, b: 1 } },
            { day: 102, partitions: { "a.1": -1 } },
          ],
        });
        expect(await store.stock.version(KEY)).toBe(3);
        expect(await store.stock.read("s1/none", { from: 0, to: 10 })).toEqual({ version: 0, days: [] });
      });

      it("replays a repeated op, refuses its op id with another request, and sets partitions exactly", async () => {
        const op = { ...anOp({ from: 10, to: 11 }), partition: "default", amount: 4 };
        const first = await store.stock.write(acquireWrite(op));

        expect(await store.stock.write(acquireWrite(op))).toEqual({ replayed: true, outcome: first.outcome });
        await expect(store.stock.write(acquireWrite({ ...op, requestHash: "another" }))).rejects.toMatchObject({ code: "OP_ID_REUSED" });
        await store.stock.setPartitions({ ...anOp({ from: 11, to: 12 }), partitions: { x: 1, w: 0 } });
        await store.stock.setPartitions({ ...anOp({ from: 10, to: 10 }), partitions: {} });
        expect(await store.stock.read(KEY, { from: 10, to: 12 })).toEqual({
          version: 3,
          days: [
            { day: 11, partitions: { w: 0, x: 1 } },
            { day: 12, partitions: { w: 0, x: 1 } },
          ],
        });
      });

      it("lists the keys of a prefix by whole segments, in key order, paged, with day totals", async () => {
        for (const key of ["a", "a/x", "a/y/z", "a-b", "a.b", "ab", "b"]) {
          await store.stock.write(acquireWrite({ ...anOp({ key, from: 1, to: 1 }), partition: "default", amount: key.length }));
        }
        const listed = async (prefix: string, after?: string) =>
          (await store.stock.listKeys({ prefix, after, from: 0, to: 2, limit: 10 })).map((entry) => [entry.key, entry.totals]);

        expect(await listed("a")).toEqual([
          ["a", [0, 1, 0]],
          ["a/x", [0, 3, 0]],
          ["a/y/z", [0, 5, 0]],
        ]);
        expect(await listed("a", "a/x")).toEqual([["a/y/z", [0, 5, 0]]]);
        expect((await listed("")).map(([key]) => key)).toEqual(["a", "a-b", "a.b", "a/x", "a/y/z", "ab", "b"]);
        expect(await store.stock.listKeys({ prefix: "a/y", from: 1, to: 1, limit: 10 })).toEqual([
          { key: "a/y/z", version: 1, totals: [5] },
        ]);
      });

      it("imports batches: each row sets its day (the last row for a day wins, none clears it); a batch applies once, and again after pruning", async () => {
        await store.stock.write(acquireWrite({ ...anOp({ from: 5, to: 5 }), partition: "old", amount: 9 }));
        const rows: StockImportRow[] = [
          { key: KEY, day: 6, partitions: { p: 1 } },
          { key: "s2", day: 1, partitions: { q: 2 } },
          { key: KEY, day: 5, partitions: {} },
          { key: KEY, day: 6, partitions: { p: 3, "r.1": 0 } },
        ];
        const batch = { actor: anActor(), op: { opId: "import-1:0", requestHash: "batch" }, rows };

        expect(await store.stock.importBatch(batch)).toEqual({
          replayed: false,
          changes: [
            { key: KEY, version: 2, from: 5, to: 6 },
            { key: "s2", version: 1, from: 1, to: 1 },
          ],
        });
        expect(await store.stock.read(KEY, { from: 0, to: 10 })).toEqual({
          version: 2,
          days: [{ day: 6, partitions: { p: 3, "r.1": 0 } }],
        });
        expect(await store.stock.importBatch(batch)).toEqual({ replayed: true, changes: [] });
        expect(await store.stock.version(KEY)).toBe(2);

        await store.pruneOpResults(new Date(Date.now() + 60_000));
        expect(await store.stock.importBatch(batch)).toMatchObject({
          replayed: false,
          changes: [
            { key: KEY, version: 3 },
            { key: "s2", version: 2 },
          ],
        });
        expect(await store.stock.importBatch(batch)).toEqual({ replayed: true, changes: [] });
        expect(await store.stock.importBatch({ actor: anActor(), rows: [{ key: "s2", day: 1, partitions: { q: 7 } }] })).toMatchObject({
          replayed: false,
          changes: [{ key: "s2", version: 3 }],
        });
        expect(await store.stock.read("s2", { from: 1, to: 1 })).toEqual({ version: 3, days: [{ day: 1, partitions: { q: 7 } }] });
      });
    });
  });
}
