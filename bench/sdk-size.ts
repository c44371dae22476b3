/**
 * The SDK's browser bundle (`client-sdk/dist/hoard-client.min.js`: the SDK, socket.io-client
 * and the zod-free protocol entry in one minified ES module), measured as a browser downloads
 * it, against the 40 KB min + gzip budget (DESIGN.md §8), with what each package contributes.
 * The size is deterministic, so test/package/sdk-package.test.ts asserts the budget too.
 *
 *   npx tsx bench/sdk-size.ts
 *
 * Prints a Markdown table; writes bench/results/sdk-size.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { BROWSER_BUNDLE, buildPackages } from "../scripts/build-packages";

const BUDGET_BYTES = 40 * 1024;

const { browser } = await buildPackages();
const code = readFileSync(browser.file);
const sizes = {
  minified: code.length,
  gzip9: gzipSync(code, { level: 9 }).length,
  gzip6: gzipSync(code).length,
  brotli: brotliCompressSync(code).length,
};

/** Minified bytes by the package each input came from (the SDK's and protocol's own sources by folder). */
const byPackage = new Map<string, number>();
for (const output of Object.values(browser.metafile.outputs)) {
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    const name = match?.[1] ?? input.split("/").slice(0, 2).join("/");
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
console.log(`| ${BROWSER_BUNDLE} | bytes | |\n|---|---|---|`);
console.log(`| minified | ${sizes.minified} | ${kb(sizes.minified)} |`);
console.log(
  `| minified + gzip -9 | ${sizes.gzip9} | **${kb(sizes.gzip9)}** (budget ${kb(BUDGET_BYTES)}: ${sizes.gzip9 <= BUDGET_BYTES ? "✓" : "✗"}) |`,
);
console.log(`| minified + gzip -6 | ${sizes.gzip6} | ${kb(sizes.gzip6)} |`);
console.log(`| minified + brotli | ${sizes.brotli} | ${kb(sizes.brotli)} |`);
console.log(`\n| from | minified bytes |\n|---|---|`);
for (const [name, bytes] of [...byPackage].sort((a, b) => b[1] - a[1])) console.log(`| ${name} | ${bytes} |`);

mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(
  new URL("./results/sdk-size.json", import.meta.url),
  `${JSON.stringify({ at: new Date().toISOString(), file: BROWSER_BUNDLE, budgetBytes: BUDGET_BYTES, sizes, byPackage: Object.fromEntries(byPackage) }, null, 2)}\n`,
);
