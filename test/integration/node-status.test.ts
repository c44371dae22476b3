import { connect, type HoardClient } from "@hoard/client-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../support/server";

describe("hoard.node: health and metrics over HTTP through the SDK", () => {
  let server: TestServer;
  let hoard: HoardClient;
  beforeAll(async () => {
    server = await startServer();
    hoard = await connect(server.url, { token: await server.token("admin", "console") });
  });
  afterAll(async () => {
    hoard.close();
    await server.close();
  });

  it("reads the node's health", async () => {
    expect(await hoard.node.health()).toMatchObject({ status: "ok", nodeId: server.app.config.nodeId, store: "sqlite" });
  });

  it("reads the node's metrics: connections and requests by event and outcome", async () => {
    await hoard.players.create({ id: "metered" });
    await hoard.players.get("nobody").catch(() => {});
    const samples = await hoard.node.metrics();
    const value = (name: string, labels: Record<string, string> = {}) =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value("hoard_connections")).toBe(1);
    expect(value("hoard_requests_total", { event: "players:create", outcome: "ok" })).toBe(1);
    expect(value("hoard_requests_total", { event: "players:get", outcome: "PLAYER_NOT_FOUND" })).toBe(1);
  });
});
