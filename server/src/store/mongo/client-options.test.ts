import { MongoClient } from "mongodb";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../config";
import { mongoClientOptions } from "./mongo-store";
import { defaultMongoTuning } from "./tuning";

/**
 * The options the engine gives the driver, as the driver itself parses them (a MongoClient is
 * built, never connected). These show the settings are made; that a real replica set honours them
 * is the kit's to show (npm run verify:mongo).
 */

const members = "mongodb://mongo1:27017,mongo2:27017,mongo3:27017/?replicaSet=rs0";

describe("mongoClientOptions", () => {
  it("reads with majority, writes with majority within the write timeout, on the primary, and waits 5 s for a server", async () => {
    const client = new MongoClient(members, mongoClientOptions(members, { ...defaultMongoTuning, writeTimeoutMs: 7000 }));

    expect(client.options.readConcern).toMatchObject({ level: "majority" });
    expect(client.options.writeConcern).toMatchObject({ w: "majority", wtimeoutMS: 7000 });
    expect(client.options.readPreference.mode).toBe("primary");
    expect(client.options.serverSelectionTimeoutMS).toBe(5000);
    await client.close();
  });

  it("lets the URL's serverSelectionTimeoutMS stand, and keeps majority whatever the URL asks", async () => {
    const url = `${members}&serverSelectionTimeoutMS=1500&w=1&readConcernLevel=local`;
    const client = new MongoClient(url, mongoClientOptions(url, defaultMongoTuning));

    expect(client.options.serverSelectionTimeoutMS).toBe(1500);
    expect(client.options.writeConcern).toMatchObject({ w: "majority" });
    expect(client.options.readConcern).toMatchObject({ level: "majority" });
    await client.close();
  });
});

describe("the HOARD_MONGO_* settings", () => {
  it("default to the engine's own defaults, and are read when set", () => {
    expect(loadConfig({}).mongoTuning).toEqual(defaultMongoTuning);
    expect(
      loadConfig({
        HOARD_MONGO_CONFLICT_BUDGET_MS: "8000",
        HOARD_MONGO_WRITE_TIMEOUT_MS: "4000",
        HOARD_MONGO_ANALYTICS_TIMEOUT_MS: "60000",
        HOARD_MONGO_ANALYTICS_READ: "primary",
        HOARD_MONGO_IMPORT_BATCH: "250",
      }).mongoTuning,
    ).toEqual({ conflictBudgetMs: 8000, writeTimeoutMs: 4000, analyticsTimeoutMs: 60_000, analyticsRead: "primary", importBatchRows: 250 });
  });
});
