import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { http, okData, type World, world } from "../support/edge";
import { itemDefinition, newOpId, startServer, type TestServer } from "../support/server";

/**
 * The economy questions on values past 2⁶³, all within Hoard's own limits: two items of value
 * 10¹² held 5,000,000 each are worth 10¹⁹. One such player must not break the question.
 */
describe("economy questions on very large holdings", () => {
  let server: TestServer;
  let w: World;

  beforeAll(async () => {
    server = await startServer();
    w = await world(server);
    const dear: string[] = [];
    for (const name of ["Crown", "Throne"]) {
      dear.push(okData(await w.gm.call("items:create", { definition: itemDefinition({ name, value: 1e12 }) })).item.id);
    }
    okData(await w.gm.call("players:create", { id: "whale", opId: newOpId() }));
    const ops = [
      ...dear.map((itemId) => ({ type: "grant", category: "vault", itemId, quantity: 5_000_000 })),
      { type: "credit", currency: "gold", amount: 1_000_000_000_000 },
    ];
    okData(await w.gm.call("inventory:apply", { playerId: "whale", opId: newOpId(), ops }));
    await w.player("minnow", { category: "bag", quantity: 3 });
  });
  afterAll(async () => {
    w?.close();
    await server?.close();
  });

  it("GET /api/v1/economy/richest-players answers 200 with the whale first, worth 10¹⁹ in items", async () => {
    const reply = await http(server, "GET", "/api/v1/economy/richest-players?limit=2", { token: await server.token("admin", "console") });
    expect(reply.status).toBe(200);
    expect(reply.body.data.players).toEqual([
      { playerId: "whale", currency: 1e12, itemValue: 1e19, total: 1e19 + 1e12 },
      { playerId: "minnow", currency: 0, itemValue: 30, total: 30 },
    ]);
  });

  it("GET /api/v1/economy/diverse-inventories answers 200 too", async () => {
    const reply = await http(server, "GET", "/api/v1/economy/diverse-inventories", { token: await server.token("admin", "console") });
    expect(reply.status).toBe(200);
    expect(reply.body.data.players[0]).toEqual({ playerId: "whale", distinctItems: 2, units: 10_000_000 });
  });
});
