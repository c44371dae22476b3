import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { connect, type HoardClient, type StockPush } from "@hoard/client-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../support/server";
import { day, type StockFile, stockFile } from "../support/stock";

const BATCH = 150;
const shape = { suppliers: 2, components: 3, units: 2, days: 30, partitions: 4 }; // 12 keys × 30 days = 360 rows: 3 batches

/** Every key of the file reads back exactly what the file says. */
async function expectReadBack(client: HoardClient, file: StockFile): Promise<void> {
  for (const [key, days] of file.expected) {
    const read = await client.stock.read(key, { from: day(0), to: day(shape.days - 1) });
    expect(read.days, key).toEqual(days);
  }
}

describe("stock import over HTTP", () => {
  let server: TestServer;
  let gm: HoardClient;
  let token: string;
  const post = (body: string, options: { query?: string; type?: string; auth?: string | null } = {}) =>
    fetch(`${server.url}/api/v1/stock/import${options.query ?? ""}`, {
      method: "POST",
      headers: {
        "content-type": options.type ?? "application/x-ndjson",
        ...(options.auth === null ? {} : { authorization: `Bearer ${options.auth ?? token}` }),
      },
      body,
    });

  beforeAll(async () => {
    server = await startServer({ env: { HOARD_STOCK_IMPORT_BATCH: String(BATCH) } });
    token = await server.token("server", "erp");
    gm = await connect(server.url, { token });
  });
  afterAll(async () => {
    gm.close();
    await server.close();
  });

  it("imports a generated NDJSON file in batches and reads it back exactly", async () => {
    const file = stockFile({ root: "http-ndjson", ...shape });
    const reply = await post(file.ndjson);
    expect(reply.status).toBe(200);
    expect(await reply.json()).toMatchObject({
      ok: true,
      data: {
        importId: null,
        lines: 360,
        rows: 360,
        counts: 1440,
        keys: 12,
        batches: 3,
        replayedBatches: 0,
        replayedRows: 0,
        badLines: 0,
        errors: [],
      },
    });
    await expectReadBack(gm, file);
  });

  it("imports the same shape from CSV", async () => {
    const file = stockFile({ root: "http-csv", ...shape });
    const reply = await post(file.csv, { type: "text/csv" });
    expect(await reply.json()).toMatchObject({ ok: true, data: { lines: 361, rows: 360, counts: 1440, badLines: 0 } });
    await expectReadBack(gm, file);
  });

  it("reports bad lines by number and keeps the good ones", async () => {
    const file = stockFile({ root: "http-bad", ...shape, components: 1, units: 1, days: 5 });
    const lines = file.ndjson.trimEnd().split("\n");
    lines.splice(1, 0, "{oops");
    lines.splice(3, 0, JSON.stringify({ key: "http-bad/x", day: "2025-02-30", partitions: {} }));
    lines.splice(5, 0, "");
    lines.push(JSON.stringify({ key: "http-bad/y", day: day(0), partitions: { p0: -4 } }));
    const reply = await post(`${lines.join("\n")}\n`);
    const body = await reply.json();
    expect(body).toMatchObject({ ok: true, data: { lines: 14, rows: 10, counts: 40, badLines: 3 } });
    expect(body.data.errors).toEqual([
      { line: 2, message: "not valid JSON" },
      { line: 4, message: "day: a real calendar date YYYY-MM-DD, 1970 or later" },
      { line: 14, message: expect.stringMatching(/^partitions\.p0: /) },
    ]);
    await expectReadBack(gm, file);
    expect((await gm.stock.read("http-bad/y", { from: day(0), to: day(0) })).version).toBe(0);
  });

  it("skips the batches an import id already applied, and a plain re-run sets the same state", async () => {
    const file = stockFile({ root: "http-rerun", ...shape });
    const query = "?importId=rerun-import-0001";
    expect((await (await post(file.ndjson, { query })).json()).data).toMatchObject({ batches: 3, replayedBatches: 0 });
    const key = [...file.expected.keys()][0] as string;
    const version = (await gm.stock.read(key, { from: day(0), to: day(0) })).version;

    expect((await (await post(file.ndjson, { query })).json()).data).toMatchObject({
      batches: 3,
      replayedBatches: 3,
      replayedRows: 360,
      counts: 1440,
    });
    expect((await gm.stock.read(key, { from: day(0), to: day(0) })).version).toBe(version);

    // Someone sells in between; running the import again sets the counts back.
    await gm.stock.sell(key, { from: day(0), to: day(1) });
    expect((await (await post(file.ndjson)).json()).data).toMatchObject({ batches: 3, replayedBatches: 0 });
    await expectReadBack(gm, file);

    const reused = await post(file.ndjson.replace('"p0":', '"p9":'), { query });
    expect(reused.status).toBe(409);
    expect(await reused.json()).toMatchObject({ ok: false, error: { code: "OP_ID_REUSED" } });
  });

  it("pushes each imported key to its topics once per batch", async () => {
    const console = await connect(server.url, { token: await server.token("admin", "console") });
    const pushes: StockPush[] = [];
    await console.stock.subscribe({ prefix: "http-push" }, (push) => {
      if (push.type === "stock") pushes.push(push);
    });
    const file = stockFile({ root: "http-push", ...shape, suppliers: 1, components: 1, units: 2, days: 3 });
    await post(file.ndjson);
    await expect.poll(() => pushes.length).toBe(2);
    expect(pushes.map(({ key, seq, kind, from, to, totals }) => ({ key, seq, kind, from, to, totals }))).toEqual([
      { key: "http-push/supplier0/component0/unit0", seq: 1, kind: "import", from: day(0), to: day(2), totals: undefined },
      { key: "http-push/supplier0/component0/unit1", seq: 1, kind: "import", from: day(0), to: day(2), totals: undefined },
    ]);
    console.close();
  });

  it("refuses a missing token, a player, a bad query and a CSV without its header", async () => {
    const anonymous = await post("", { auth: null });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ ok: false, error: { code: "AUTH_UNAUTHENTICATED" } });
    const player = await post("", { auth: await server.token("player", "alice") });
    expect(player.status).toBe(403);
    expect(await player.json()).toMatchObject({ ok: false, error: { code: "AUTH_FORBIDDEN" } });
    const badQuery = await post("", { query: "?format=xml" });
    expect(await badQuery.json()).toMatchObject({ ok: false, error: { code: "VALIDATION_FAILED" } });
    const headless = await post("k/1,2025-01-01,5\n", { type: "text/csv" });
    expect(await headless.json()).toMatchObject({ ok: false, error: { code: "VALIDATION_FAILED", details: { line: 1 } } });
  });

  it("lists the import route in the OpenAPI document", async () => {
    const openapi = await (await fetch(`${server.url}/api/openapi.json`)).json();
    expect(openapi.paths["/api/v1/stock/import"].post).toMatchObject({ operationId: "stock:import" });
    expect(openapi.paths["/api/v1/stock/sell"].post).toMatchObject({ operationId: "stock:sell" });
  });
});

