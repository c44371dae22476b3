import { randomUUID } from "node:crypto";
import { openMongoStore } from "@hoard/server/internal/store/mongo/mongo-store";
import { defaultMongoTuning } from "@hoard/server/internal/store/mongo/tuning";
import { MongoClient } from "mongodb";
import { afterAll } from "vitest";
import { mongoUrl, reportNotRun } from "../support/mongo-kit";
import { describeDomainStores } from "./domains.contract";
import { describeStore } from "./store.contract";

/**
 * The Mongo run of the contract suites (core and domains), part of the verification kit (`npm run
 * verify:mongo`). It needs a replica set (or a mongos) at MONGODB_URL; without it the report shows
 * one skipped test that says "not run", never a silent pass.
 */

const url = mongoUrl;

if (!url) {
  reportNotRun("contract suite");
} else {
  const run = randomUUID().slice(0, 8);
  let made = 0;
  // Drops each test's database; a client of its own, as the test may have closed the store.
  const admin = new MongoClient(url);
  afterAll(() => admin.close());

  // A fresh, empty database per test keeps tests apart.
  const freshStore = async () => {
    made += 1;
    const database = `hoard_contract_${run}_${made}`;
    // The contract asserts read-your-writes for the economy questions too; on MongoDB they read
    // from secondaries by default (up to 90 s stale, by design), so the suite reads them on the primary.
    const store = await openMongoStore({ url, database, tuning: { ...defaultMongoTuning, analyticsRead: "primary" } });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await admin.db(database).dropDatabase();
      },
    };
  };

  describeStore("mongo", freshStore);
  describeDomainStores("mongo", freshStore);
}
