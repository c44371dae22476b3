import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "@hoard/server/internal/store/sqlite/sqlite-store";
import { describeDomainStores } from "./domains.contract";
import { describeStore } from "./store.contract";

const inMemory = async () => {
  const store = new SqliteStore({ path: ":memory:" });
  return { store, cleanup: () => store.close() };
};

describeStore("sqlite :memory:", inMemory);
// The domains' tables live on the same handle as the core ones: the file run of the core suite covers the file.
describeDomainStores("sqlite :memory:", inMemory);

// Without the cache of parsed players every read parses the row: the same results.
describeStore("sqlite :memory:, no player cache", async () => {
  const store = new SqliteStore({ path: ":memory:", playerCacheSize: 0 });
  return { store, cleanup: () => store.close() };
});

describeStore("sqlite file", async () => {
  const dir = await mkdtemp(join(tmpdir(), "hoard-contract-"));
  const store = new SqliteStore({ path: join(dir, "hoard.db") });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
