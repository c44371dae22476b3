import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Store } from "@hoard/server/store/port";
import { describe, it } from "vitest";
import { describeStore } from "./store.contract";

/**
 * The Mongo run of the contract suite. It needs a replica set at MONGODB_URL (docker-compose
 * starts one); without it the report shows one skipped test that says so, never a silent pass.
 */

const NOT_RUN = "MongoDB contract suite: not run (no MONGODB_URL)";
const NO_ENGINE = "MONGODB_URL is set but no MongoDB engine is built yet";

/** What the engine module is expected to export once it exists. */
interface MongoEngineModule {
  openMongoStore(options: { url: string; database: string }): Promise<Store>;
}

const engineFile = fileURLToPath(new URL("../../server/src/store/mongo/mongo-store.ts", import.meta.url));

async function loadEngine(): Promise<MongoEngineModule | undefined> {
  // Only a missing file means "not built yet"; an engine that fails to load must fail loudly.
  if (!existsSync(engineFile)) return undefined;
  return (await import(/* @vite-ignore */ engineFile)) as MongoEngineModule;
}

const url = process.env.MONGODB_URL;

if (!url) {
  console.warn(NOT_RUN);
  it.skip(NOT_RUN, () => {});
} else {
  const engine = await loadEngine();
  if (!engine) {
    describe("MongoDB contract suite", () => {
      it("has an engine to run against", () => {
        throw new Error(NO_ENGINE);
      });
    });
  } else {
    describeStore("mongo", async () => {
      // A database per test keeps tests apart; the engine's close() releases the client.
      const store = await engine.openMongoStore({ url, database: `hoard_contract_${randomUUID().slice(0, 8)}` });
      return { store, cleanup: () => store.close() };
    });
  }
}
