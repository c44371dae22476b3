import { describe, expect, it } from "vitest";
import { KeyedLocks } from "./locks";

/** A task that records when it starts and ends, and finishes only when released. */
function gate(log: string[], name: string) {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    open,
    task: async () => {
      log.push(`${name} start`);
      await opened;
      log.push(`${name} end`);
      return name;
    },
  };
}

/** Lets every queued promise callback run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
}

describe("KeyedLocks", () => {
  it("runs tasks on one key one at a time, in the order they asked", async () => {
    const locks = new KeyedLocks();
    const log: string[] = [];
    const [a, b, c] = [gate(log, "a"), gate(log, "b"), gate(log, "c")];

    const runs = [locks.run(["alice"], a.task), locks.run(["alice"], b.task), locks.run(["alice"], c.task)];
    await settle();
    expect(log).toEqual(["a start"]);
    c.open();
    b.open();
    a.open();

    expect(await Promise.all(runs)).toEqual(["a", "b", "c"]);
    expect(log).toEqual(["a start", "a end", "b start", "b end", "c start", "c end"]);
    expect(locks.size).toBe(0);
  });

  it("lets tasks on different keys run side by side", async () => {
    const locks = new KeyedLocks();
    const log: string[] = [];
    const [a, b] = [gate(log, "a"), gate(log, "b")];

    const runs = [locks.run(["alice"], a.task), locks.run(["bob"], b.task)];
    await settle();

    expect(log).toEqual(["a start", "b start"]);
    a.open();
    b.open();
    await Promise.all(runs);
  });

  it("never deadlocks two tasks that name the same keys in opposite orders", async () => {
    const locks = new KeyedLocks();
    const log: string[] = [];
    const [a, b] = [gate(log, "a"), gate(log, "b")];

    const runs = [locks.run(["zed", "amy"], a.task), locks.run(["amy", "zed", "amy"], b.task)];
    await settle();
    expect(log).toEqual(["a start"]);
    a.open();
    b.open();

    expect(await Promise.all(runs)).toEqual(["a", "b"]);
    expect(locks.size).toBe(0);
  });

  it("releases the keys when the task throws", async () => {
    const locks = new KeyedLocks();

    await expect(locks.run(["alice"], () => Promise.reject(new Error("refused")))).rejects.toThrow("refused");

    await expect(locks.run(["alice"], async () => "next")).resolves.toBe("next");
    expect(locks.size).toBe(0);
  });
});
