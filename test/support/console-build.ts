import { fileURLToPath } from "node:url";
import { build } from "vite";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** The web console built for this test run (serve it with startServer({ consoleDir })). */
    consoleDir: string;
  }
}

/**
 * Vitest global setup: builds the web console once per run (≈ 1 s) into test-results/, so the
 * browser tests never depend on a dist left over from an earlier `npm start`.
 */
export default async function setup(project: TestProject): Promise<void> {
  const outDir = fileURLToPath(new URL("../../test-results/console-dist", import.meta.url));
  await build({
    configFile: fileURLToPath(new URL("../../web-console/vite.config.ts", import.meta.url)),
    logLevel: "warn",
    build: { outDir, emptyOutDir: true },
  });
  project.provide("consoleDir", outDir);
}
