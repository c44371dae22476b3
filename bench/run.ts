import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveSuites, runDomainScript } from "./harness/domains";
import { runInventorySuite } from "./harness/inventory-suite";
import { Child } from "./harness/ipc";
import { machineInfo, openFileLimit, sourceInfo } from "./harness/machine";
import { type BenchOptions, CORE_SUITE, parseOptions, USAGE } from "./harness/options";
import type { FloorResult } from "./harness/protocol";
import { type BenchReport, renderReport } from "./harness/report";

/**
 * `npm run bench`: the inventory suite (Hoard beside bare socket.io and bare ws), the floor,
 * and any domain benches asked for; a Markdown report and its JSON in bench/results/.
 */
const root = fileURLToPath(new URL("..", import.meta.url));

async function main(): Promise<void> {
  let options: BenchOptions;
  let suites: string[];
  try {
    options = parseOptions(process.argv.slice(2));
    suites = resolveSuites(options.suites);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(USAGE);
    return;
  }
  // Each idle connection holds a descriptor in the generator and another in the server.
  const limit = openFileLimit();
  if (suites.includes(CORE_SUITE) && options.phases.includes("memory") && limit !== undefined && limit < options.idle + 500) {
    console.error(
      `--idle ${options.idle} needs an open-file limit above ${options.idle + 500}; ulimit -n is ${limit}. Raise it or lower --idle.`,
    );
    process.exit(2);
  }
  const outDir = resolve(root, options.outDir);
  mkdirSync(outDir, { recursive: true });
  const log = (line: string) => console.log(`[bench] ${line}`);

  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const source = sourceInfo();
  log(
    `commit ${source.commit}${source.dirty ? " (dirty)" : ""}, node ${machine.node}, ${machine.cpus} CPUs, load ${machine.loadAverage.join(" ")}`,
  );
  const report: BenchReport = {
    startedAt,
    finishedAt: "",
    machine,
    loadAverageEnd: [],
    source,
    options: { ...options, suites },
    domains: [],
  };

  for (const suite of suites) {
    if (suite === CORE_SUITE) {
      report.inventory = await runInventorySuite({ ...options, outDir }, log);
      if (options.phases.includes("floor")) {
        log("floor: Hoard's mutation path in one process, step by step");
        const floor = Child.start({ name: "floor", script: "bench/micro/floor.ts" });
        try {
          report.floor = await floor.request<FloorResult>({ type: "run" });
        } finally {
          await floor.stop();
        }
        for (const step of report.floor.steps)
          log(`floor     ${step.label}: ${step.cpuUs.toFixed(1)} µs CPU, ${step.wallUs.toFixed(1)} µs wall`);
      }
    } else {
      log(`suite ${suite}: bench/${suite}.ts`);
      report.domains.push(await runDomainScript(suite, join(root, "bench/results")));
    }
  }

  report.finishedAt = new Date().toISOString();
  report.loadAverageEnd = machineInfo().loadAverage;
  const markdown = renderReport(report);
  const stamp = startedAt.replace(/[:.]/g, "-");
  mkdirSync(join(outDir, "history"), { recursive: true });
  writeFileSync(join(outDir, "bench.md"), markdown);
  writeFileSync(join(outDir, "bench.json"), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(outDir, "history", `${stamp}.json`), `${JSON.stringify(report)}\n`);
  console.log(`\n${markdown}`);
  log(`report: ${join(options.outDir, "bench.md")} and bench.json (history in ${join(options.outDir, "history")})`);
}

await main();
