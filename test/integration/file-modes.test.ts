import { existsSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { okData } from "../support/edge";
import { connectRaw, newOpId, startServer, type TestServer } from "../support/server";

const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);

/** The store's files hold every player's state, and dev-secret signs tokens: this user's only. */
describe("database files", () => {
  let dir: string;
  let server: TestServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it("a dev-mode node creates the sqlite file, its -wal and -shm, its directory and dev-secret for its user only", async () => {
    dir = await mkdtemp(join(tmpdir(), "hoard-modes-"));
    const db = join(dir, "data", "hoard.db");
    server = await startServer({ env: { HOARD_DB: db, HOARD_SECRET: "" } });
    expect(server.app.devMode).toBe(true);
    const gm = await connectRaw(server.url, await server.token("server", "game"));
    okData(await gm.call("players:create", { id: "alice", opId: newOpId() }));
    gm.close();

    const files = [db, `${db}-wal`, `${db}-shm`, join(dir, "data", "dev-secret")];
    for (const file of files) expect(existsSync(file), file).toBe(true);
    expect(files.map(modeOf)).toEqual(["600", "600", "600", "600"]);
    expect(modeOf(join(dir, "data"))).toBe("700");
  });

  it("a database file left world-readable by an older version is made the user's only when opened", async () => {
    dir = await mkdtemp(join(tmpdir(), "hoard-modes-"));
    const db = join(dir, "hoard.db");
    writeFileSync(db, "", { mode: 0o644 });
    server = await startServer({ env: { HOARD_DB: db } });
    expect([db, `${db}-wal`, `${db}-shm`].map(modeOf)).toEqual(["600", "600", "600"]);
  });
});
