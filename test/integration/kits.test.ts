import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { http, okData, snapshot, type World, world } from "../support/edge";
import { connectRaw, newOpId, startServer, type TestServer } from "../support/server";

/** Kits as classes: a player creating itself may pick only a starter kit; servers and admins grant any. */
describe("starter kits", () => {
  let server: TestServer;
  let w: World;

  beforeAll(async () => {
    server = await startServer();
    w = await world(server);
    const items = [{ itemId: w.itemId, category: "bag", quantity: 1000 }];
    okData(await w.gm.call("kits:put", { kit: { name: "whale", currencies: { gold: 1_000_000_000_000 }, items } }));
    okData(await w.gm.call("kits:put", { kit: { name: "knight", starter: true, currencies: { gold: 100 } } }));
    // A kit stored before kits could be marked: no `starter` field, so not a starter kit.
    await server.app.store.saveKit({ name: "legacy", currencies: { gold: 500 } });
  });
  afterAll(async () => {
    w?.close();
    await server?.close();
  });

  it("a player's own players:create with a kit that is not a starter kit → KIT_NOT_STARTER (403), and no player is made", async () => {
    const newbie = await connectRaw(server.url, await server.token("player", "newbie"));
    for (const kit of ["whale", "legacy"]) {
      expect(await newbie.call("players:create", { class: kit, opId: newOpId() })).toMatchObject({
        ok: false,
        error: { code: "KIT_NOT_STARTER", details: { kit } },
      });
    }
    const rest = await http(server, "POST", "/api/v1/players", {
      token: await server.token("player", "newbie"),
      json: { class: "whale", opId: newOpId() },
    });
    expect(rest).toMatchObject({ status: 403, body: { ok: false, error: { code: "KIT_NOT_STARTER" } } });
    expect(await snapshot(server, "newbie")).toEqual({ player: undefined, history: [] });

    // A starter kit, or a class with no kit at all, is the player's to pick.
    const created = okData(await newbie.call("players:create", { class: "knight", opId: newOpId() }));
    expect(created.player).toMatchObject({ id: "newbie", class: "knight", wallet: { gold: 100 } });
    const bard = await connectRaw(server.url, await server.token("player", "bard"));
    expect(okData(await bard.call("players:create", { class: "bard", opId: newOpId() })).player).toMatchObject({ wallet: {} });
    newbie.close();
    bard.close();
  });

  it("a server or admin may grant any kit by class", async () => {
    const whale = okData(await w.gm.call("players:create", { id: "vip", class: "whale", opId: newOpId() }));
    expect(whale.player).toMatchObject({ wallet: { gold: 1_000_000_000_000 }, inventories: { bag: { stacks: { [w.itemId]: 1000 } } } });
    const admin = await connectRaw(server.url, await server.token("admin", "console"));
    expect(okData(await admin.call("players:create", { id: "old", class: "legacy", opId: newOpId() })).player.wallet).toEqual({
      gold: 500,
    });
    admin.close();
  });

  it("kits carry the mark through REST and the socket", async () => {
    const token = await server.token("server", "game");
    const put = await http(server, "PUT", "/api/v1/kits/squire", { token, json: { starter: true, currencies: { gold: 5 } } });
    expect(put).toMatchObject({ status: 200, body: { ok: true, data: { kit: { name: "squire", starter: true } } } });
    expect(okData(await w.gm.call("kits:get", { name: "whale" })).kit.starter).toBeUndefined();
  });
});
