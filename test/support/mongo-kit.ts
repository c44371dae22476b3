import { randomUUID } from "node:crypto";
import type { Store } from "@hoard/server/internal/store/port";
import { MongoClient } from "mongodb";
import { expect, it } from "vitest";

/**
 * The MongoDB verification kit's shared parts (test/contract/mongo*.test.ts, `npm run
 * verify:mongo`). Every part needs MONGODB_URL (a replica set; the fault tests also need
 * enableTestCommands=1, the step-down test three members). Where that is missing, each part
 * registers one skipped test whose name says "not run" and prints the same line: never a silent pass.
 */

export const mongoUrl: string | undefined = process.env.MONGODB_URL;

/** One skipped test named `MongoDB <part>: not run (<why>)`, and the same line on the console. */
export function reportNotRun(part: string, why = "no MONGODB_URL"): void {
  const line = `MongoDB ${part}: not run (${why})`;
  console.warn(line);
  it.skip(line, () => {});
}

const run = randomUUID().slice(0, 8);
let made = 0;

/** A fresh database name for one test, and a way to drop it; the kit never touches another database. */
export function freshDatabase(url: string, label: string): { database: string; drop(): Promise<void> } {
  made += 1;
  const database = `hoard_${label}_${run}_${made}`;
  return {
    database,
    async drop() {
      const client = new MongoClient(url, { appName: "hoard-kit" });
      try {
        await client.db(database).dropDatabase();
      } finally {
        await client.close();
      }
    },
  };
}

/**
 * What every burst must leave, whatever failed on the way: per player, exactly the acked credits
 * (`worker/opId` keys): gold = their number, versions 1…n+1 with no gap, and each acked op in
 * the op log once, nothing else.
 */
export async function expectLedger(store: Store, acked: ReadonlyMap<string, readonly string[]>): Promise<void> {
  for (const [playerId, ops] of acked) {
    const player = await store.getPlayer(playerId);
    expect(player?.wallet).toEqual(ops.length === 0 ? {} : { gold: ops.length });
    expect(player?.version).toBe(1 + ops.length);
    const log = await store.readHistory(playerId, { sinceVersion: 0, limit: ops.length + 10 });
    expect(log.map((entry) => entry.version)).toEqual(Array.from({ length: 1 + ops.length }, (_, i) => i + 1));
    expect(
      log
        .slice(1)
        .map((entry) => `${entry.actor.sub}/${entry.opId}`)
        .sort(),
    ).toEqual([...ops].sort());
  }
}