describe("stock import from the CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "hoard-stock-"));
  const db = join(dir, "hoard.db");
  const bin = fileURLToPath(new URL("../../server/bin/hoard.js", import.meta.url));
  const hoard = (...args: string[]) =>
    promisify(execFile)(process.execPath, [bin, ...args], {
      env: {
        ...process.env,
        HOARD_DB: db,
        HOARD_SECRET: "cli-test-secret-that-is-at-least-32-chars",
        HOARD_STOCK_IMPORT_BATCH: String(BATCH),
      },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("loads a file into the store of HOARD_DB, which a node then serves exactly", async () => {
    const file = stockFile({ root: "cli", ...shape });
    const csvFile = stockFile({ root: "cli-csv", ...shape, days: 2 });
    writeFileSync(join(dir, "stock.ndjson"), file.ndjson);
    writeFileSync(join(dir, "stock.csv"), csvFile.csv);

    const run = await hoard("stock", "import", join(dir, "stock.ndjson"));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/imported 360 rows \(key days\) holding 1,440 partition counts, 12 keys/);
    expect(run.stdout).toMatch(/batches: 3 \(0 already applied/);
    expect(run.stderr).toMatch(/100% 360 rows/);
    const again = await hoard("stock", "import", join(dir, "stock.ndjson"));
    expect(again.stdout).toMatch(/^nothing written: all 360 rows \(key days\) were already applied under import id file-/);
    expect(again.stdout).toMatch(/batches: 3 \(3 already applied under import id \S+, 360 rows skipped\)/);
    expect(again.stderr).toMatch(/100% 360 rows \(360 already applied\) · 0 rows\/s/);
    expect((await hoard("stock", "import", join(dir, "stock.csv"))).code).toBe(0);

    const server = await startServer({ env: { HOARD_DB: db, HOARD_SECRET: "cli-test-secret-that-is-at-least-32-chars" } });
    const client = await connect(server.url, { token: await server.token("admin", "console") });
    try {
      await expectReadBack(client, file);
      for (const [key, days] of csvFile.expected) {
        expect((await client.stock.read(key, { from: day(0), to: day(1) })).days).toEqual(days);
      }
    } finally {
      client.close();
      await server.close();
    }
  });

  it("lists bad lines with their numbers and exits with 1, keeping the good lines", async () => {
    const path = join(dir, "bad.ndjson");
    writeFileSync(path, `${JSON.stringify({ key: "cli-bad/a", day: day(0), partitions: { p0: 1 } })}\nnope\n{"key":"cli-bad/b"}\n`);
    const run = await hoard("stock", "import", path);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/imported 1 rows \(key days\) holding 1 partition counts, 1 keys/);
    expect(run.stdout).toMatch(/bad lines: 2\n {2}line 2: not valid JSON\n {2}line 3: day: /);
  });
});
