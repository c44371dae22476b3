import { SqliteStore, type Store } from "@hoard/server";
import { afterEach, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../support/server";

/**
 * What a node reports about the dependencies it is configured with (/health, /ready,
 * /metrics). Redis is covered with a real redis-server in test/cluster/ready.test.ts. No
 * MongoDB runs here: the store below is a real sqlite store that, like the MongoDB engine
 * (whose `reachable` follows the driver's topology events), says whether it can take writes.
 */

/** A real embedded store with a `reachable` flag the test sets. */
function storeWithServer(): { store: Store; setReachable(up: boolean): void } {
  const inner = new SqliteStore({ path: ":memory:" });
  let reachable = true;
  const store = new Proxy(inner, {
    get(target, property) {
      if (property === "reachable") return reachable;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as Store;
  return {
    store,
    setReachable: (up) => {
      reachable = up;
    },
  };
}

/** GET with an admin token (harmless where a path needs none). */
const get = async (server: TestServer, path: string) => {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${await server.token("admin", "ops")}` } });
  return { status: response.status, text: await response.text() };
};

describe("dependencies a node reports", () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("a node with neither Redis nor MongoDB exports no *_up gauge for them and is ready", async () => {
    server = await startServer();
    const metrics = (await get(server, "/metrics")).text;
    expect(metrics).not.toContain("hoard_redis_up");
    expect(metrics).not.toContain("hoard_mongo_up");
    expect(JSON.parse((await get(server, "/health")).text)).not.toHaveProperty("mongo");
    expect((await get(server, "/ready")).status).toBe(200);
  });

  it("while the store's server cannot take writes: /ready 503, /health degraded with mongo down, hoard_mongo_up 0; then back", async () => {
    const { store, setReachable } = storeWithServer();
    server = await startServer({ store });
    const gauge = async () => /^hoard_mongo_up\{[^}]*\} (\d+)$/m.exec((await get(server as TestServer, "/metrics")).text)?.[1];

    expect((await get(server, "/ready")).status).toBe(200);
    expect(JSON.parse((await get(server, "/health")).text)).toMatchObject({ status: "ok", mongo: "up" });
    expect(await gauge()).toBe("1");

    setReachable(false);
    expect((await get(server, "/ready")).status).toBe(503);
    expect(JSON.parse((await get(server, "/health")).text)).toMatchObject({ status: "degraded", mongo: "down" });
    expect(await gauge()).toBe("0");

    setReachable(true);
    expect((await get(server, "/ready")).status).toBe(200);
    expect(await gauge()).toBe("1");
  });
});
