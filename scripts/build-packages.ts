/**
 * Builds the packages a game installs: `protocol/dist` and `client-sdk/dist`, each a whole
 * package directory (its own package.json, ESM JavaScript, `.d.ts`) to `npm pack` or publish.
 * The client SDK also gets `hoard-client.min.js`, one minified ES module with socket.io-client
 * inside, for a page's `<script type="module">`.
 *
 * Inside this repository nothing needs this build: the workspace packages export their `.ts`
 * sources, which vitest, vite and tsx read directly. The built package.json is written from
 * the source one, with every export pointed at the built files.
 *
 *   npm run build:packages                      # prints the browser bundle's size
 *   npm pack ./protocol/dist ./client-sdk/dist  # the two tarballs
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";

const root = fileURLToPath(new URL("../", import.meta.url));
/** The repository's TypeScript compiler (its package exports no bin path, so find it beside package.json). */
export const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin/tsc");

/** The browser bundle's file name inside the client SDK's package. */
export const BROWSER_BUNDLE = "hoard-client.min.js";

export interface BuiltPackages {
  /** The package directories to pack, protocol first. */
  dirs: { protocol: string; clientSdk: string };
  browser: {
    file: string;
    /** esbuild's account of every input file: what went into the bundle. */
    metafile: Metafile;
    bytes: number;
    /** gzip -9 of the minified file: what a browser downloads. */
    gzipBytes: number;
  };
}

interface SourceManifest {
  name: string;
  version: string;
  description?: string;
  license?: string;
  exports: Record<string, string>;
  dependencies?: Record<string, string>;
}

/** `"./client": "./src/client.ts"` → `"./client": { types: "./client.d.ts", default: "./client.js" }`. */
function builtExports(exports: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(exports).map(([subpath, source]) => {
      const base = source.replace(/^\.\/src\//, "./").replace(/\.ts$/, "");
      return [subpath, { types: `${base}.d.ts`, default: `${base}.js` }];
    }),
  );
}

/** Compiles one workspace package into its dist/ and writes the package.json it is published with. */
function buildPackage(dir: string, extraExports: Record<string, unknown> = {}): string {
  const pkgDir = join(root, dir);
  const dist = join(pkgDir, "dist");
  rmSync(dist, { recursive: true, force: true });
  execFileSync(tsc, ["-p", join(pkgDir, "tsconfig.build.json")], { stdio: "inherit" });
  const source = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as SourceManifest;
  const manifest = {
    name: source.name,
    version: source.version,
    description: source.description,
    license: source.license,
    type: "module",
    // ESM only; `types` first in every condition set, as TypeScript reads them in order.
    exports: { ...builtExports(source.exports), ...extraExports, "./package.json": "./package.json" },
    main: "./index.js",
    types: "./index.d.ts",
    sideEffects: false,
    engines: { node: ">=20.19" },
    dependencies: source.dependencies,
  };
  writeFileSync(join(dist, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  if (existsSync(join(pkgDir, "README.md"))) copyFileSync(join(pkgDir, "README.md"), join(dist, "README.md"));
  return dist;
}

/** The SDK and socket.io-client (and the zod-free protocol entry) in one minified ES module. */
async function buildBrowserBundle(sdkDist: string): Promise<BuiltPackages["browser"]> {
  const file = join(sdkDist, BROWSER_BUNDLE);
  const version = (JSON.parse(readFileSync(join(sdkDist, "package.json"), "utf8")) as { version: string }).version;
  const result = await build({
    entryPoints: [join(root, "client-sdk/src/index.ts")],
    outfile: file,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    metafile: true,
    legalComments: "eof",
    banner: { js: `/*! @hoard/client-sdk ${version} with socket.io-client | MIT */` },
    logLevel: "warning",
  });
  const code = readFileSync(file);
  return { file, metafile: result.metafile, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
}

export async function buildPackages(): Promise<BuiltPackages> {
  const protocol = buildPackage("protocol");
  const clientSdk = buildPackage("client-sdk", {
    // The same API as ".", as the single-file bundle: for pages without a bundler.
    "./browser": { types: "./index.d.ts", default: `./${BROWSER_BUNDLE}` },
  });
  const browser = await buildBrowserBundle(clientSdk);
  return { dirs: { protocol, clientSdk }, browser };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = await buildPackages();
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(`built ${built.dirs.protocol}\nbuilt ${built.dirs.clientSdk}`);
  console.log(`${BROWSER_BUNDLE}: ${kb(built.browser.bytes)} minified, ${kb(built.browser.gzipBytes)} gzip -9`);
}
