import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { connect } from "@hoard/client-sdk";
import { afterAll, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../server/bin/hoard.js", import.meta.url));
const demo = fileURLToPath(new URL("../../demo/main.ts", import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const dir = mkdtempSync(join(tmpdir(), "hoard-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `hoard …` in a fresh directory with no HOARD_* variables: dev mode, data/ under `dir`. */
function hoard(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("HOARD_")));
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: dir, env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe("hoard CLI", () => {
  it("answers --help for every command and --version, on stdout with exit 0", async () => {
    for (const args of [["--help"], ["token", "--help"], ["stock", "--help"], ["stock", "import", "--help"]]) {
      const run = await hoard(...args);
      expect(run.code, args.join(" ")).toBe(0);
      expect(run.stdout, args.join(" ")).toMatch(/^Usage:\n/);
    }
    const version = await hoard("--version");
    expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
  });

  it("says what is wrong in one line, with the usage and exit 2, never a stack", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["token", "--rolee", "admin"], /^hoard: Unknown option '--rolee'/],
      [["token", "--role", "emperor"], /^hoard: --role must be player, server, admin or viewer\n/],
      [["token", "--role", "player"], /^hoard: --sub is required for a player token/],
      [["stock", "import"], /^hoard: name the file to import\n/],
      [["stock", "import", "x.ndjson", "--batch", "0"], /^hoard: --batch must be a positive integer\n/],
      [["launch"], /^hoard: unknown command: launch\n/],
    ];
    for (const [args, message] of cases) {
      const run = await hoard(...args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr, args.join(" ")).toMatch(message);
      expect(run.stderr, args.join(" ")).toMatch(/\nUsage:\n/);
      expect(run.stderr, args.join(" ")).not.toMatch(/\n\s+at /);
      expect(run.stdout).toBe("");
    }
  });

  it("mints tokens that `npm run demo` accepts (both use the dev secret beside the default database)", async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("HOARD_")));
    const child: ChildProcess = spawn(process.execPath, ["--import", tsxLoader, demo], {
      cwd: dir,
      env: { ...env, PORT: "0", HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout?.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const found = /a node on (http:\/\/\S+) with/.exec(out);
          if (found?.[1]) resolve(found[1]);
        });
        child.once("exit", (code) => reject(new Error(`demo exited with ${code}: ${out}`)));
      });
      const minted = await hoard("token", "--role", "admin", "--sub", "ops");
      expect(minted.code).toBe(0);
      const client = await connect(url, { token: minted.stdout.trim() });
      try {
        await expect(client.kits.list()).resolves.toHaveProperty("kits");
      } finally {
        client.close();
      }
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => (child.exitCode === null ? child.once("exit", resolve) : resolve(undefined)));
    }
  });
});
