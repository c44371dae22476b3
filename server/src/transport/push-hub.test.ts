import { Server } from "socket.io";
import { describe, expect, it } from "vitest";
import { Metrics } from "./metrics";
import { PushHub } from "./push-hub";
import type { HoardIo } from "./socket";

const push = {
  type: "stock",
  topic: "stock/a",
  seq: 1,
  key: "a",
  kind: "acquire",
  opId: "o",
  from: "2025-01-01",
  to: "2025-01-01",
} as const;

describe("PushHub", () => {
  // A socket server that is not listening (no HTTP server, nothing to close): rooms only.
  const ioServer = (): HoardIo => new Server();

  it("drops pushes made before a socket server is attached (nobody can be subscribed yet)", async () => {
    const metrics = new Metrics("n1");
    const hub = new PushHub({ metrics, clustered: true });
    expect(() => hub.publish(push)).not.toThrow();
    expect(() => hub.publishLocal(push)).not.toThrow();
    expect(hub.watchedHere("stock/a")).toBe(false);
    expect((await metrics.pushes.get()).values).toEqual([]);
    hub.attach(ioServer());
    hub.publish(push);
    expect((await metrics.pushes.get()).values.map((value) => value.value)).toEqual([1]);
  });

  it("on one node skips a topic nobody here watches, and attaches once", async () => {
    const metrics = new Metrics("n1");
    const hub = new PushHub({ metrics, clustered: false });
    hub.attach(ioServer());
    hub.publish(push);
    expect((await metrics.pushes.get()).values).toEqual([]);
    expect(() => hub.attach(ioServer())).toThrow(/already attached/);
  });
});
