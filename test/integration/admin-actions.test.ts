import type { HoardClient } from "@hoard/client-sdk";
import type { HistoryEntry } from "@hoard/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { http, snapshot } from "../support/edge";
import { failure, itemDefinition, newOpId, startServer, type TestServer } from "../support/server";

/**
 * An operator's changes (the console's admin token) are ordinary commits: the op log entry says
 * who (admin:sub) and why (the required reason), and watchers get it pushed like any change.
 */
describe("admin actions with a reason", () => {
  let server: TestServer;
  let gm: HoardClient;
  let admin: HoardClient;
  let potion: string;

  beforeAll(async () => {
    server = await startServer();
    gm = await server.client("server", "game");
    admin = await server.client("admin", "ops-anna");
    potion = (await gm.items.create(itemDefinition({ name: "Potion" }))).item.id;
    await gm.players.create({ id: "alice" });
  });

  afterAll(async () => {
    await server?.close();
  });

  it("each kind of change is committed with the admin as actor and the reason in the entry, pushed to a watcher", async () => {
    const watcher = await server.client("viewer", "auditor");
    const watch = await watcher.watch("alice");
    const pushed: HistoryEntry[] = [];
    watch.on("change", (entry) => pushed.push(entry));
    const start = watch.version;

    const actions = [
      () => admin.inventory.grant("alice", { category: "bag", itemId: potion, quantity: 3 }, { reason: "lost in the outage of 2 Dec" }),
      () => admin.inventory.consume("alice", { category: "bag", itemId: potion, quantity: 1 }, { reason: "duplicated grant" }),
      () => admin.inventory.credit("alice", "gold", 50, { reason: "refund, ticket #4411" }),
      () => admin.inventory.debit("alice", "gold", 20, { reason: "chargeback" }),
      () => admin.inventory.apply("alice", [{ type: "setMetric", category: "bag", name: "weight", value: 7 }], { reason: "fix weight" }),
      () => admin.inventory.apply("alice", [{ type: "setCapacity", category: "bag", capacity: 40 }], { reason: "bigger bag, promo" }),
    ];
    for (const act of actions) await act();

    const { entries } = await admin.inventory.history("alice", { sinceVersion: start });
    expect(entries.map((entry) => [entry.actor, entry.kind, entry.reason])).toEqual(
      ["lost in the outage of 2 Dec", "duplicated grant", "refund, ticket #4411", "chargeback", "fix weight", "bigger bag, promo"].map(
        (reason) => [{ role: "admin", sub: "ops-anna" }, "inventory:apply", reason],
      ),
    );
    await expect.poll(() => pushed.map((entry) => entry.reason)).toEqual(entries.map((entry) => entry.reason));
    expect(watch.state.wallet).toEqual({ gold: 30 });
    expect(watch.state.inventories.bag).toEqual({ stacks: { [potion]: 2 }, metrics: { weight: 7 }, capacity: 40 });
  });

  it("an admin without a reason is refused with INVENTORY_REASON_REQUIRED, over the socket and REST, and nothing changes", async () => {
    const before = await snapshot(server, "alice");

    expect((await failure(admin.inventory.credit("alice", "gold", 5))).code).toBe("INVENTORY_REASON_REQUIRED");
    const token = await server.token("admin", "ops-anna");
    const ops = [{ type: "credit", currency: "gold", amount: 5 }];
    const rest = await http(server, "POST", "/api/v1/players/alice/ops", { token, json: { opId: newOpId(), ops } });
    expect([rest.status, rest.body?.error?.code]).toEqual([400, "INVENTORY_REASON_REQUIRED"]);

    expect(await snapshot(server, "alice")).toEqual(before);
  });

  it("a blank or overlong reason is VALIDATION_FAILED; a server may give one or not", async () => {
    const before = await snapshot(server, "alice");
    for (const reason of ["   ", "x".repeat(501)]) {
      expect((await failure(admin.inventory.credit("alice", "gold", 5, { reason }))).code).toBe("VALIDATION_FAILED");
    }
    expect(await snapshot(server, "alice")).toEqual(before);

    await gm.inventory.credit("alice", "gold", 1);
    await gm.inventory.credit("alice", "gold", 1, { reason: "daily login bonus" });
    const [plain, said] = (await gm.inventory.history("alice", { sinceVersion: before.player?.version ?? 0 })).entries;
    expect(plain).not.toHaveProperty("reason");
    expect(said?.reason).toBe("daily login bonus");
  });

  it("over REST the reason goes in the body and is kept", async () => {
    const token = await server.token("admin", "ops-anna");
    const ops = [{ type: "credit", currency: "gold", amount: 2 }];
    const reply = await http(server, "POST", "/api/v1/players/alice/ops", {
      token,
      json: { opId: newOpId(), ops, reason: "  goodwill  " },
    });
    expect(reply.status).toBe(200);
    const history = await http(server, "GET", `/api/v1/players/alice/history?sinceVersion=${reply.body.data.version - 1}`, { token });
    expect(history.body.data.entries[0]).toMatchObject({ reason: "goodwill", actor: { role: "admin", sub: "ops-anna" } });
  });
});
