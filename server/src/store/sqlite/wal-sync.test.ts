import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WalSync } from "./wal-sync";

/** A sync the test finishes by hand, recording when each began. */
function manualSyncs() {
  const started: Array<{ finish: () => void; fail: (error: Error) => void }> = [];
  const sync = () =>
    new Promise<void>((resolve, reject) => {
      started.push({ finish: resolve, fail: reject });
    });
  return { started, sync };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe("WalSync", () => {
  it("answers a commit only after a sync that began after it; commits during a sync share the next one", async () => {
    const { started, sync } = manualSyncs();
    const wal = new WalSync("unused", sync);
    const done: string[] = [];
    void wal.afterCommit().then(() => done.push("first"));
    await settled();
    expect(started).toHaveLength(1);

    // Two commits land while the first sync runs: its frames may predate them, so they wait.
    void wal.afterCommit().then(() => done.push("second"));
    void wal.afterCommit().then(() => done.push("third"));
    started[0]?.finish();
    await settled();
    expect(done).toEqual(["first"]);
    expect(started).toHaveLength(2);

    started[1]?.finish();
    await settled();
    expect(done).toEqual(["first", "second", "third"]);
    await wal.close();
  });

  it("rejects the commits a failed sync covered, and syncs again for later ones", async () => {
    const { started, sync } = manualSyncs();
    const wal = new WalSync("unused", sync);
    const first = wal.afterCommit();
    started[0]?.fail(new Error("EIO"));
    await expect(first).rejects.toThrow("EIO");
    const second = wal.afterCommit();
    await settled();
    started[1]?.finish();
    await expect(second).resolves.toBeUndefined();
  });

  it("syncs a real file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hoard-wal-sync-"));
    try {
      const path = join(dir, "store.db-wal");
      writeFileSync(path, "frames");
      const wal = new WalSync(path);
      await Promise.all([wal.afterCommit(), wal.afterCommit(), wal.afterCommit()]);
      await wal.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
