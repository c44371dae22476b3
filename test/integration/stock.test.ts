import { type HoardClient, HoardError, type StockNegativePush, type StockPush } from "@hoard/client-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, startServer, type TestServer } from "../support/server";
import { day, stockKey } from "../support/stock";

describe("stock ledger over the SDK", () => {
  let server: TestServer;
  let gm: HoardClient;
  const open = (role: "player" | "server" | "admin", sub?: string) => server.client(role, sub);

  beforeAll(async () => {
    server = await startServer();
    gm = await open("server", "game");
  });
  afterAll(async () => {
    await server.close();
  });

  it("acquires over ranges and sells over a range, taking partitions in name order", async () => {
    const key = stockKey();
    await gm.stock.acquire(key, { from: day(0), to: day(9), amount: 5, partition: "p0" });
    const second = await gm.stock.acquire(key, { from: day(5), to: day(14), amount: 3, partition: "p1" });
    expect(second).toMatchObject({ key, version: 2, partition: "p1", amount: 3, replayed: false });

    const sold = await gm.stock.sell(key, { from: day(8), to: day(11), amount: 3 });
    expect(sold).toMatchObject({ version: 3, amount: 3, negativeDays: 0, negative: [], replayed: false });

    const { version, days } = await gm.stock.read(key, { from: day(0), to: day(20) });
    expect(version).toBe(3);
    expect(days).toHaveLength(15);
    expect(days[0]).toEqual({ day: day(0), partitions: { p0: 5 }, total: 5 });
    expect(days[5]).toEqual({ day: day(5), partitions: { p0: 5, p1: 3 }, total: 8 });
    // Days 8 and 9 held p0 5 and p1 3: the three units come out of p0, first by name.
    expect(days[8]).toEqual({ day: day(8), partitions: { p0: 2, p1: 3 }, total: 5 });
    // Days 10 and 11 held only p1 3: emptied, the partitions stay at 0.
    expect(days[10]).toEqual({ day: day(10), partitions: { p1: 0 }, total: 0 });
    expect(days.map((entry) => entry.total)).toEqual([5, 5, 5, 5, 5, 8, 8, 8, 5, 5, 0, 0, 3, 3, 3]);
  });

  it("refuses a sale atomically when any day of the range is short, naming the days", async () => {
    const key = stockKey();
    await gm.stock.setPartitions(key, { from: day(0), to: day(3), partitions: { a: 2, b: 1 } });
    await gm.stock.sell(key, { from: day(2), to: day(2), amount: 3 });
    const before = await gm.stock.read(key, { from: day(0), to: day(3) });

    const error = await failure(gm.stock.sell(key, { from: day(0), to: day(3), amount: 2 }));
    expect(error).toBeInstanceOf(HoardError);
    expect(error).toMatchObject({
      code: "STOCK_INSUFFICIENT",
      details: { amount: 2, shortDays: 1, short: [{ day: day(2), available: 0 }] },
    });
    expect(await gm.stock.read(key, { from: day(0), to: day(3) })).toEqual(before);
  });

  it("lets exactly the available number of racing sales through, from many clients", async () => {
    const key = stockKey("race");
    const available = 7;
    await gm.stock.setPartitions(key, { from: day(0), to: day(29), partitions: { p0: 4, p1: 3 } });
    const racers = await Promise.all(Array.from({ length: 6 }, (_, i) => open("server", `shop-${i}`)));
    const outcomes = await Promise.allSettled(
      racers.flatMap((racer) => Array.from({ length: 4 }, () => racer.stock.sell(key, { from: day(0), to: day(29) }))),
    );
    const sold = outcomes.filter((outcome) => outcome.status === "fulfilled");
    const refused = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : []));
    expect(sold).toHaveLength(available);
    expect(refused).toHaveLength(24 - available);
    for (const reason of refused) expect(reason).toMatchObject({ code: "STOCK_INSUFFICIENT" });

    const { version, days } = await gm.stock.read(key, { from: day(0), to: day(29) });
    expect(version).toBe(1 + available);
    expect(days).toHaveLength(30);
    for (const entry of days) expect(entry).toMatchObject({ partitions: { p0: 0, p1: 0 }, total: 0 });
  });

  it("applies a short sale with allowNegative and raises stock:negative after the change", async () => {
    const key = stockKey("neg");
    await gm.stock.acquire(key, { from: day(0), to: day(2), amount: 1, partition: "p0" });
    const console = await open("admin", "console");
    const pushes: Array<StockPush | StockNegativePush> = [];
    const { seq } = await console.stock.subscribe({ key }, (push) => pushes.push(push));
    expect(seq).toBe(1);

    const sold = await gm.stock.sell(key, { from: day(1), to: day(3), amount: 3, allowNegative: true });
    expect(sold).toMatchObject({
      version: 2,
      negativeDays: 3,
      negative: [
        { day: day(1), available: 1 },
        { day: day(2), available: 1 },
        { day: day(3), available: 0 },
      ],
    });
    await expect.poll(() => pushes.length).toBe(2);
    expect(pushes[0]).toMatchObject({ type: "stock", seq: 2, kind: "sell", from: day(1), to: day(3), totals: [-2, -2, -3] });
    expect(pushes[1]).toMatchObject({ type: "stock:negative", seq: 2, key, opId: expect.any(String), negativeDays: 3 });

    const { days } = await gm.stock.read(key, { from: day(0), to: day(3) });
    expect(days).toEqual([
      { day: day(0), partitions: { p0: 1 }, total: 1 },
      { day: day(1), partitions: { p0: -2 }, total: -2 },
      { day: day(2), partitions: { p0: -2 }, total: -2 },
      { day: day(3), partitions: { default: -3 }, total: -3 },
    ]);
  });

  it("applies a repeated opId once and refuses its reuse for another request", async () => {
    const key = stockKey();
    const first = await gm.stock.acquire(key, { from: day(0), to: day(1), amount: 2 }, { opId: "stock-acquire-0001" });
    const again = await gm.stock.acquire(key, { from: day(0), to: day(1), amount: 2 }, { opId: "stock-acquire-0001" });
    expect(again).toEqual({ ...first, replayed: true });
    const reused = await failure(gm.stock.acquire(key, { from: day(0), to: day(1), amount: 9 }, { opId: "stock-acquire-0001" }));
    expect(reused).toMatchObject({ code: "OP_ID_REUSED" });
    const { version, days } = await gm.stock.read(key, { from: day(0), to: day(1) });
    expect(version).toBe(1);
    expect(days.map((entry) => entry.partitions)).toEqual([{ default: 2 }, { default: 2 }]);
  });

  it("pushes every change to the key and to its prefixes, each with the key's own seq", async () => {
    const root = `grid${Date.now().toString(36)}`;
    const console = await open("admin", "console");
    const pushes: StockPush[] = [];
    await console.stock.subscribe({ prefix: root }, (push) => {
      if (push.type === "stock") pushes.push(push);
    });
    await gm.stock.acquire(`${root}/a/unit1`, { from: day(0), to: day(2), amount: 4 });
    await gm.stock.setPartitions(`${root}/b/unit1`, { from: day(1), to: day(1), partitions: { x: 1, y: 2 } });
    await gm.stock.sell(`${root}/a/unit1`, { from: day(1), to: day(1) });
    await gm.stock.acquire(`${root}x/a/unit1`, { from: day(0), to: day(0), amount: 1 }); // not under the prefix
    await gm.stock.acquire(`${root}-y`, { from: day(0), to: day(0), amount: 1 }); // nor this
    await gm.stock.acquire(root, { from: day(0), to: day(0), amount: 2 }); // the prefix itself is a key: it is

    await expect.poll(() => pushes.length).toBe(4);
    expect(pushes.map(({ key, seq, kind, totals }) => ({ key, seq, kind, totals }))).toEqual([
      { key: `${root}/a/unit1`, seq: 1, kind: "acquire", totals: [4, 4, 4] },
      { key: `${root}/b/unit1`, seq: 1, kind: "setPartitions", totals: [3] },
      { key: `${root}/a/unit1`, seq: 2, kind: "sell", totals: [3] },
      { key: root, seq: 1, kind: "acquire", totals: [2] },
    ]);
  });

  it("lists keys under a prefix with their day totals, page by page", async () => {
    const root = `list${Date.now().toString(36)}`;
    for (const key of [`${root}/b`, `${root}/a/unit2`, `${root}/a/unit1`, `${root}-other/a`, `${root}.x`]) {
      await gm.stock.acquire(key, { from: day(1), to: day(1), amount: 2 });
    }
    await gm.stock.acquire(`${root}/a/unit1`, { from: day(0), to: day(3), amount: 1, partition: "p1" });

    const first = await gm.stock.list({ prefix: root, from: day(0), to: day(2), limit: 2 });
    expect(first).toEqual({
      from: day(0),
      to: day(2),
      keys: [
        { key: `${root}/a/unit1`, version: 2, totals: [1, 3, 1] },
        { key: `${root}/a/unit2`, version: 1, totals: [0, 2, 0] },
      ],
      next: `${root}/a/unit2`,
    });
    const rest = await gm.stock.list({ prefix: root, from: day(0), to: day(2), after: first.next ?? "" });
    expect(rest.keys.map((entry) => entry.key)).toEqual([`${root}/b`]);
    expect(rest.next).toBeNull();
    expect((await gm.stock.list({ prefix: `${root}/b`, from: day(1), to: day(1) })).keys).toEqual([
      { key: `${root}/b`, version: 1, totals: [2] },
    ]);
  });

  it("refuses a repeat whose result was pruned, instead of applying it twice", async () => {
    const key = stockKey();
    await gm.stock.acquire(key, { from: day(0), to: day(0), amount: 1 }, { opId: "stock-expired-0001" });
    await server.app.store.pruneOpResults(new Date(Date.now() + 60_000));
    const late = await failure(gm.stock.acquire(key, { from: day(0), to: day(0), amount: 1 }, { opId: "stock-expired-0001" }));
    expect(late).toMatchObject({ code: "OP_ID_EXPIRED" });
    expect((await gm.stock.read(key, { from: day(0), to: day(0) })).days).toEqual([{ day: day(0), partitions: { default: 1 }, total: 1 }]);
  });

  it("reads a key never written as version 0 with no days", async () => {
    expect(await gm.stock.read(stockKey(), { from: day(0), to: day(9) })).toMatchObject({ version: 0, days: [] });
  });

  it("keeps players out of stock: operations, reads and topics", async () => {
    const player = await open("player", "alice");
    const key = stockKey();
    expect(await failure(player.stock.read(key, { from: day(0), to: day(0) }))).toMatchObject({ code: "AUTH_FORBIDDEN" });
    expect(await failure(player.stock.acquire(key, { from: day(0), to: day(0), amount: 1 }))).toMatchObject({ code: "AUTH_FORBIDDEN" });
    expect(await failure(player.stock.subscribe({ key }, () => {}))).toMatchObject({ code: "AUTH_FORBIDDEN" });
    expect(await failure(player.stock.subscribe({ prefix: "" }, () => {}))).toMatchObject({ code: "AUTH_FORBIDDEN" });
  });

  it("refuses days off the calendar and ranges too long, changing nothing", async () => {
    const key = stockKey();
    expect(await failure(gm.stock.acquire(key, { from: "2025-02-29", to: "2025-03-01", amount: 1 }))).toMatchObject({
      code: "VALIDATION_FAILED",
      details: { issues: [{ path: "from" }] },
    });
    expect(await failure(gm.stock.sell(key, { from: day(0), to: day(3660) }))).toMatchObject({ code: "VALIDATION_FAILED" });
    expect(await failure(gm.stock.read(key, { from: day(3), to: day(2) }))).toMatchObject({ code: "VALIDATION_FAILED" });
    expect((await gm.stock.read(key, { from: day(0), to: day(5) })).version).toBe(0);
  });

  it("answers over REST with the same rules and envelope", async () => {
    const key = stockKey("rest");
    const token = await server.token("server", "erp");
    const post = (path: string, body: unknown) =>
      fetch(`${server.url}/api/v1/stock/${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const acquired = await post("acquire", { key, from: day(0), to: day(1), amount: 1, opId: "rest-acquire-1" });
    expect(acquired.status).toBe(200);
    const short = await post("sell", { key, from: day(0), to: day(1), amount: 2, opId: "rest-sell-1" });
    expect(short.status).toBe(422);
    expect(await short.json()).toMatchObject({ ok: false, error: { code: "STOCK_INSUFFICIENT", details: { shortDays: 2 } } });
    const read = await fetch(`${server.url}/api/v1/stock/days?key=${encodeURIComponent(key)}&from=${day(0)}&to=${day(1)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await read.json()).toMatchObject({ ok: true, data: { key, version: 1, days: [{ total: 1 }, { total: 1 }] } });
  });
});
