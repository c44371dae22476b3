import { connect, type HoardClient } from "@hoard/client-sdk";
import type { WireError } from "@hoard/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnected, http, within } from "../support/edge";
import { connectRaw, failure, newOpId, startServer, type TestServer } from "../support/server";
import { defineItems, items, stockedPlayer } from "../support/trade";

/** An operator cancelling an open offer and disconnecting a player, through a real node. */
describe("operator actions on trades and connections", () => {
  let server: TestServer;
  let gm: HoardClient;
  let admin: HoardClient;
  let gem: string;

  beforeAll(async () => {
    server = await startServer();
    gm = await server.client("server", "game");
    admin = await server.client("admin", "ops-anna");
    ({ gem } = await defineItems(gm, { gem: 10 }));
  });

  afterAll(async () => {
    await server?.close();
  });

  async function openOffer() {
    const alice = await stockedPlayer(gm, "alice", { bag: { [gem]: 2 } });
    const bob = await stockedPlayer(gm, "bob", { gold: 5 });
    const { offer } = await gm.trades.propose(bob, { give: items({ [gem]: 1 }) }, { from: alice });
    return { alice, bob, offer };
  }

  describe("cancelling an open offer", () => {
    it("an admin cancels anyone's offer with a reason: settled, pushed to both parties, the record keeps who and why", async () => {
      const { alice, bob, offer } = await openOffer();
      const feed = await admin.trades.watch(bob);
      const events: string[] = [];
      feed.on("change", (push) => events.push(push.event));

      const { offer: cancelled } = await admin.trades.cancel(offer.id, { reason: "phishing link, ticket 88" });

      expect(cancelled).toMatchObject({ id: offer.id, status: "cancelled" });
      await expect.poll(() => events).toContain("cancelled");
      const { trades } = await admin.trades.history(alice);
      expect(trades.at(-1)).toMatchObject({
        tradeId: offer.id,
        outcome: "cancelled",
        note: "phishing link, ticket 88",
        actor: { role: "admin", sub: "ops-anna" },
      });
      expect((await admin.trades.list(alice, { status: "pending" })).offers).toEqual([]);
    });

    it("an admin without a reason gets TRADE_REASON_REQUIRED; a viewer AUTH_FORBIDDEN; another player TRADE_NOT_A_PARTY; the offer stays open", async () => {
      const { alice, bob, offer } = await openOffer();

      expect((await failure(admin.trades.cancel(offer.id))).code).toBe("TRADE_REASON_REQUIRED");
      const viewer = await server.client("viewer", "auditor");
      expect((await failure(viewer.trades.cancel(offer.id, { reason: "x" }))).code).toBe("AUTH_FORBIDDEN");
      const player = await server.client("player", bob);
      expect((await failure(player.trades.cancel(offer.id, { reason: "x" }))).code).toBe("TRADE_NOT_A_PARTY");
      expect((await admin.trades.get(offer.id)).offer.status).toBe("pending");
      expect((await admin.trades.list(alice, { status: "pending" })).offers.map((pending) => pending.id)).toEqual([offer.id]);
    });

    it("works over REST", async () => {
      const { offer } = await openOffer();
      const path = `/api/v1/trades/offers/${offer.id}/cancel`;
      const token = await server.token("admin", "ops-anna");

      const noReason = await http(server, "POST", path, { token, json: { opId: newOpId() } });
      const reply = await http(server, "POST", path, { token, json: { opId: newOpId(), reason: "over REST" } });

      expect([noReason.status, noReason.body?.error?.code]).toEqual([400, "TRADE_REASON_REQUIRED"]);
      expect([reply.status, reply.body.data.offer.status]).toEqual([200, "cancelled"]);
    });
  });

  describe("disconnecting a player", () => {
    it("closes every connection of the player, each told why first; an SDK client stays closed; others are untouched", async () => {
      const id = await stockedPlayer(gm, "kicked");
      const raw = await connectRaw(server.url, await server.token("player", id));
      const notices: WireError[] = [];
      raw.socket.on("closing", (notice: WireError) => notices.push(notice));
      const hungUp = disconnected(raw.socket);
      const sdk = await connect(server.url, {
        token: await server.token("player", id),
        timeoutMs: 5000,
        reconnect: { initialDelayMs: 50 },
      });
      const statuses: string[] = [];
      sdk.on("status", (status) => statuses.push(status));
      const bystander = await server.client("player", await stockedPlayer(gm, "bystander"));

      const result = await admin.players.disconnect(id, "account shared, ticket 301");

      expect(result).toEqual({ playerId: id, connections: 2 });
      expect(await within(5000, hungUp, "the raw socket's disconnect")).toBe("io server disconnect");
      expect(notices).toEqual([
        expect.objectContaining({
          code: "CONNECTION_CLOSED_BY_OPERATOR",
          details: { reason: "account shared, ticket 301", by: "ops-anna" },
        }),
      ]);
      await expect.poll(() => sdk.status).toBe("closed");
      expect(statuses).toEqual(["closed"]);
      expect(sdk.lastDisconnect).toMatchObject({ reason: "io server disconnect", error: { code: "CONNECTION_CLOSED_BY_OPERATOR" } });
      expect((await failure(sdk.players.get(id))).code).toBe("CONNECTION_CLOSED_BY_OPERATOR");
      expect(bystander.status).toBe("connected");
      expect(await admin.players.disconnect(id, "again")).toEqual({ playerId: id, connections: 0 });
      // Not a ban: the player may connect again.
      const back = await server.client("player", id);
      expect((await back.players.get(id)).player.id).toBe(id);
      sdk.close();
    });

    it("is for admins alone (viewer, player, server: AUTH_FORBIDDEN), needs a reason, and works over REST", async () => {
      const id = await stockedPlayer(gm, "kicked");
      const raw = await connectRaw(server.url, await server.token("player", id));
      const path = `/api/v1/players/${id}/disconnect`;

      for (const [role, sub] of [
        ["viewer", "auditor"],
        ["player", id],
        ["server", "game"],
      ] as const) {
        const reply = await http(server, "POST", path, { token: await server.token(role, sub), json: { reason: "x" } });
        expect([role, reply.status, reply.body?.error?.code]).toEqual([role, 403, "AUTH_FORBIDDEN"]);
      }
      const token = await server.token("admin", "ops-anna");
      const noReason = await http(server, "POST", path, { token, json: {} });
      expect([noReason.status, noReason.body?.error?.code]).toEqual([400, "VALIDATION_FAILED"]);
      expect(raw.socket.connected).toBe(true);

      const hungUp = disconnected(raw.socket);
      const reply = await http(server, "POST", path, { token, json: { reason: "over REST" } });

      expect([reply.status, reply.body.data]).toEqual([200, { playerId: id, connections: 1 }]);
      expect(await within(5000, hungUp, "the disconnect")).toBe("io server disconnect");
    });
  });
});
