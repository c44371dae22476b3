/**
 * Builds the server into server/dist: `main.js` (what `npm start` and the Docker image run) and
 * `cli.js` (the `hoard` CLI), plain ESM JavaScript for `node`, no TypeScript at run time.
 *
 * - The workspace package `@hoard/protocol` is bundled from its source, so this build needs no
 *   other build first and the output never depends on how that package is published.
 * - Every npm dependency stays an `import` resolved from node_modules at run time (better-sqlite3
 *   is native and cannot be bundled). The build fails if the output imports a package that is not
 *   in server/package.json's dependencies: that is all a production install brings.
 * - The files land in server/dist so their relative paths still hold: `../package.json` (the
 *   version) and `../../web-console/dist` (the console).
 *
 *   npm run build:server      # ≈ 1 s
 */
import { readFileSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const at = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const { dependencies } = JSON.parse(readFileSync(at("./package.json"), "utf8")) as { dependencies: Record<string, string> };
const external = Object.keys(dependencies).filter((name) => name !== "@hoard/protocol");

// Chunk names carry a content hash: start clean so no stale chunk is left beside the new ones.
rmSync(at("./dist"), { recursive: true, force: true });
const result = await build({
  entryPoints: { main: at("./src/main.ts"), cli: at("./src/cli.ts") },
  outdir: at("./dist"),
  bundle: true,
  platform: "node",
  format: "esm",
  // Shared code in chunks, and what main.ts imports dynamically (the app, the MongoDB engine)
  // loaded only when reached: a bad variable fails before the drivers load.
  splitting: true,
  // Beside main.js, so relative paths (../package.json, the console) mean the same from every file.
  chunkNames: "[name]-[hash]",
  target: "node20.19",
  sourcemap: true,
  // `@hoard/protocol` resolves to its source whatever its package.json exports.
  alias: { "@hoard/protocol": at("../protocol/src") },
  external,
  metafile: true,
  logLevel: "warning",
});

/** `ioredis`, `@socket.io/redis-adapter`, `zod/v4/core` → the package name. */
const packageOf = (specifier: string) => specifier.split("/", specifier.startsWith("@") ? 2 : 1).join("/");
const builtins = new Set(builtinModules);
const missing = new Set<string>();
for (const output of Object.values(result.metafile.outputs)) {
  for (const { path, external: isExternal } of output.imports) {
    if (!isExternal || path.startsWith("node:") || builtins.has(path)) continue;
    if (!(packageOf(path) in dependencies)) missing.add(packageOf(path));
  }
}
if (missing.size > 0) {
  console.error(`server/dist imports ${[...missing].join(", ")}, not in server/package.json dependencies: add them there.`);
  process.exit(1);
}
