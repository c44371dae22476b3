import type { DomainRecord } from "@hoard/server/internal/commit/plan";
import type { PlayerCommit } from "@hoard/server/internal/store/port";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { anActor, anItemId, anOpId, op } from "../support/builders";
import { aCartLine, applyTo, createPlayer, editCart } from "./commits";
import { useSqliteFile } from "./sqlite-file";

/**
 * The embedded engine keeps cart lines in rows of their own and caches parsed players by
 * version (store/sqlite/player-rows.ts). These tests hold it to what that must not change:
 * two handles on one file (two nodes) always see each other's writes, a rolled-back op leaves
 * nothing behind, a rule cannot mutate a shared state, and files written before the layout
 * changed read the same.
 */
describe("sqlite player rows and cache", () => {
  const { open, path: filePath } = useSqliteFile("hoard-player-rows-");

  it("two handles on one file read each other's writes, cart lines included", async () => {
    const [a, b] = [open(), open()];
    const [sword, shield] = [anItemId("sword"), anItemId("shield")];
    await a.commitPlayers(createPlayer("alice"));
    await a.commitPlayers(editCart("alice", { lines: { [sword]: aCartLine() } }));
    expect((await a.getPlayer("alice"))?.version).toBe(2);

    await b.commitPlayers(editCart("alice", { lines: { [shield]: aCartLine({ itemCount: 3 }), [sword]: null } }));
    await b.commitPlayers(applyTo("alice", [op.credit("gold", 5)]));

    const seenByA = await a.getPlayer("alice");
    expect(seenByA?.version).toBe(4);
    expect(seenByA?.cart).toEqual({ lines: { [shield]: aCartLine({ itemCount: 3 }) } });
    expect(seenByA?.wallet).toEqual({ gold: 5 });
    // A's next commit builds on B's state, not on the one A had cached.
    await a.commitPlayers(applyTo("alice", [op.credit("gold", 1)]));
    expect(await b.getPlayer("alice")).toMatchObject({ version: 5, wallet: { gold: 6 }, cart: { lines: { [shield]: {} } } });
  });

  it("lists cart lines in the order they were added, whether the state was cached or read from the rows", async () => {
    const [a, b] = [open(), open()];
    await a.commitPlayers(createPlayer("alice"));
    // Item ids in the opposite order to the times they were added, and a tie broken by item id.
    const [z, y, x] = ["f", "8", "0"].map((digit) => digit.repeat(64)) as [string, string, string];
    const at = (second: number) => `2030-01-01T00:00:0${second}.000Z`;
    await a.commitPlayers(editCart("alice", { lines: { [z]: aCartLine({ addedAt: at(1) }) } }));
    await a.commitPlayers(editCart("alice", { lines: { [y]: aCartLine({ addedAt: at(2) }), [x]: aCartLine({ addedAt: at(2) }) } }));

    expect(Object.keys((await b.getPlayer("alice"))?.cart?.lines ?? {})).toEqual([z, x, y]);
    // A's cached state keeps the order the rules built, which is the order the change listed.
    expect(Object.keys((await a.getPlayer("alice"))?.cart?.lines ?? {})).toEqual([z, y, x]);
  });

  it("forgets a write whose op was rolled back, even when another handle then writes that version", async () => {
    const [a, b] = [open(), open()];
    await a.commitPlayers(createPlayer("alice"));
    const receipt: DomainRecord = { kind: "order", id: "order-1", playerIds: ["alice"], at: "2030-01-01T00:00:00.000Z", data: {} };
    await a.commitPlayers(withRecord(editCart("alice", { lines: { [anItemId("first")]: aCartLine() } }), receipt));

    // The player write succeeds, then the duplicate receipt fails the op: its savepoint rolls back.
    const doomed = withRecord(editCart("alice", { lines: { [anItemId("doomed")]: aCartLine() } }), receipt);
    await expect(a.commitPlayers(doomed)).rejects.toThrow();
    // No read through A in between: A must not hold the doomed version 3 when B writes its own.
    await b.commitPlayers(editCart("alice", { lines: { [anItemId("other")]: aCartLine() } }));
    const player = await a.getPlayer("alice");
    expect(player?.version).toBe(3);
    expect(Object.keys(player?.cart?.lines ?? {}).sort()).toEqual([anItemId("first"), anItemId("other")].sort());
  });

  it("refuses a rule that mutates the player it was given, and keeps the stored state", async () => {
    const store = open();
    await store.commitPlayers(createPlayer("alice"));
    await store.commitPlayers(applyTo("alice", [op.credit("gold", 10)]));
    const opId = anOpId();
    const mutating: PlayerCommit<null> = {
      opId,
      actor: anActor(),
      kind: "inventory:apply",
      requestHash: opId,
      playerIds: ["alice"],
      apply: (players) => {
        const player = players.get("alice");
        if (player) player.wallet.gold = 1_000_000;
        return { writes: [], result: null };
      },
    };

    await expect(store.commitPlayers(mutating)).rejects.toThrow(TypeError);
    expect((await store.getPlayer("alice"))?.wallet).toEqual({ gold: 10 });
  });

  it("reads a file written before cart lines had rows of their own", async () => {
    const store = open();
    await store.commitPlayers(createPlayer("alice"));
    await store.commitPlayers(createPlayer("bob"));
    await store.close();
    const line = aCartLine({ itemCount: 4 });
    const sword = anItemId("sword");
    // Put the file back as core-003 found it: the cart inside the state, no cart_lines table.
    const raw = new Database(filePath());
    raw.exec("DROP TABLE cart_lines; DELETE FROM schema_migrations WHERE name = 'core-003-cart-lines'");
    raw
      .prepare("UPDATE players SET state = json_set(state, '$.cart', json(?)) WHERE id = 'alice'")
      .run(JSON.stringify({ lines: { [sword]: line } }));
    raw.close();

    const reopened = open();
    expect((await reopened.getPlayer("alice"))?.cart).toEqual({ lines: { [sword]: line } });
    expect((await reopened.getPlayer("bob"))?.cart).toBeUndefined();
    await reopened.commitPlayers(editCart("alice", { lines: { [sword]: null } }));
    expect((await reopened.getPlayer("alice"))?.cart).toBeUndefined();
  });
});

/** The same commit, writing `record` beside its player write. */
function withRecord<R>(commit: PlayerCommit<R>, record: DomainRecord): PlayerCommit<R> {
  return {
    ...commit,
    apply: (players, at, guards) => {
      const plan = commit.apply(players, at, guards);
      return { ...plan, records: [...(plan.records ?? []), record] };
    },
  };
}
