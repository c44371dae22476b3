import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { CORE_SUITE } from "./options";
import type { DomainRun } from "./report";

const benchDir = fileURLToPath(new URL("..", import.meta.url));
const root = fileURLToPath(new URL("../..", import.meta.url));

/** `bench/<name>.ts` scripts: each domain's own bench (see the bench bullet of the conventions). */
function domainScripts(): string[] {
  return readdirSync(benchDir)
    .filter((file) => file.endsWith(".ts") && file !== "run.ts" && !file.endsWith(".d.ts"))
    .map((file) => file.slice(0, -".ts".length))
    .sort();
}

/** `all` → the built-in suite and every domain script; a name with no script is an error. */
export function resolveSuites(requested: readonly string[]): string[] {
  const names = requested.includes("all") ? [CORE_SUITE, ...domainScripts()] : [...requested];
  const missing = names.filter((name) => name !== CORE_SUITE && !existsSync(join(benchDir, `${name}.ts`)));
  if (missing.length > 0) {
    const known = [CORE_SUITE, ...domainScripts()].join(", ");
    throw new Error(`no suite ${missing.join(", ")}: choose from ${known}, or all`);
  }
  return [...new Set(names)];
}

/**
 * Runs bench/<name>.ts in its own process (it starts its own node), passes its output through
 * and keeps it for the report, with the JSON it writes to bench/results/<name>.json.
 */
export async function runDomainScript(name: string, resultsDir: string): Promise<DomainRun> {
  const script = `bench/${name}.ts`;
  const started = performance.now();
  const startedAt = Date.now();
  const child = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), script], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    process.stdout.write(chunk);
  });
  const exitCode = await new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const jsonFile = join(resultsDir, `${name}.json`);
  let json: unknown;
  if (existsSync(jsonFile) && statSync(jsonFile).mtimeMs >= startedAt) {
    try {
      json = JSON.parse(readFileSync(jsonFile, "utf8"));
    } catch {
      json = undefined;
    }
  }
  return { name, script, exitCode, seconds: (performance.now() - started) / 1000, output, ...(json === undefined ? {} : { json }) };
}
