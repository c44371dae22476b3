import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRaw, type RawClient, startServer, type TestServer } from "../support/server";

// How the socket transport routes events: every protocol event to the dispatcher, anything else
// acked with EVENT_UNKNOWN, and an event sent with only an ack still acked (its missing payload
// refused by the schema, not mistaken for the payload).
describe("socket transport routing", () => {
  let server: TestServer;
  let client: RawClient;
  beforeAll(async () => {
    server = await startServer();
    client = await connectRaw(server.url, await server.token("server", "game"));
  });
  afterAll(async () => {
    client.close();
    await server.close();
  });

  it("acks an event outside the protocol with EVENT_UNKNOWN", async () => {
    const reply = await client.socket.timeout(5000).emitWithAck("inventory:teleport", { playerId: "alice" });
    expect(reply).toMatchObject({ ok: false, error: { code: "EVENT_UNKNOWN" } });
  });

  it("acks an event sent with only an ack, refusing the missing payload", async () => {
    const reply = await client.socket.timeout(5000).emitWithAck("items:list");
    expect(reply).toMatchObject({ ok: false, error: { code: "VALIDATION_FAILED" } });
  });

  it("routes a protocol event to its action, parsing the payload first", async () => {
    const bad = await client.call("players:get", { playerId: "no such id!" });
    expect(bad).toMatchObject({ ok: false, error: { code: "VALIDATION_FAILED" } });
    const missing = await client.call("players:get", { playerId: "nobody" });
    expect(missing).toMatchObject({ ok: false, error: { code: "PLAYER_NOT_FOUND" } });
  });
});
