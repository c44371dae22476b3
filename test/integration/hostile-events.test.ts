import { type ClientEventName, clientEventNames, clientEvents, eventMeta, isErrorCode } from "@hoard/protocol";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { okData, type World, world } from "../support/edge";
import { capturedLog, loud } from "../support/log";
import { connectRaw, type RawClient, startServer, type TestServer } from "../support/server";

/**
 * Garbage for every event of the protocol, from the event table (a new event is covered without
 * editing this test), sent by an admin so that authorization passes and the input itself is
 * judged: every answer to a payload the event's schema refuses is a typed refusal from the
 * error registry, never INTERNAL; nothing is logged at warn or above; the node keeps answering;
 * and the stored state is exactly as it was.
 */

/** Field names the events use, so garbage often reaches past the first missing field. */
const FIELDS = [
  "playerId",
  "opId",
  "itemId",
  "id",
  "ops",
  "supply",
  "reserveForMs",
  "itemCount",
  "offeredPrice",
  "currency",
  "category",
  "limit",
  "after",
  "tradeId",
  "key",
  "from",
  "to",
  "version",
  "reason",
  "definition",
  "name",
  "price",
  "topic",
  "areaCode",
  "sinceVersion",
  "give",
  "want",
  "class",
  "quantity",
  "search",
];

function garbage(valid: { itemId: string }) {
  const scalar = fc.oneof(
    fc.constantFrom("alice", valid.itemId, "op-hostile-0001", "", "__proto__", "constructor", "gold", "bag", "2030-01-01"),
    fc.string({ maxLength: 40 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
  );
  const field = fc.dictionary(
    fc.constantFrom(...FIELDS),
    fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 8 }), scalar)),
    {
      maxKeys: 6,
    },
  );
  return fc.oneof({ weight: 3, arbitrary: field }, { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) });
}

describe("garbage for every event, through a real node", () => {
  let server: TestServer;
  let w: World;
  let admin: RawClient;
  const captured = capturedLog();

  beforeAll(async () => {
    server = await startServer({ log: captured.log });
    w = await world(server);
    await w.player("alice", { category: "bag", quantity: 3 });
    okData(await w.gm.call("shop:put", { itemId: w.itemId, price: 5 }));
    okData(await w.gm.call("shop:supply", { itemId: w.itemId, supply: 10 }));
    admin = await connectRaw(server.url, await server.token("admin", "fuzz"));
  });
  afterAll(async () => {
    admin?.close();
    w?.close();
    await server?.close();
  });

  /** What the store holds, as one comparable value. */
  async function stored(): Promise<unknown> {
    const { store } = server.app;
    const players = await store.listPlayers({ limit: 1000 });
    return {
      players: await Promise.all(
        players.map(async ({ id }) => [await store.getPlayer(id), (await store.readHistory(id, { sinceVersion: 0, limit: 1000 })).length]),
      ),
      items: await store.listItems({ limit: 1000 }),
      kits: await store.listKits(),
      prices: await store.shop.listPrices({ limit: 1000 }),
      supplies: await store.shop.listSupplies({ limit: 1000 }),
      loot: await store.lootTables.list({ limit: 1000 }),
      trades: await store.trades.listOffers({ playerId: "alice", now: new Date().toISOString(), limit: 100 }),
    };
  }

  it("refuses what each event's schema refuses with a registered code, logs nothing loud, and changes nothing", async () => {
    const before = await stored();
    const answers = new Map<string, number>();
    for (const event of clientEventNames) {
      const schema = clientEvents[event as ClientEventName].input;
      const payloads = fc.sample(garbage(w), { numRuns: 25, seed: 42 }).filter((payload) => !schema.safeParse(payload).success);
      for (const payload of payloads) {
        const reply = await admin.call(event, payload);
        if (reply.ok) {
          // Only a read may answer a payload its own schema refused? Never: the dispatcher parses with that schema.
          throw new Error(`${event} accepted ${JSON.stringify(payload)}`);
        }
        expect(isErrorCode(reply.error.code), `${event}: ${reply.error.code}`).toBe(true);
        expect(reply.error.code, `${event} ${JSON.stringify(payload)}`).not.toBe("INTERNAL");
        answers.set(reply.error.code, (answers.get(reply.error.code) ?? 0) + 1);
      }
    }
    // The garbage reached past the schema's first field often enough to be judged by the schemas.
    expect(answers.get("VALIDATION_FAILED") ?? 0).toBeGreaterThan(clientEventNames.length * 10);
    expect(loud(captured.lines)).toEqual([]);
    // Still answering, and nothing stored changed.
    expect(okData(await admin.call("players:get", { playerId: "alice" })).player.id).toBe("alice");
    expect(await stored()).toEqual(before);
    // Mutations were among the events judged.
    expect(clientEventNames.filter((event) => eventMeta[event].mutation).length).toBeGreaterThan(20);
  });
});
