import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { connect, type HoardClient } from "@hoard/client-sdk";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { BROWSER_BUNDLE, type BuiltPackages, buildPackages, tsc } from "../../scripts/build-packages";
import { describeInBrowser, eventually } from "../support/browser";
import { type ClusterNode, startNode } from "../support/cluster";
import { itemDefinition, startServer, TEST_SECRET, type TestServer } from "../support/server";

/**
 * The packages as a game installs them, outside this repository: built, packed with
 * `npm pack`, installed from the two tarballs into a project of its own (offline, from npm's
 * cache), type-checked under `nodenext` and `bundler`, run with plain `node` against a live
 * node, and the single-file browser bundle loaded by a page in Chromium. Also: no zod on the
 * client path (the SDK's browser bundle, the web console's JavaScript) and the bundle's budget.
 */

const execFileAsync = promisify(execFile);
/** Runs a command; a failure shows what it printed (tsc reports on stdout). */
async function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}) {
  try {
    return await execFileAsync(command, args, options);
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed:\n${stdout ?? ""}${stderr ?? ""}`, { cause: error });
  }
}
const repoTypes = fileURLToPath(new URL("../../node_modules/@types", import.meta.url));
/** ≤ 40 KB minified + gzip (DESIGN.md §8), measured on the built file: deterministic, so asserted. */
const BROWSER_BUDGET_BYTES = 40 * 1024;

/** What the consumer's script does: a game server and a player, each with a token it minted. */
const consumerMain = `
import { connect, HoardError, type HoardClient, type StoredItem } from "@hoard/client-sdk";
import type { connect as connectInBrowser } from "@hoard/client-sdk/browser";
import { mintToken } from "@hoard/client-sdk/server";
import { type ErrorCode, errorCodes } from "@hoard/protocol/client";

const url = process.env.HOARD_URL ?? "";
const secret = process.env.HOARD_SECRET ?? "";

const game = await connect(url, { token: await mintToken({ secret, sub: "consumer-game", role: "server", expiresIn: "10m" }) });
const { item } = await game.items.create({ name: "Lantern", kind: "tool", value: 3 });
await game.players.create({ id: "ana" });

// A player's own connection; its token is minted again on every (re)connect.
const player = await connect(url, { token: () => mintToken({ secret, sub: "ana", role: "player", expiresIn: 600 }) });
const live = await player.watch("ana");
const pushed = new Promise<number>((resolve) => live.on("change", (entry) => resolve(entry.version)));
const applied = await game.inventory.grant("ana", { category: "bag", itemId: item.id, quantity: 2 });
const pushedVersion = await pushed;

let refused: ErrorCode | undefined;
try {
  await player.players.get("someone-else");
} catch (error) {
  if (error instanceof HoardError) refused = error.code;
}
console.log(JSON.stringify({
  appliedVersion: applied.version,
  pushedVersion,
  stack: live.state.inventories.bag?.stacks[item.id],
  refused,
  refusedStatus: refused && errorCodes[refused].status,
}));
player.close();
game.close();

/** Never called: the packages' types are real, so these wrong calls must not compile. */
export function typeChecks(hoard: HoardClient, stored: StoredItem, browserConnect: typeof connectInBrowser): void {
  // @ts-expect-error a quantity is a number
  void hoard.inventory.grant("ana", { category: "bag", itemId: stored.id, quantity: "2" });
  // @ts-expect-error a token needs a role
  void mintToken({ secret, sub: "ana" });
  // @ts-expect-error the browser bundle has the same API: a token is required
  void browserConnect(url, {});
  // @ts-expect-error the client entry carries the message types, not the schemas
  void import("@hoard/protocol/client").then((protocol) => protocol.Player.parse({}));
}
`;

const compilerOptions = {
  target: "es2022",
  lib: ["es2023", "dom"],
  strict: true,
  // The packages' own .d.ts files (and those they import) are checked too.
  skipLibCheck: false,
  types: ["node"],
  typeRoots: [repoTypes],
};

/** The page a game serves from its own origin: the bundle from the installed package, nothing else. */
const page = `<!doctype html>
<meta charset="utf-8" />
<title>Hoard from a script tag</title>
<script type="module">
  import { connect, HoardError } from "./${BROWSER_BUNDLE}";
  const given = new URLSearchParams(location.hash.slice(1));
  const hoard = await connect(given.get("node"), { token: given.get("token") });
  const live = await hoard.watch("bea");
  window.seen = [];
  live.on("change", (entry, state) => window.seen.push({ version: entry.version, stacks: state.inventories.bag?.stacks }));
  window.ready = { version: live.version, errorsTyped: new HoardError("INTERNAL") instanceof Error };
</script>
`;

/**
 * A game page with an offline outbox in localStorage (at most 3 entries): `window.hoard` and
 * what its queued calls came to, by opId (an error by its code).
 */
const outboxPage = `<!doctype html>
<meta charset="utf-8" />
<title>Hoard outbox in localStorage</title>
<script type="module">
  import { HoardClient, localStorageOutbox } from "./${BROWSER_BUNDLE}";
  const given = new URLSearchParams(location.hash.slice(1));
  const hoard = new HoardClient(given.get("node"), {
    token: given.get("token"),
    outbox: { storage: localStorageOutbox("game.outbox"), maxEntries: 3 },
  });
  window.outcomes = {};
  window.credit = (opId, amount) =>
    hoard.inventory.apply("cid", [{ type: "credit", currency: "gold", amount }], { opId }).then(
      () => (window.outcomes[opId] = "ok"),
      (error) => (window.outcomes[opId] = error.code),
    );
  window.delivered = [];
  hoard.outbox.on("delivered", (entry) => window.delivered.push(entry.opId));
  window.hoard = hoard;
  window.ready = true;
</script>
`;

describe("the packed packages in a project outside the workspaces", () => {
  let built: BuiltPackages;
  let dir: string;
  let app: string;
  let server: TestServer;
  let gm: HoardClient;
  let installedOffline = true;
  /** The game's own web server: the page and the bundle, from the installed package. */
  let site: Server;
  let siteUrl: string;

  beforeAll(async () => {
    built = await buildPackages();
    dir = await mkdtemp(join(tmpdir(), "hoard-consumer-"));
    const packed = await run("npm", ["pack", built.dirs.protocol, built.dirs.clientSdk, "--pack-destination", dir, "--json"]);
    const tarballs = (JSON.parse(packed.stdout) as { filename: string }[]).map(({ filename }) => `../${filename}`);
    app = join(dir, "game");
    await mkdir(join(app, "src"), { recursive: true });
    await writeFile(join(app, "package.json"), JSON.stringify({ name: "a-game", private: true, type: "module" }));
    const install = ["install", ...tarballs, "--no-audit", "--no-fund"];
    try {
      await run("npm", [...install, "--offline"], { cwd: app });
    } catch (error) {
      // npm may hold socket.io-client's tarball but not the package metadata it asks for: then
      // it fetches only what its cache lacks, and the next run is offline.
      if (!String(error).includes("ENOTCACHED")) throw error;
      installedOffline = false;
      console.warn("npm's cache lacked some package metadata: installed with --prefer-offline");
      await run("npm", [...install, "--prefer-offline"], { cwd: app });
    }
    await writeFile(join(app, "src/main.ts"), consumerMain);
    await writeFile(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { ...compilerOptions, module: "nodenext", moduleResolution: "nodenext", rootDir: "src", outDir: "build" },
        include: ["src"],
      }),
    );
    await writeFile(
      join(app, "tsconfig.bundler.json"),
      JSON.stringify({
        compilerOptions: { ...compilerOptions, module: "preserve", moduleResolution: "bundler", noEmit: true },
        include: ["src"],
      }),
    );
    const bundle = await readFile(join(app, "node_modules/@hoard/client-sdk", BROWSER_BUNDLE));
    site = createServer((request, response) => {
      const isBundle = request.url === `/${BROWSER_BUNDLE}`;
      const html = request.url?.startsWith("/outbox") ? outboxPage : page;
      response.writeHead(200, { "content-type": isBundle ? "text/javascript" : "text/html" }).end(isBundle ? bundle : html);
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    // A page on another origin reaches the node only when the node allows that origin.
    server = await startServer({ env: { HOARD_ALLOWED_ORIGINS: siteUrl } });
    gm = await server.client("server", "game");
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    site?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("installs from the two tarballs, with the SDK using the protocol package installed beside it", async () => {
    const installed = JSON.parse(await readFile(join(app, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(Object.keys(installed.dependencies).sort()).toEqual(["@hoard/client-sdk", "@hoard/protocol"]);
    // One protocol package, not a second copy inside the SDK's folder.
    await expect(readdir(join(app, "node_modules/@hoard/client-sdk/node_modules"))).rejects.toThrow();
    const files = await readdir(join(app, "node_modules/@hoard/client-sdk"));
    expect(files).toEqual(expect.arrayContaining(["index.js", "index.d.ts", "server.js", BROWSER_BUNDLE]));
    expect(files.some((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))).toBe(false);
    if (!installedOffline) console.warn("this run's install was not fully offline (see above)");
  });

  it("type-checks under moduleResolution nodenext and bundler", async () => {
    await Promise.all([run(tsc, ["-p", "tsconfig.json"], { cwd: app }), run(tsc, ["-p", "tsconfig.bundler.json"], { cwd: app })]);
  }, 60_000);

  it("runs with plain node: mints tokens, connects, mutates and receives the push", async () => {
    const { stdout } = await run(process.execPath, ["build/main.js"], {
      cwd: app,
      env: { ...process.env, HOARD_URL: server.url, HOARD_SECRET: TEST_SECRET, NODE_OPTIONS: "" },
      timeout: 30_000,
    });
    expect(JSON.parse(stdout.trim().split("\n").at(-1) ?? "")).toEqual({
      appliedVersion: 2,
      pushedVersion: 2,
      stack: 2,
      refused: "AUTH_FORBIDDEN",
      refusedStatus: 403,
    });
  });

  describeInBrowser("the single-file browser bundle", (browser) => {
    it("loads from <script type=module> and receives a push", async () => {
      await gm.players.create({ id: "bea" });
      const { item } = await gm.items.create(itemDefinition({ name: "Compass" }));
      const context = await browser().newContext();
      const tab = await context.newPage();
      const errors: string[] = [];
      tab.on("pageerror", (error) => errors.push(error.message));
      tab.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      const token = await server.token("player", "bea");
      await tab.goto(`${siteUrl}/#node=${encodeURIComponent(server.url)}&token=${encodeURIComponent(token)}`);
      // Errors are read with the state, so a page that failed says why.
      const ready = () => tab.evaluate(() => (window as unknown as { ready?: unknown }).ready);
      await eventually(async () => ({ ready: await ready(), errors })).toEqual({ ready: { version: 1, errorsTyped: true }, errors: [] });

      await gm.inventory.grant("bea", { category: "bag", itemId: item.id, quantity: 4 });

      await eventually(() => tab.evaluate(() => (window as unknown as { seen: unknown[] }).seen)).toEqual([
        { version: 2, stacks: { [item.id]: 4 } },
      ]);
      expect(errors).toEqual([]);
      await context.close();
    });

    it("keeps an offline outbox in localStorage: full at its bound, kept across a reload, delivered once when the node is back", async () => {
      const dbDir = await mkdtemp(join(tmpdir(), "hoard-outbox-browser-"));
      const env = { HOARD_DB: join(dbDir, "hoard.db"), HOARD_ALLOWED_ORIGINS: siteUrl };
      let node: ClusterNode | undefined = await startNode({ name: "outbox-node", env });
      const context = await browser().newContext();
      try {
        const nodeUrl = node.url;
        const token = await server.token("server", "game");
        const setup = await connect(nodeUrl, { token: () => server.token("server", "game") });
        await setup.players.create({ id: "cid" });
        setup.close();
        await node.kill("SIGTERM");

        // The node is down: three credits are stored, the fourth is refused by the bound.
        const tab = await context.newPage();
        const open = () => tab.goto(`${siteUrl}/outbox#node=${encodeURIComponent(nodeUrl)}&token=${encodeURIComponent(token)}`);
        const read = <T>(expression: string) => tab.evaluate(expression) as Promise<T>;
        await open();
        await eventually(() => read("window.ready === true")).toBe(true);
        await read('["credit-1", "credit-2", "credit-3", "credit-4"].forEach((opId, i) => window.credit(opId, i + 1))');
        await eventually(() => read('window.outcomes["credit-4"]')).toBe("CLIENT_OUTBOX_FULL");
        const stored = () => read<Array<{ opId: string }>>('JSON.parse(localStorage.getItem("game.outbox") ?? "[]")');
        await eventually(async () => (await stored()).map((entry) => entry.opId)).toEqual(["credit-1", "credit-2", "credit-3"]);

        // A reload (the game's tab refreshed) finds them in localStorage; the node comes back.
        await tab.reload();
        await eventually(() => read("window.ready === true")).toBe(true);
        node = await startNode({ name: "outbox-node", env: { ...env, PORT: new URL(nodeUrl).port } });
        await eventually(() => read("window.delivered")).toEqual(["credit-1", "credit-2", "credit-3"]);
        expect(await stored()).toEqual([]);
        const check = await connect(node.url, { token: () => server.token("server", "game") });
        const { player } = await check.players.get("cid");
        check.close();
        expect({ gold: player.wallet.gold, version: player.version }).toEqual({ gold: 6, version: 4 });
      } finally {
        await context.close();
        await node?.kill("SIGKILL");
        await rm(dbDir, { recursive: true, force: true });
      }
    }, 60_000);
  });

  it(`keeps zod out of the SDK's browser bundle, which fits in ${BROWSER_BUDGET_BYTES / 1024} KB min + gzip`, async () => {
    const inputs = Object.keys(built.browser.metafile.inputs);
    expect(inputs.some((input) => input.includes("node_modules/socket.io-client/"))).toBe(true);
    expect(inputs.filter((input) => input.includes("node_modules/zod/"))).toEqual([]);
    // zod keeps its internals under `_zod`, a property name minifying leaves as it is.
    expect((await readFile(built.browser.file, "utf8")).includes("_zod"), "zod's _zod marker in the bundle").toBe(false);
    expect(built.browser.gzipBytes).toBeLessThanOrEqual(BROWSER_BUDGET_BYTES);
  });
});

describe("the web console's JavaScript", () => {
  it("holds no zod: the console reaches protocol only through the SDK's zod-free entry", async () => {
    const assets = join(inject("consoleDir"), "assets");
    const scripts = (await readdir(assets)).filter((file) => file.endsWith(".js"));
    expect(scripts.length).toBeGreaterThan(0);
    const code = (await Promise.all(scripts.map((file) => readFile(join(assets, file), "utf8")))).join("\n");
    expect(code.includes("/socket.io"), "the SDK is in there").toBe(true);
    expect(code.includes("_zod"), "zod's _zod marker in the console's JavaScript").toBe(false);
  });
});
