import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{protocol,server,client-sdk,web-console,test}/**/*.test.ts"],
    // Builds the web console once per run, for the browser tests (test/browser).
    globalSetup: ["test/support/console-build.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // CI reads the JSON report to print a plain "N passed, N failed" line.
    reporters: process.env.CI ? ["default", ["json", { outputFile: "test-results/vitest.json" }]] : ["default"],
  },
});
