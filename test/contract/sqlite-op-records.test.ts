import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { op } from "../support/builders";
import { applyTo, createPlayer, transferGold } from "./commits";
import { useSqliteFile } from "./sqlite-file";

/**
 * The embedded engine writes one appended record per op (store/sqlite/op-results.ts): its
 * result, and its op-log entries linked per player. These tests hold the layout to what the
 * contract cannot see: a file written before it (an `op_results` table and an `op_log` keyed by
 * player and version) opens with its results and history intact, and a player's history reads
 * across the two.
 */
describe("sqlite op records", () => {
  const { open, path: filePath } = useSqliteFile("hoard-op-records-");

  it("opens a file written before core-005: its results replay, its history reads on across the new records", async () => {
    const store = open();
    await store.commitPlayers(createPlayer("alice"));
    await store.commitPlayers(createPlayer("bob"));
    const credit = applyTo("alice", [op.credit("gold", 10)]);
    await store.commitPlayers(credit);
    const before = await store.readHistory("alice", { sinceVersion: 0, limit: 100 });
    await store.close();
    beforeOpRecords(filePath());

    const reopened = open();
    expect(await reopened.commitPlayers(credit)).toMatchObject({ replayed: true, result: { version: 2 } });
    expect(await reopened.readHistory("alice", { sinceVersion: 0, limit: 100 })).toEqual(before);
    await reopened.commitPlayers(applyTo("alice", [op.credit("gold", 5)]));
    await reopened.commitPlayers(transferGold("alice", "bob", 1));

    const history = await reopened.readHistory("alice", { sinceVersion: 0, limit: 100 });
    expect(history.map((entry) => entry.version)).toEqual([1, 2, 3, 4]);
    expect(history.slice(0, 2)).toEqual(before);
    expect((await reopened.readHistory("alice", { sinceVersion: 1, limit: 2 })).map((entry) => entry.version)).toEqual([2, 3]);
    expect((await reopened.readHistory("bob", { sinceVersion: 0, limit: 100 })).map((entry) => entry.version)).toEqual([1, 2]);
    expect((await reopened.getPlayer("alice"))?.wallet).toEqual({ gold: 14 });

    // A migrated result is pruned like any other: its op id then expires, never applies twice.
    expect(await reopened.pruneOpResults(new Date(Date.now() + 60_000))).toBe(5);
    await expect(reopened.commitPlayers(credit)).rejects.toMatchObject({ code: "OP_ID_EXPIRED" });
    expect(await reopened.pruneOpResults(new Date(Date.now() + 60_000))).toBe(0);
  });

  it("reads any stretch of a long history, of a player written between others, from the links alone", async () => {
    const store = open();
    await store.commitPlayers(createPlayer("alice"));
    await store.commitPlayers(createPlayer("bob"));
    for (let k = 0; k < 300; k += 20) {
      await Promise.all(
        Array.from({ length: 20 }, (_, j) => store.commitPlayers(applyTo((k + j) % 3 ? "alice" : "bob", [op.credit("gold", 1)]))),
      );
    }
    const all = await store.readHistory("alice", { sinceVersion: 0, limit: 1000 });
    expect(all.map((entry) => entry.version)).toEqual(versions(0, 201));
    expect(all.every((entry) => entry.playerId === "alice")).toBe(true);
    for (const since of [0, 1, 2, 63, 64, 65, 100, 127, 128, 199, 200, 201, 250]) {
      for (const limit of [1, 3, 64, 500]) {
        const page = await store.readHistory("alice", { sinceVersion: since, limit });
        expect(page).toEqual(all.filter((entry) => entry.version > since).slice(0, limit));
      }
    }
  });

  it("reads a migrated player's history across the old op log and many new records", async () => {
    const store = open();
    await store.commitPlayers(createPlayer("alice"));
    for (let k = 0; k < 10; k++) await store.commitPlayers(applyTo("alice", [op.credit("gold", 1)]));
    await store.close();
    beforeOpRecords(filePath());
    const reopened = open();
    for (let k = 0; k < 60; k += 20) {
      await Promise.all(Array.from({ length: 20 }, () => reopened.commitPlayers(applyTo("alice", [op.credit("gold", 1)]))));
    }
    const all = await reopened.readHistory("alice", { sinceVersion: 0, limit: 1000 });
    expect(all.map((entry) => entry.version)).toEqual(versions(0, 71));
    for (const since of [0, 5, 10, 11, 12, 31, 32, 33, 63, 64, 70, 71]) {
      for (const limit of [1, 2, 16, 100]) {
        expect(await reopened.readHistory("alice", { sinceVersion: since, limit })).toEqual(
          all.filter((entry) => entry.version > since).slice(0, limit),
        );
      }
    }
  });
});

/** Versions above `since`, up to `last`. */
function versions(since: number, last: number): number[] {
  return Array.from({ length: last - since }, (_, k) => since + k + 1);
}

/**
 * Puts a file back as core-005 found it: results in `op_results`, the op log in `op_log`, no
 * `ops` records, no `players.spine`.
 */
function beforeOpRecords(path: string): void {
  const raw = new Database(path);
  raw.exec(`
    CREATE TABLE op_results (op_key TEXT PRIMARY KEY, request_hash TEXT NOT NULL, result TEXT, at INTEGER NOT NULL) WITHOUT ROWID;
    CREATE INDEX op_results_at ON op_results (at);
    INSERT INTO op_results SELECT op_key, request_hash, result, at FROM ops;
    INSERT INTO op_log (player_id, version, op_key, entry)
      SELECT l.value ->> '$.entry.playerId', l.value ->> '$.entry.version', o.op_key, json(l.value -> '$.entry')
      FROM ops o, json_each(o.entries) l;
    DROP TABLE ops;
    DROP TABLE store_meta;
    ALTER TABLE players DROP COLUMN spine;
    DELETE FROM schema_migrations WHERE name = 'core-005-op-records';
  `);
  raw.close();
}
