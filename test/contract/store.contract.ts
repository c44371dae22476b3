import { HoardError, type Player } from "@hoard/protocol";
import type { DomainRecord, PlayerCommit } from "@hoard/server/internal/commit/plan";
import { DEFAULT_STATE_LIMITS } from "@hoard/server/internal/config";
import { applyOps, newPlayer } from "@hoard/server/internal/inventory/rules";
import type { Store } from "@hoard/server/internal/store/port";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { aKit, anActor, anItemId, anOpId, aStoredItem, op } from "../support/builders";
import { type Applied, aCartLine, applyTo, createPlayer, editCart, recordOnly, transferGold } from "./commits";

export interface ContractStore {
  store: Store;
  /** Releases everything the store holds; must also work after the test closed the store. */
  cleanup(): Promise<void>;
}

/** A record as a trade or an order would write it. */
function aRecord(kind: string, id: string, at: string, playerIds: string[]): DomainRecord {
  return { kind, id, at, playerIds, data: { id, gold: 5, items: { "equipment.weapons": 1 }, note: null } };
}

/** Resolves once the wall clock has moved past `ms`: orders two events in time without a fixed sleep. */
async function clockPast(ms: number): Promise<void> {
  while (Date.now() <= ms) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * The one suite every Store engine must pass. `makeStore` returns a fresh, empty store for each
 * test and a cleanup that releases it.
 */
export function describeStore(name: string, makeStore: () => Promise<ContractStore>): void {
  describe(`Store contract: ${name}`, () => {
    let made: ContractStore;
    let store: Store;

    beforeEach(async () => {
      made = await makeStore();
      store = made.store;
    });
    afterEach(async () => {
      await made.cleanup();
    });

    async function versionsOf(playerId: string): Promise<number[]> {
      return (await store.readHistory(playerId, { sinceVersion: 0, limit: 500 })).map((entry) => entry.version);
    }

    describe("items", () => {
      it("saves a definition once: created, then not created, and returns the stored item both times", async () => {
        const first = aStoredItem({ name: "Potion" }, "2030-01-01T00:00:00.000Z");
        const again = { ...first, createdAt: "2031-06-01T00:00:00.000Z" };

        expect(await store.saveItem(first)).toEqual({ item: first, created: true });
        expect(await store.saveItem(again)).toEqual({ item: first, created: false });
      });

      it("getItems returns the ids it has and leaves missing ids out", async () => {
        const potion = aStoredItem({ name: "Potion" });
        const sword = aStoredItem({ name: "Sword", attributes: { damage: 7, sharp: true } });
        await store.saveItem(potion);
        await store.saveItem(sword);
        const missing = aStoredItem({ name: "Never saved" }).id;

        const found = await store.getItems([sword.id, missing, potion.id, sword.id]);

        expect([...found.keys()].sort()).toEqual([potion.id, sword.id].sort());
        expect(found.get(sword.id)).toEqual(sword);
        expect(found.has(missing)).toBe(false);
      });

      it("listItems pages in id order by after and limit", async () => {
        const items = Array.from({ length: 5 }, (_, i) => aStoredItem({ name: `Item ${i}` }));
        for (const item of items) await store.saveItem(item);
        const ids = items.map((item) => item.id).sort();

        const first = await store.listItems({ limit: 2 });
        const second = await store.listItems({ after: first.at(-1)?.id, limit: 2 });
        const third = await store.listItems({ after: second.at(-1)?.id, limit: 2 });
        const past = await store.listItems({ after: third.at(-1)?.id, limit: 2 });

        expect([first, second, third].map((page) => page.map((item) => item.id))).toEqual([ids.slice(0, 2), ids.slice(2, 4), ids.slice(4)]);
        expect(past).toEqual([]);
        expect(first[0]).toEqual(items.find((item) => item.id === ids[0]));
      });
    });

    describe("kits", () => {
      it("saveKit replaces the kit of that name whole, and getKit of an unknown name is undefined", async () => {
        await store.saveKit(aKit({ name: "warrior", currencies: { gold: 100 } }));
        const { currencies: _dropped, ...replacement } = aKit({
          name: "warrior",
          items: [{ itemId: anItemId("axe"), category: "bag", quantity: 2 }],
        });

        await store.saveKit(replacement);

        expect(await store.getKit("warrior")).toEqual(replacement);
        expect(await store.getKit("mage")).toBeUndefined();
      });

      it("listKits returns every kit sorted by name", async () => {
        for (const name of ["rogue", "archer", "mage"]) await store.saveKit(aKit({ name }));

        expect((await store.listKits()).map((kit) => kit.name)).toEqual(["archer", "mage", "rogue"]);
      });
    });

    describe("expiry index", () => {
      const lot = (quantity: number, expiresAt: string) => ({
        type: "grant" as const,
        category: "bag",
        itemId: anItemId("rental"),
        quantity,
        expiresAt,
      });
      const T = (minute: number) => `2099-01-01T00:${String(minute).padStart(2, "0")}:00.000Z`;

      it("lists the players whose soonest lot is due, soonest first, up to the limit, and follows every commit", async () => {
        for (const id of ["alice", "bob", "carol"]) await store.commitPlayers(createPlayer(id));
        await store.commitPlayers(applyTo("alice", [lot(1, T(30)), lot(2, T(10))]));
        await store.commitPlayers(applyTo("bob", [lot(1, T(5))]));
        await store.commitPlayers(applyTo("carol", [op.grant("bag", anItemId("rental"), 4)]));
        expect(await store.listDueExpiries(T(4), 10)).toEqual([]);
        expect(await store.listDueExpiries(T(10), 10)).toEqual(["bob", "alice"]);
        expect(await store.listDueExpiries(T(59), 1)).toEqual(["bob"]);
        // Consuming takes the soonest lot first: alice's next expiry moves to T(30); bob's lot is gone.
        await store.commitPlayers(applyTo("alice", [op.consume("bag", anItemId("rental"), 2)]));
        await store.commitPlayers(applyTo("bob", [op.consume("bag", anItemId("rental"), 1)]));
        expect(await store.listDueExpiries(T(29), 10)).toEqual([]);
        expect(await store.listDueExpiries(T(30), 10)).toEqual(["alice"]);
        // A state read back carries its lots as written.
        expect((await store.getPlayer("alice"))?.inventories.bag?.expiring).toEqual({
          [anItemId("rental")]: [{ expiresAt: T(30), quantity: 1 }],
        });
      });
    });

    describe("commitPlayers", () => {
      it("creates a player at version 1 and logs the creation", async () => {
        const actor = anActor({ sub: "studio" });
        const commit = createPlayer("alice", { name: "Alice", actor });
        let seenAt = "";
        const committed = await store.commitPlayers({
          ...commit,
          apply: (players, at, guards) => {
            seenAt = at;
            return commit.apply(players, at, guards);
          },
        });

        expect(committed.replayed).toBe(false);
        expect(committed.result).toMatchObject({ playerId: "alice", version: 1 });
        expect(committed.entries).toEqual([
          { playerId: "alice", version: 1, opId: commit.opId, actor, kind: "players:create", ops: [], changes: {}, at: seenAt },
        ]);
        expect(await store.getPlayer("alice")).toEqual({ ...newPlayer({ id: "alice", name: "Alice" }, seenAt), version: 1 });
        expect(await store.getPlayer("bob")).toBeUndefined();
      });

      it("hands apply only the players that exist, with their current state", async () => {
        await store.commitPlayers(createPlayer("alice"));
        await store.commitPlayers(applyTo("alice", [op.credit("gold", 5)]));
        let seen: Map<string, Player> | undefined;

        await store.commitPlayers({
          ...applyTo("alice", [op.credit("gold", 1)]),
          playerIds: ["alice", "ghost"],
          apply: (players, at, guards) => {
            seen = new Map(players);
            return applyTo("alice", [op.credit("gold", 1)]).apply(players, at, guards);
          },
        });

        expect([...(seen?.keys() ?? [])]).toEqual(["alice"]);
        expect(seen?.get("alice")).toMatchObject({ version: 2, wallet: { gold: 5 } });
      });

      it("updates by compare-and-set: each commit writes the next version over the state it read", async () => {
        await store.commitPlayers(createPlayer("alice"));
        const potion = anItemId("potion");

        const granted = await store.commitPlayers(applyTo("alice", [op.grant("bag", potion, 3), op.credit("gold", 10)]));
        const consumed = await store.commitPlayers(applyTo("alice", [op.consume("bag", potion, 1), op.debit("gold", 4)]));

        expect(granted.result.version).toBe(2);
        expect(consumed.result.version).toBe(3);
        expect(consumed.entries.map((entry) => entry.version)).toEqual([3]);
        expect(await store.getPlayer("alice")).toMatchObject({
          version: 3,
          wallet: { gold: 6 },
          inventories: { bag: { stacks: { [potion]: 2 } } },
        });
      });

      it("keeps a commit's reason in its op log entry, and writes none when there is no reason", async () => {
        await store.commitPlayers(createPlayer("alice"));
        const actor = anActor({ role: "admin", sub: "console" });

        const committed = await store.commitPlayers(applyTo("alice", [op.credit("gold", 5)], { actor, reason: "refund, ticket #4411" }));
        await store.commitPlayers(applyTo("alice", [op.credit("gold", 1)]));

        expect(committed.entries[0]).toMatchObject({ version: 2, actor, kind: "inventory:apply", reason: "refund, ticket #4411" });
        const [refund, plain] = await store.readHistory("alice", { sinceVersion: 1, limit: 10 });
        expect(refund).toEqual(committed.entries[0]);
        expect(plain).not.toHaveProperty("reason");
      });

      it("keeps dotted category names as they are, through inserts, updates and the op log", async () => {
        await store.commitPlayers(createPlayer("alice"));
        const sword = anItemId("sword");

        await store.commitPlayers(
          applyTo("alice", [op.grant("equipment.weapons", sword, 2), op.setMetric("equipment.weapons", "weight", 3)]),
        );
        await store.commitPlayers(applyTo("alice", [op.move("equipment.weapons", "equipment", sword, 1)]));

        expect((await store.getPlayer("alice"))?.inventories).toEqual({
          equipment: { stacks: { [sword]: 1 }, metrics: {} },
          "equipment.weapons": { stacks: { [sword]: 1 }, metrics: { weight: 3 } },
        });
        const [granted, moved] = await store.readHistory("alice", { sinceVersion: 1, limit: 10 });
        expect(granted?.changes).toEqual({ inventories: { "equipment.weapons": { stacks: { [sword]: 2 }, metrics: { weight: 3 } } } });
        expect(moved?.changes).toEqual({
          inventories: { "equipment.weapons": { stacks: { [sword]: 1 } }, equipment: { stacks: { [sword]: 1 } } },
        });
      });

      it("refuses a write whose version is not exactly one above the stored one, and writes nothing", async () => {
        await store.commitPlayers(createPlayer("alice"));
        const stored = await store.getPlayer("alice");
        const write = (version: number): PlayerCommit<null> => ({
          ...applyTo("alice", []),
          apply: (players) => {
            const player = players.get("alice") as Player;
            return {
              writes: [{ player: { ...player, version, wallet: { gold: 999 } }, ops: [], changes: { wallet: { gold: 999 } } }],
              result: null,
            };
          },
        });

        await expect(store.commitPlayers(write(3))).rejects.toThrow();
        await expect(store.commitPlayers(write(1))).rejects.toThrow();
        await expect(
          store.commitPlayers({
            ...createPlayer("bob"),
            apply: (_, at) => ({
              writes: [{ player: { ...newPlayer({ id: "bob" }, at), version: 2 }, ops: [], changes: {} }],
              result: null,
            }),
          }),
        ).rejects.toThrow();

        expect(await store.getPlayer("alice")).toEqual(stored);
        expect(await store.getPlayer("bob")).toBeUndefined();
        expect(await versionsOf("alice")).toEqual([1]);
      });

      it("when apply throws a HoardError, rejects with that error and writes nothing, not even the op result", async () => {
        await store.commitPlayers(createPlayer("alice"));
        await store.commitPlayers(applyTo("alice", [op.credit("gold", 3)]));
        const before = await store.getPlayer("alice");
        const opId = anOpId();
        const refused = applyTo("alice", [op.debit("gold", 5)], { opId });
        let thrown: unknown;
        const capture: PlayerCommit<Applied> = {
          ...refused,
          apply: (players, at, guards) => {
            try {
              return refused.apply(players, at, guards);
            } catch (error) {
              thrown = error;
              throw error;
            }
          },
        };

        const rejection = await store.commitPlayers(capture).catch((error: unknown) => error);

        expect(thrown).toBeInstanceOf(HoardError);
        expect(rejection).toBe(thrown);
        expect(rejection).toMatchObject({ code: "WALLET_INSUFFICIENT_FUNDS", details: { have: 3, need: 5 } });
        expect(await store.getPlayer("alice")).toEqual(before);
        expect(await versionsOf("alice")).toEqual([1, 2]);
        // No op result was stored: the same opId and request, once it can succeed, is applied.
        await store.commitPlayers(applyTo("alice", [op.credit("gold", 2)]));
        const retried = await store.commitPlayers(applyTo("alice", [op.debit("gold", 5)], { opId }));
        expect(retried).toMatchObject({ replayed: false, result: { version: 4 } });
        expect((await store.getPlayer("alice"))?.wallet).toEqual({});
      });

      it("commits a refusing plan's writes, then answers its refusal; a repeat of the op id gets the same refusal and writes nothing", async () => {
        await store.commitPlayers(createPlayer("alice"));
        const credit = applyTo("alice", [op.credit("gold", 5)]);
        const refusal = new HoardError("CART_PRICE_CHANGED", "1 line(s) changed price; nothing was charged", {
          details: { playerId: "alice", lines: [{ itemId: "sword", current: null }] },
        });
        const refusing: PlayerCommit<Applied> = { ...credit, apply: (...args) => ({ ...credit.apply(...args), refusal }) };

        const first = await store.commitPlayers(refusing);
        const repeat = await store.commitPlayers(refusing);

        expect(first).toMatchObject({ replayed: false, result: { version: 2 }, refused: refusal.toWire() });
        expect(first.entries.map((entry) => entry.version)).toEqual([2]);
        expect(repeat).toEqual({ replayed: true, result: first.result, refused: refusal.toWire(), entries: [] });
        expect((await store.getPlayer("alice"))?.wallet).toEqual({ gold: 5 });
        expect(await versionsOf("alice")).toEqual([1, 2]);
        // A plan without a refusal is answered without one.
        expect(await store.commitPlayers(applyTo("alice", [op.credit("gold", 1)]))).not.toHaveProperty("refused");
      });

      it("replays a repeated op (same actor, opId and request): the stored result, no new log entry, no change", async () => {
        await store.commitPlayers(createPlayer("alice"));
        const opId = anOpId();
        const first = await store.commitPlayers(applyTo("alice", [op.credit("gold", 10)], { opId }));
        const afterFirst = await store.getPlayer("alice");

        // Same request: the stored result comes back even though apply would now plan version 3.
        const repeat = await store.commitPlayers(applyTo("alice", [op.credit("gold", 10)], { opId }));

        expect(first).toMatchObject({ replayed: false, result: { version: 2 } });
        expect(repeat).toEqual({ replayed: true, result: first.result, entries: [] });
        expect(await store.getPlayer("alice")).toEqual(afterFirst);
        expect(await versionsOf("alice")).toEqual([1, 2]);
      });

      it("applies a repeat sent concurrently with the original exactly once", async () => {
        await store.commitPlayers(createPlayer("alice"));
        const opId = anOpId();

        const outcomes = await Promise.all([1, 2, 3].map(() => store.commitPlayers(applyTo("alice", [op.credit("gold", 7)], { opId }))));

        expect(outcomes.filter((outcome) => !outcome.replayed)).toHaveLength(1);
        expect(outcomes.map((outcome) => outcome.result)).toEqual([outcomes[0]?.result, outcomes[0]?.result, outcomes[0]?.result]);
        expect((await store.getPlayer("alice"))?.wallet).toEqual({ gold: 7 });
        expect(await versionsOf("alice")).toEqual([1, 2]);
      });

      it("refuses a repeated opId with another request as OP_ID_REUSED, and changes nothing", async () => {
        await store.commitPlayers(createPlayer("alice"));
        const opId = anOpId();
        await store.commitPlayers(applyTo("alice", [op.credit("gold", 10)], { opId }));

        const reused = store.commitPlayers(applyTo("alice", [op.credit("gold", 99)], { opId }));

        await expect(reused).rejects.toBeInstanceOf(HoardError);
        await expect(reused).rejects.toMatchObject({ code: "OP_ID_REUSED" });
        expect((await store.getPlayer("alice"))?.wallet).toEqual({ gold: 10 });
        expect(await versionsOf("alice")).toEqual([1, 2]);
      });

      it("scopes opIds to the actor: the same opId from another actor is another op", async () => {
        await store.commitPlayers(createPlayer("alice"));
        const opId = anOpId();

        const fromGame = await store.commitPlayers(applyTo("alice", [op.credit("gold", 10)], { opId, actor: anActor({ sub: "game" }) }));
        const fromShop = await store.commitPlayers(applyTo("alice", [op.credit("gold", 10)], { opId, actor: anActor({ sub: "shop" }) }));
        const asPlayer = await store.commitPlayers(
          applyTo("alice", [op.credit("gold", 10)], { opId, actor: anActor({ role: "player", sub: "game" }) }),
        );

        expect([fromGame, fromShop, asPlayer].map((c) => [c.replayed, c.result.version])).toEqual([
          [false, 2],
          [false, 3],
          [false, 4],
        ]);
        expect((await store.getPlayer("alice"))?.wallet).toEqual({ gold: 30 });
      });

      it("writes several players in one commit, returning the entries sorted by player id", async () => {
        await store.commitPlayers(createPlayer("zed"));
        await store.commitPlayers(createPlayer("amy"));
        await store.commitPlayers(applyTo("zed", [op.credit("gold", 50)]));
        const transfer = transferGold("zed", "amy", 20);
        const { opId } = transfer;

        const committed = await store.commitPlayers(transfer);

        expect(committed.result).toBe("traded");
        expect(committed.entries.map((entry) => [entry.playerId, entry.version, entry.opId, entry.kind])).toEqual([
          ["amy", 2, opId, "trade:commit"],
          ["zed", 3, opId, "trade:commit"],
        ]);
        expect(committed.entries.map((entry) => entry.changes)).toEqual([{ wallet: { gold: 20 } }, { wallet: { gold: 30 } }]);
        expect((await store.getPlayer("amy"))?.wallet).toEqual({ gold: 20 });
        expect((await store.getPlayer("zed"))?.wallet).toEqual({ gold: 30 });
      });

      it("writes several players all or nothing", async () => {
        await store.commitPlayers(createPlayer("amy"));
        await store.commitPlayers(createPlayer("zed"));
        const before = [await store.getPlayer("amy"), await store.getPlayer("zed")];
        const twoWrites = (players: ReadonlyMap<string, Player>, at: string) =>
          ["amy", "zed"].map((id) => {
            const next = applyOps(players.get(id) as Player, [op.credit("gold", 1)], at, DEFAULT_STATE_LIMITS);
            return { player: next.player, ops: [op.credit("gold", 1)], changes: next.changes };
          });
        const base = { actor: anActor(), kind: "trade:commit", playerIds: ["amy", "zed"] };

        // apply plans both writes, then refuses.
        const planThenThrow: PlayerCommit<null> = {
          ...base,
          opId: anOpId(),
          requestHash: "plan-then-throw",
          apply: (players, at) => {
            twoWrites(players, at);
            throw new HoardError("PLAYER_VERSION_STALE", "changed its mind");
          },
        };
        // The first write (amy) is valid and the second (zed) skips a version: the engine has
        // already written amy when it finds zed's write bad, and must undo it.
        const secondWriteBad: PlayerCommit<null> = {
          ...base,
          opId: anOpId(),
          requestHash: "second-write-bad",
          apply: (players, at) => {
            const [amy, zed] = twoWrites(players, at);
            if (!amy || !zed) throw new Error("two writes expected");
            return { writes: [amy, { ...zed, player: { ...zed.player, version: zed.player.version + 1 } }], result: null };
          },
        };

        await expect(store.commitPlayers(planThenThrow)).rejects.toThrow("changed its mind");
        await expect(store.commitPlayers(secondWriteBad)).rejects.toThrow();

        expect([await store.getPlayer("amy"), await store.getPlayer("zed")]).toEqual(before);
        expect(await versionsOf("amy")).toEqual([1]);
        expect(await versionsOf("zed")).toEqual([1]);
      });

      it("keeps one refused commit from failing the commits sent alongside it", async () => {
        await store.commitPlayers(createPlayer("alice"));

        const outcomes = await Promise.allSettled([
          store.commitPlayers(applyTo("alice", [op.credit("gold", 5)])),
          store.commitPlayers(applyTo("alice", [op.debit("gold", 1000)])),
          store.commitPlayers(applyTo("alice", [op.credit("gold", 6)])),
        ]);

        expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
        expect((await store.getPlayer("alice"))?.wallet).toEqual({ gold: 11 });
        expect(await versionsOf("alice")).toEqual([1, 2, 3]);
      });

      it("ends 200 concurrent increments of one player with the exact total and versions 1..201", async () => {
        await store.commitPlayers(createPlayer("alice"));
        const amounts = Array.from({ length: 200 }, (_, i) => i + 1);

        const committed = await Promise.all(amounts.map((amount) => store.commitPlayers(applyTo("alice", [op.credit("gold", amount)]))));

        const player = await store.getPlayer("alice");
        expect(player?.wallet).toEqual({ gold: (200 * 201) / 2 });
        expect(player?.version).toBe(201);
        expect(committed.map((c) => c.result.version).sort((a, b) => a - b)).toEqual(amounts.map((amount) => amount + 1));
        expect(await versionsOf("alice")).toEqual([1, ...amounts.map((amount) => amount + 1)]);
      });
    });

    describe("carts", () => {
      const [a, b, c] = [anItemId("cart-a"), anItemId("cart-b"), anItemId("cart-c")];

      it("stores every cart change with the player: lines added, changed and removed read back exactly", async () => {
        await store.commitPlayers(createPlayer("alice"));
        await store.commitPlayers(editCart("alice", { lines: { [a]: aCartLine(), [b]: aCartLine({ itemCount: 2 }) } }));
        await store.commitPlayers(editCart("alice", { lines: { [c]: aCartLine({ offeredPrice: 7, specialSale: true }) } }));
        await store.commitPlayers(editCart("alice", { lines: { [b]: aCartLine({ itemCount: 5 }), [a]: null } }));

        const player = await store.getPlayer("alice");
        expect(player?.version).toBe(4);
        expect(player?.cart).toEqual({
          lines: { [b]: aCartLine({ itemCount: 5 }), [c]: aCartLine({ offeredPrice: 7, specialSale: true }) },
        });
        expect(await versionsOf("alice")).toEqual([1, 2, 3, 4]);
      });

      it("drops the cart when its last line goes, and grants in the same version as the cart empties", async () => {
        await store.commitPlayers(createPlayer("alice"));
        await store.commitPlayers(editCart("alice", { lines: { [a]: aCartLine(), [b]: aCartLine() } }));
        await store.commitPlayers(editCart("alice", { lines: { [a]: null, [b]: null } }, [op.grant("bag", a, 1), op.grant("bag", b, 1)]));

        const player = await store.getPlayer("alice");
        expect(player?.cart).toBeUndefined();
        expect(player?.inventories.bag?.stacks).toEqual({ [a]: 1, [b]: 1 });
        expect(player?.version).toBe(3);
      });

      it("keeps every line of 100 concurrent adds to one cart, versions 2..101", async () => {
        await store.commitPlayers(createPlayer("alice"));
        const itemIds = Array.from({ length: 100 }, (_, i) => anItemId(`concurrent-${i}`));

        await Promise.all(itemIds.map((itemId) => store.commitPlayers(editCart("alice", { lines: { [itemId]: aCartLine() } }))));

        const player = await store.getPlayer("alice");
        expect(Object.keys(player?.cart?.lines ?? {}).sort()).toEqual([...itemIds].sort());
        expect(player?.version).toBe(101);
        expect(await versionsOf("alice")).toEqual(Array.from({ length: 101 }, (_, i) => i + 1));
      });
    });

    describe("records", () => {
      it("stores a commit's records with it, even without player writes, and reads one back by kind and id", async () => {
        const record = aRecord("trade", "t-1", "2030-01-01T00:00:00.000Z", ["amy", "zed"]);

        expect(await store.commitPlayers(recordOnly([record]))).toMatchObject({ replayed: false, result: "recorded", entries: [] });

        expect(await store.getRecord("trade", "t-1")).toEqual(record);
        expect(await store.getRecord("order", "t-1")).toBeUndefined();
        expect(await store.getRecord("trade", "t-2")).toBeUndefined();
      });

      it("writes no record when apply refuses", async () => {
        await expect(
          store.commitPlayers(recordOnly([aRecord("trade", "t-1", "2030-01-01T00:00:00.000Z", ["amy"])], { refuse: true })),
        ).rejects.toThrow("refused");

        expect(await store.getRecord("trade", "t-1")).toBeUndefined();
      });

      it("lists a kind oldest first (then by id), of one player, within [since, until), paged by (at, id)", async () => {
        const [t1, t2, t3] = ["2030-01-01T00:00:01.000Z", "2030-01-01T00:00:02.000Z", "2030-01-01T00:00:03.000Z"];
        await store.commitPlayers(recordOnly([aRecord("trade", "r4", t3, ["amy"]), aRecord("trade", "r3", t2, ["zed"])]));
        await store.commitPlayers(recordOnly([aRecord("trade", "r2", t2, ["amy", "zed"]), aRecord("order", "o1", t2, ["amy"])]));
        await store.commitPlayers(recordOnly([aRecord("trade", "r1", t1, ["amy"])]));
        const ids = async (query: Parameters<Store["listRecords"]>[1]) =>
          (await store.listRecords("trade", query)).map((record) => record.id);

        expect(await ids({ limit: 10 })).toEqual(["r1", "r2", "r3", "r4"]);
        expect(await ids({ playerId: "amy", limit: 10 })).toEqual(["r1", "r2", "r4"]);
        expect(await ids({ since: t2, until: t3, limit: 10 })).toEqual(["r2", "r3"]);
        expect(await ids({ playerId: "zed", since: t2, limit: 10 })).toEqual(["r2", "r3"]);
        expect(await ids({ limit: 2 })).toEqual(["r1", "r2"]);
        expect(await ids({ after: { at: t2, id: "r2" }, limit: 2 })).toEqual(["r3", "r4"]);
        expect(await ids({ playerId: "amy", after: { at: t2, id: "r2" }, limit: 10 })).toEqual(["r4"]);
        expect(await store.listRecords("trade", { limit: 1 })).toEqual([aRecord("trade", "r1", t1, ["amy"])]);
        expect(await store.listRecords("refund", { limit: 10 })).toEqual([]);
      });
    });

    describe("readHistory", () => {
      it("returns a player's entries above sinceVersion, oldest first, at most limit", async () => {
        await store.commitPlayers(createPlayer("alice"));
        await store.commitPlayers(createPlayer("bob"));
        const potion = anItemId("potion");
        const batches = [
          [op.grant("bag", potion, 5)],
          [op.consume("bag", potion, 2)],
          [op.setMetric("bag", "weight", 3)],
          [op.credit("gold", 1)],
        ];
        const opIds: string[] = [];
        for (const ops of batches) {
          const opId = anOpId();
          opIds.push(opId);
          await store.commitPlayers(applyTo("alice", ops, { opId }));
          await store.commitPlayers(applyTo("bob", [op.credit("gold", 1)]));
        }

        const all = await store.readHistory("alice", { sinceVersion: 0, limit: 100 });
        const middle = await store.readHistory("alice", { sinceVersion: 2, limit: 2 });

        expect(all.map((entry) => entry.version)).toEqual([1, 2, 3, 4, 5]);
        expect(all.every((entry) => entry.playerId === "alice")).toBe(true);
        expect(all.slice(1).map((entry) => entry.opId)).toEqual(opIds);
        expect(all.slice(1).map((entry) => entry.ops)).toEqual(batches);
        expect(all[2]?.changes).toEqual({ inventories: { bag: { stacks: { [potion]: 3 } } } });
        expect(middle.map((entry) => entry.version)).toEqual([3, 4]);
        expect(await store.readHistory("alice", { sinceVersion: 5, limit: 100 })).toEqual([]);
        expect(await store.readHistory("ghost", { sinceVersion: 0, limit: 100 })).toEqual([]);
      });
    });

    describe("pruneOpResults", () => {
      it("forgets results recorded before the cut; a repeat of a forgotten opId is OP_ID_EXPIRED and never applied twice", async () => {
        await store.commitPlayers(createPlayer("alice"));
        const old = applyTo("alice", [op.credit("gold", 10)]);
        await store.commitPlayers(old);
        const cut = Date.now();
        await clockPast(cut);
        const recent = applyTo("alice", [op.credit("gold", 1)]);
        await store.commitPlayers(recent);

        const pruned = await store.pruneOpResults(new Date(cut + 1));

        // The creation and `old` were recorded before the cut.
        expect(pruned).toBe(2);
        const expired = store.commitPlayers(applyTo("alice", [op.credit("gold", 10)], { opId: old.opId }));
        await expect(expired).rejects.toBeInstanceOf(HoardError);
        await expect(expired).rejects.toMatchObject({ code: "OP_ID_EXPIRED" });
        // Even with another request body: the opId was applied, so it can never apply again.
        await expect(store.commitPlayers(applyTo("alice", [op.credit("gold", 3)], { opId: old.opId }))).rejects.toMatchObject({
          code: "OP_ID_EXPIRED",
        });
        expect(await store.commitPlayers(recent)).toMatchObject({ replayed: true, result: { version: 3 } });
        expect((await store.getPlayer("alice"))?.wallet).toEqual({ gold: 11 });
        expect(await versionsOf("alice")).toEqual([1, 2, 3]);
      });

      it("keeps results recorded at or after the cut", async () => {
        await store.commitPlayers(createPlayer("alice"));
        const credit = applyTo("alice", [op.credit("gold", 10)]);
        await store.commitPlayers(credit);

        expect(await store.pruneOpResults(new Date(Date.now() - 60_000))).toBe(0);
        expect(await store.commitPlayers(credit)).toMatchObject({ replayed: true, result: { version: 2 } });
      });
    });

    describe("listPlayers", () => {
      it("lists summaries in id order, filtered by prefix, paged by after and limit", async () => {
        for (const id of ["beta-1", "alpha-2", "alphabet", "alpha-1", "Alpha-0", "alpha-3"]) {
          await store.commitPlayers(createPlayer(id, id === "alpha-2" ? { name: "Second" } : {}));
        }
        await store.commitPlayers(applyTo("alpha-3", [op.credit("gold", 1)]));

        const firstPage = await store.listPlayers({ prefix: "alpha-", limit: 2 });
        const secondPage = await store.listPlayers({ prefix: "alpha-", after: "alpha-2", limit: 2 });

        expect(firstPage).toEqual([
          { id: "alpha-1", version: 1 },
          { id: "alpha-2", name: "Second", version: 1 },
        ]);
        expect(secondPage).toEqual([{ id: "alpha-3", version: 2 }]);
        expect((await store.listPlayers({ limit: 100 })).map((p) => p.id)).toEqual([
          "Alpha-0",
          "alpha-1",
          "alpha-2",
          "alpha-3",
          "alphabet",
          "beta-1",
        ]);
        expect((await store.listPlayers({ prefix: "alpha", after: "alpha-3", limit: 100 })).map((p) => p.id)).toEqual(["alphabet"]);
        expect(await store.listPlayers({ prefix: "gamma", limit: 100 })).toEqual([]);
      });

      it("searches ids and names by prefix ignoring case, in id order, paged, with regex characters taken literally", async () => {
        const players: Array<[string, string | undefined]> = [
          ["Alice-7", undefined],
          ["bob", "ALISTAIR"],
          ["carol", "Émilie"],
          ["dave", "a.b"],
          ["erin", "axb"],
          ["xali", undefined],
        ];
        for (const [id, name] of players) await store.commitPlayers(createPlayer(id, name === undefined ? {} : { name }));
        const ids = async (search: string, page: { after?: string; limit?: number; prefix?: string } = {}) =>
          (await store.listPlayers({ search, limit: page.limit ?? 100, ...page })).map((p) => p.id);

        expect(await ids("ali")).toEqual(["Alice-7", "bob"]);
        expect(await store.listPlayers({ search: "ALI", limit: 1 })).toEqual([{ id: "Alice-7", version: 1 }]);
        expect(await ids("ali", { after: "Alice-7" })).toEqual(["bob"]);
        expect(await ids("émi")).toEqual(["carol"]);
        expect(await ids("a.")).toEqual(["dave"]);
        expect(await ids("a_")).toEqual([]);
        expect(await ids("%")).toEqual([]);
        expect(await ids("ali", { prefix: "b" })).toEqual(["bob"]);
        expect(await ids("zz")).toEqual([]);
      });
    });

    describe("close", () => {
      it("settles commits asked for before close, and refuses commits after it", async () => {
        const before = store.commitPlayers(createPlayer("alice"));

        await store.close();

        await expect(before).resolves.toMatchObject({ replayed: false, result: { version: 1 } });
        await expect(store.commitPlayers(createPlayer("bob"))).rejects.toThrow();
      });
    });
  });
}
