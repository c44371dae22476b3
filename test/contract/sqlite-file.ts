import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "@hoard/server/internal/store/sqlite/sqlite-store";
import { afterEach, beforeEach } from "vitest";

/**
 * A fresh database file per test, in a directory of its own, and stores opened on it (closed,
 * and the directory removed, after each test). For the sqlite tests that reopen a file or open
 * it twice; call inside a `describe`.
 */
export function useSqliteFile(prefix: string): { path: () => string; open: () => SqliteStore } {
  let dir: string;
  let path: string;
  const opened: SqliteStore[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
    path = join(dir, "hoard.db");
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    path: () => path,
    open: () => {
      const store = new SqliteStore({ path });
      opened.push(store);
      return store;
    },
  };
}
