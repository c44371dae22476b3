import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "@hoard/server/store/sqlite/sqlite-store";
import { describeStore } from "./store.contract";

describeStore("sqlite :memory:", async () => {
  const store = new SqliteStore({ path: ":memory:" });
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
