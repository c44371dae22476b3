import { expect, it } from "vitest";
import { Outbox, type OutboxEntry, type OutboxStorage } from "./outbox.js";

/** A storage that keeps what was written, each write taking a turn of the event loop (as I/O does). */
function recordingStorage() {
  const writes: string[][] = [];
  let stored: OutboxEntry[] = [];
  const storage: OutboxStorage = {
    load: () => [],
    save: async (entries) => {
      await new Promise((resolve) => setImmediate(resolve));
      stored = entries.map((entry) => ({ ...entry }));
      writes.push(stored.map((entry) => entry.opId));
    },
  };
  return { storage, writes, stored: () => stored };
}

it("a burst of mutations shares whole-list writes, and none is sent before a write holding it (marked sent) has finished", async () => {
  const { storage, writes, stored } = recordingStorage();
  const sentWhileStored: boolean[] = [];
  const outbox = new Outbox(
    storage,
    async (entry, beforeSend) => {
      await beforeSend();
      sentWhileStored.push(stored().some((kept) => kept.opId === entry.opId && kept.sent === true));
      return { opId: entry.opId };
    },
    1000,
  );
  const count = 100;
  // Distinct players: delivered side by side, as a game's many players' mutations are.
  const results = await Promise.all(
    Array.from({ length: count }, (_, i) => outbox.push("inventory:apply", { opId: `op-${i}-00000000`, playerId: `p${i}` } as never)),
  );
  expect(results.map((data) => (data as { opId: string }).opId)).toEqual(Array.from({ length: count }, (_, i) => `op-${i}-00000000`));
  expect(sentWhileStored).toEqual(Array(count).fill(true));
  expect(stored()).toEqual([]);
  expect(await outbox.list()).toEqual([]);
  // Three changes a mutation (queued, sent, settled): one write each would be 300.
  expect(writes.length).toBeLessThan(count);
});

it("changes made while a write is under way are all in the next write", async () => {
  const { storage, writes } = recordingStorage();
  const outbox = new Outbox(storage, () => new Promise(() => {}), 1000);
  // The node never answers: each push stays queued; what counts is what was written.
  const first = outbox.push("inventory:apply", { opId: "first-0000", playerId: "a" } as never);
  const second = outbox.push("inventory:apply", { opId: "second-000", playerId: "a" } as never);
  void first;
  void second;
  await expect.poll(() => writes.at(-1)).toEqual(["first-0000", "second-000"]);
  expect((await outbox.list()).map((entry) => entry.opId)).toEqual(["first-0000", "second-000"]);
});
