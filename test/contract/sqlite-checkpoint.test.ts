import { copyFileSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_STATE_LIMITS } from "@hoard/server/internal/config";
import { applyOps, newPlayer } from "@hoard/server/internal/inventory/rules";
import { SqliteStore, type SqliteStoreOptions } from "@hoard/server/internal/store/sqlite/sqlite-store";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { anActor, anOpId } from "../support/builders";

/** SQLite's default automatic checkpoint, which used to run inside a commit on the event loop. */
const AUTOCHECKPOINT_PAGES = 1000;
/** A worker that checkpoints only when woken (its timer is an hour). */
const IDLE_TIMER = 3_600_000;

const walBytes = (path: string) => statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0;

/** The bytes of one WAL frame: a page and its 24-byte header. */
function frameBytes(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.pragma("page_size", { simple: true }) as number) + 24;
  } finally {
    db.close();
  }
}

/** Commits one player each, one transaction each (awaited in turn): every commit appends WAL frames. */
async function createPlayers(store: SqliteStore, count: number, prefix = "p"): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    const id = `${prefix}-${i}`;
    const opId = anOpId();
    await store.commitPlayers({
      opId,
      actor: anActor(),
      kind: "players:create",
      requestHash: opId,
      playerIds: [id],
      apply: (_, at) => {
        const { player, changes } = applyOps(newPlayer({ id, name: `player ${i} ${"x".repeat(200)}` }, at), [], at, DEFAULT_STATE_LIMITS);
        return { writes: [{ player, ops: [], changes }], result: null };
      },
    });
  }
}

describe("sqlite WAL checkpoints off the event loop", () => {
  let dir: string;
  let path: string;
  const open: SqliteStore[] = [];
  const openStore = (options: Omit<SqliteStoreOptions, "path">) => {
    const store = new SqliteStore({ path, synchronous: "NORMAL", ...options });
    open.push(store);
    return store;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "hoard-checkpoint-"));
    path = join(dir, "hoard.db");
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("never checkpoints on the main connection: the WAL grows past SQLite's automatic checkpoint until the worker runs", async () => {
    const store = openStore({ checkpoint: { intervalMs: IDLE_TIMER, softPages: 100_000, hardPages: 200_000 } });
    const pageBytes = frameBytes(path);

    await createPlayers(store, 1200);

    // With SQLite's own checkpoint the WAL would start over at about 1,000 pages.
    expect(walBytes(path)).toBeGreaterThan(2 * AUTOCHECKPOINT_PAGES * pageBytes);
    expect(store.checkpointer?.stats).toMatchObject({ fallback: 0 });
  });

  it("wakes the worker past the soft bound, and the worker brings the WAL back down", async () => {
    const softPages = 300;
    const store = openStore({ checkpoint: { intervalMs: IDLE_TIMER, softPages, hardPages: 100_000 } });
    const pageBytes = frameBytes(path);

    await createPlayers(store, 400);
    expect(walBytes(path)).toBeGreaterThan(softPages * pageBytes);

    // Once the worker has copied every frame, the next commit starts the WAL over and cuts its file back.
    let more = 0;
    await vi.waitFor(
      async () => {
        await createPlayers(store, 1, `more-${more++}`);
        expect(walBytes(path)).toBeLessThanOrEqual(32 + softPages * pageBytes);
      },
      { timeout: 10_000, interval: 20 },
    );
    expect(store.checkpointer?.stats.worker).toBeGreaterThan(0);
    expect(store.checkpointer?.stats.holds).toBeGreaterThan(0);
    expect(store.checkpointer?.stats.fallback).toBe(0);
  });

  it("holds commits while the worker copies the last frames, then runs every one of them", async () => {
    const store = openStore({ checkpoint: { intervalMs: IDLE_TIMER, softPages: 200, hardPages: 100_000 } });

    // 40 commits in flight at a time (some are queued whenever a hold begins), until holds came and went.
    let rounds = 0;
    await vi.waitFor(
      async () => {
        const round = rounds++;
        await Promise.all(Array.from({ length: 40 }, (_, i) => createPlayers(store, 1, `r${round}-${i}`)));
        expect(store.checkpointer?.stats.holds).toBeGreaterThan(2);
      },
      { timeout: 20_000, interval: 1 },
    );

    expect(store.checkpointer?.stats.fallback).toBe(0);
    expect((await store.listPlayers({ limit: 100_000 })).length).toBe(rounds * 40);
  });

  it("checkpoints on the main connection past the hard bound, when the worker lags", async () => {
    // A soft bound above the hard one: the worker is never woken, so only the fallback can act.
    const store = openStore({ checkpoint: { intervalMs: IDLE_TIMER, softPages: 100_000, hardPages: 200 } });
    const pageBytes = frameBytes(path);

    await createPlayers(store, 600);

    expect(store.checkpointer?.stats.fallback).toBeGreaterThan(0);
    expect(walBytes(path)).toBeLessThanOrEqual(32 + 2 * 200 * pageBytes);
  });

  it("leaves a checkpointed file on close, even while another process keeps the file open", async () => {
    const store = openStore({ checkpoint: { intervalMs: IDLE_TIMER } });
    // Another connection on the WAL: SQLite's own checkpoint at the last close does not run.
    const other = new Database(path, { readonly: true });
    try {
      other.prepare("SELECT count(*) FROM players").get();
      await createPlayers(store, 50);
      expect(walBytes(path)).toBeGreaterThan(0);

      await store.close();

      expect(walBytes(path)).toBe(0);
      // The database file alone, without its WAL, holds every commit.
      const copy = join(dir, "copy.db");
      copyFileSync(path, copy);
      const alone = new Database(copy, { readonly: true });
      try {
        expect(alone.prepare("SELECT count(*) AS n FROM players").get()).toEqual({ n: 50 });
      } finally {
        alone.close();
      }
    } finally {
      other.close();
    }
  });
});
