import type { InventorySuiteResult, RunFigures } from "./inventory-suite";
import type { MachineInfo, SourceInfo } from "./machine";
import type { BenchOptions, TargetName } from "./options";
import type { FloorResult } from "./protocol";
import { median, type TargetRule, type Verdict, verdict } from "./stats";

/** A domain's own bench script, run by the harness. */
export interface DomainRun {
  name: string;
  script: string;
  exitCode: number | null;
  seconds: number;
  /** What it printed (its Markdown table). */
  output: string;
  /** bench/results/<name>.json when the script wrote it during this run. */
  json?: unknown;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  machine: MachineInfo;
  loadAverageEnd: number[];
  source: SourceInfo;
  options: BenchOptions;
  inventory?: InventorySuiteResult;
  floor?: FloorResult;
  domains: DomainRun[];
}

/** One row of the main table: a cell per target, and a verdict per Hoard target where the design sets a target. */
export interface FigureRow {
  key: string;
  label: string;
  cells: Partial<Record<TargetName, string>>;
  /** The number a rule reads (e.g. p99 of a "p50 / p99 / p999" cell). */
  values: Partial<Record<TargetName, number>>;
  rule?: TargetRule;
  ruleText?: string;
  verdicts: Partial<Record<TargetName, Verdict>>;
}

export const LABELS: Record<TargetName, string> = {
  ws: "bare ws",
  socketio: "bare socket.io",
  "hoard-normal": "Hoard, sync NORMAL",
  "hoard-full": "Hoard, sync FULL",
};

const isHoard = (target: TargetName) => target.startsWith("hoard");

export const formatInt = (value: number): string => (Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "—");
export const formatFixed = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : "—");
export const formatMs = (value: number): string => formatFixed(value, value < 10 ? 2 : 1);
export const percent = (level: number): string => `${Math.round(level * 100)} %`;

/** The rows of the main table, from the suite's raw runs. */
export function figureRows(suite: InventorySuiteResult): FigureRow[] {
  const rows: FigureRow[] = [];
  const add = (row: Omit<FigureRow, "verdicts">) => {
    const verdicts: FigureRow["verdicts"] = {};
    if (row.rule) {
      for (const target of suite.targets) {
        const outcome = isHoard(target) ? verdict(row.rule, row.values[target], row.values) : undefined;
        if (outcome) verdicts[target] = outcome;
      }
    }
    rows.push({ ...row, verdicts });
  };
  const perTarget = <T>(pick: (target: TargetName) => T | undefined): Partial<Record<TargetName, T>> => {
    const out: Partial<Record<TargetName, T>> = {};
    for (const target of suite.targets) {
      const value = pick(target);
      if (value !== undefined) out[target] = value;
    }
    return out;
  };
  const cellsOf = (values: Partial<Record<TargetName, number>>, format: (value: number) => string) =>
    perTarget((target) => (values[target] === undefined ? undefined : format(values[target] as number)));

  if (suite.capacity.length > 0) {
    const rounds = (target: TargetName) => suite.capacity.filter((run) => run.target === target);
    const peaks = perTarget((target) => suite.peaks[target]);
    add({
      key: "capacity",
      label: "acked calls/s, closed loop (median of rounds)",
      values: peaks,
      cells: cellsOf(peaks, formatInt),
      rule: { kind: "ratio", baseline: "socketio", bound: "min", limit: 0.6 },
      ruleText: "≥ 0.6 × socket.io",
    });
    const cpu = perTarget((target) => medianOf(rounds(target), (run) => run.cpuUsPerCall));
    add({
      key: "cpu-peak",
      label: "server CPU per acked call at peak (µs)",
      values: cpu,
      cells: cellsOf(cpu, (value) => formatFixed(value, 1)),
      rule: { kind: "ratio", baseline: "socketio", bound: "max", limit: 1.5 },
      ruleText: "≤ 1.5 × socket.io",
    });
    add({
      key: "cpu-share-peak",
      label: "server / generator CPU at peak (% of a core)",
      values: {},
      cells: perTarget((target) => {
        const runs = rounds(target);
        if (runs.length === 0) return undefined;
        return `${formatInt(median(runs.map((run) => run.serverCpuPct)))} / ${formatInt(median(runs.map((run) => run.clientCpuPct)))}`;
      }),
    });
  }

  const levels = [...new Set(suite.latency.map((run) => run.level ?? 0))].sort((a, b) => a - b);
  for (const level of levels) {
    const at = (target: TargetName) => suite.latency.find((run) => run.target === target && run.level === level);
    const offered = perTarget((target) => at(target)?.offeredRate);
    add({
      key: `load-${level}`,
      label: `offered load at ${percent(level)} of peak (calls/s)`,
      values: offered,
      cells: cellsOf(offered, formatInt),
    });
    const p99 = perTarget((target) => at(target)?.latency.p99Ms);
    const half = Math.abs(level - 0.5) < 1e-9;
    add({
      key: `latency-${level}`,
      label: `ack latency at ${percent(level)} of peak, p50 / p99 / p999 (ms)`,
      values: p99,
      cells: perTarget((target) => {
        const run = at(target);
        return run && `${formatMs(run.latency.p50Ms)} / ${formatMs(run.latency.p99Ms)} / ${formatMs(run.latency.p999Ms)}`;
      }),
      ...(half ? { rule: { kind: "absolute", bound: "max", limit: 10, unit: "ms" } as const, ruleText: "p99 ≤ 10 ms" } : {}),
    });
    if (half) {
      const cpu = perTarget((target) => at(target)?.cpuUsPerCall);
      add({
        key: `cpu-${level}`,
        label: `server CPU per acked call at ${percent(level)} of peak (µs)`,
        values: cpu,
        cells: cellsOf(cpu, (value) => formatFixed(value, 1)),
        rule: { kind: "ratio", baseline: "socketio", bound: "max", limit: 1.5 },
        ruleText: "≤ 1.5 × socket.io",
      });
    }
  }

  if (suite.memory.length > 0) {
    // One Hoard run stands for every Hoard target (the store setting does not touch idle connections).
    const of = (target: TargetName) =>
      suite.memory.find((run) => run.target === target) ?? (isHoard(target) ? suite.memory.find((run) => isHoard(run.target)) : undefined);
    const rss = perTarget((target) => of(target)?.rssPerConnKiB);
    const heap = perTarget((target) => of(target)?.heapPerConnKiB);
    const count = suite.memory[0]?.connections ?? 0;
    add({
      key: "memory-rss",
      label: `memory per idle connection, RSS (KiB, ${formatInt(count)} connections)`,
      values: rss,
      cells: cellsOf(rss, (value) => formatFixed(value, 1)),
      rule: { kind: "ratio", baseline: "socketio", bound: "max", limit: 1.25 },
      ruleText: "≤ 1.25 × socket.io",
    });
    add({
      key: "memory-heap",
      label: "memory per idle connection, JS heap after GC (KiB)",
      values: heap,
      cells: cellsOf(heap, (value) => formatFixed(value, 1)),
      rule: { kind: "ratio", baseline: "socketio", bound: "max", limit: 1.25 },
      ruleText: "≤ 1.25 × socket.io",
    });
  }
  return rows;
}

function medianOf(runs: readonly RunFigures[], pick: (run: RunFigures) => number): number | undefined {
  return runs.length === 0 ? undefined : median(runs.map(pick));
}

/** `1.32× ✓` for ratio rules, `4.10 ✓` for absolute ones. */
export function verdictCell(rule: TargetRule, outcome: Verdict | undefined): string {
  if (!outcome) return "—";
  const mark = outcome.met ? "✓" : "✗";
  return rule.kind === "ratio" ? `${formatFixed(outcome.compared, 2)}× ${mark}` : `${formatMs(outcome.compared)} ${rule.unit} ${mark}`;
}

export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const escapeCell = (cell: string) => cell.replace(/\|/g, "\\|");
  return [
    `| ${header.map(escapeCell).join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((row) => `| ${row.map(escapeCell).join(" | ")} |`),
  ].join("\n");
}

/** The main table: figures × targets, then the target and each Hoard target's standing against it. */
export function figuresTable(targets: readonly TargetName[], rows: readonly FigureRow[]): string {
  const subjects = targets.filter(isHoard);
  const header = [
    "figure",
    ...targets.map((target) => LABELS[target]),
    "target",
    ...subjects.map((target) => `${LABELS[target]} vs target`),
  ];
  return markdownTable(
    header,
    rows.map((row) => [
      row.label,
      ...targets.map((target) => row.cells[target] ?? "—"),
      row.ruleText ?? "",
      ...subjects.map((target) => (row.rule ? verdictCell(row.rule, row.verdicts[target]) : "")),
    ]),
  );
}

/**
 * The goals of the storage step (issue 20: one appended record per op), beside the design's
 * targets in the main table: each Hoard target's ratio to bare socket.io, from the same rows.
 */
const ratioGoal = (key: string, label: string, bound: "min" | "max", limit: number) => ({
  key,
  label,
  rule: { kind: "ratio", baseline: "socketio", bound, limit } as TargetRule,
  text: `${bound === "min" ? "≥" : "≤"} ${limit}×`,
});
const STORAGE_GOALS = [
  ratioGoal("capacity", "acked calls/s, closed loop", "min", 0.35),
  ratioGoal("cpu-peak", "server CPU per acked mutation at peak", "max", 2.5),
  ratioGoal("latency-0.5", "ack p99 at 50 % of each one's peak", "max", 1.5),
  ratioGoal("latency-0.9", "ack p99 at 90 % of peak", "max", 2),
];

export function storageGoalSection(targets: readonly TargetName[], rows: readonly FigureRow[]): string[] {
  const subjects = targets.filter(isHoard);
  const table = STORAGE_GOALS.flatMap((goal) => {
    const row = rows.find((candidate) => candidate.key === goal.key);
    if (!row || row.values.socketio === undefined) return [];
    const format = (value: number | undefined) =>
      value === undefined ? "—" : goal.key.startsWith("latency") ? `${formatMs(value)} ms` : formatFixed(value, 1);
    return [
      [
        goal.label,
        format(row.values.socketio),
        ...subjects.map((target) => format(row.values[target])),
        goal.text,
        ...subjects.map((target) => verdictCell(goal.rule, verdict(goal.rule, row.values[target], row.values))),
      ],
    ];
  });
  if (table.length === 0) return [];
  const header = [
    "figure",
    LABELS.socketio,
    ...subjects.map((target) => LABELS[target]),
    "goal (issue 20)",
    ...subjects.map((target) => `${LABELS[target]} ratio`),
  ];
  return ["### The storage step's goals (issue 20), same run", "", markdownTable(header, table)];
}

/** Lines that tell the reader when a figure measured something other than the server. */
export function cautions(suite: InventorySuiteResult): string[] {
  const notes: string[] = [];
  for (const run of [...suite.capacity, ...suite.latency]) {
    const where = `${LABELS[run.target]}, ${run.mode === "closed" ? `capacity round ${run.round + 1}` : `latency at ${percent(run.level ?? 0)}`}`;
    if (run.mode === "closed" && run.serverCpuPct < 85 && run.clientCpuPct > 90) {
      notes.push(
        `${where}: the generator was at ${formatInt(run.clientCpuPct)} % of a core and the server at ${formatInt(run.serverCpuPct)} %: the client set the pace, so this capacity is a lower bound for the server.`,
      );
    }
    if (run.lost > 0)
      notes.push(`${where}: ${run.lost} calls were not answered within the grace period (counted in the latency at the time given up).`);
    const errors = Object.entries(run.errors);
    if (errors.length > 0) notes.push(`${where}: error acks ${errors.map(([code, n]) => `${code} × ${n}`).join(", ")}.`);
    if (run.mode === "open" && run.offeredRate !== undefined && run.answeredPerSec < run.offeredRate * 0.95) {
      notes.push(
        `${where}: answered ${formatInt(run.answeredPerSec)}/s of ${formatInt(run.offeredRate)}/s offered: the server fell behind.`,
      );
    }
    if (run.mode === "open" && run.offeredRate !== undefined && run.answeredPerSec > run.offeredRate * 1.05) {
      notes.push(
        `${where}: answered ${formatInt(run.answeredPerSec)}/s of ${formatInt(run.offeredRate)}/s offered: the window began with a backlog left from the warm-up.`,
      );
    }
  }
  for (const run of suite.memory) {
    if (run.failed > 0) notes.push(`${LABELS[run.target]}, memory: ${run.failed} of the idle connections failed to open.`);
    if (!run.loaded.gc) notes.push(`${LABELS[run.target]}, memory: no --expose-gc, so the heap figures include garbage.`);
  }
  return notes;
}

/** The whole report as Markdown: context first, then the main table, then the detail behind it. */
export function renderReport(report: BenchReport): string {
  const { machine, source } = report;
  const out: string[] = [];
  out.push(`# Hoard benchmark, ${report.startedAt}`);
  out.push("");
  out.push(
    `- commit \`${source.commit}\` on \`${source.branch}\`${source.dirty ? " (with uncommitted changes)" : ""}; ` +
      `node ${machine.node}; ${machine.platform}`,
  );
  out.push(
    `- machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB; load average ${machine.loadAverage.join(" / ")} at the start, ${report.loadAverageEnd.join(" / ")} at the end`,
  );
  out.push(
    `- versions: ${Object.entries(source.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(", ")}`,
  );
  out.push(`- run: ${describeOptions(report.options)}`);
  out.push(`- finished ${report.finishedAt}`);

  const suite = report.inventory;
  if (suite) {
    out.push("", "## Inventory mutations beside the baselines", "");
    out.push(
      `Each call is one \`inventory:apply\` (${suite.workload.op === "grant" ? "grant 1 unit of one of 8 items" : "credit 1 gold"}, its own opId) ` +
        `over ${suite.workload.players} players, acked after the commit. The baselines receive the same payload and ack it back in the same shape.`,
    );
    const rows = figureRows(suite);
    out.push("", figuresTable(suite.targets, rows));
    out.push("", ...storageGoalSection(suite.targets, rows));
    const notes = cautions(suite);
    if (notes.length > 0) out.push("", ...notes.map((note) => `- ${note}`));
    out.push("", ...runDetail(suite));
  }
  if (report.floor) out.push("", ...floorSection(report.floor));
  if (suite?.profile) out.push("", ...profileSection(suite.profile));
  for (const domain of report.domains) {
    out.push("", `## ${domain.name} (\`${domain.script}\`)`, "");
    out.push(
      domain.exitCode === 0
        ? `Ran in ${formatFixed(domain.seconds, 1)} s.`
        : `**Exited with code ${domain.exitCode}** after ${formatFixed(domain.seconds, 1)} s.`,
    );
    out.push("", domain.output.trim() || "(no output)");
  }
  return `${out.join("\n")}\n`;
}

function describeOptions(options: BenchOptions): string {
  return [
    `suites ${options.suites.join(",")}`,
    `phases ${options.phases.join(",")}`,
    `${options.connections} connections × ${options.window} in flight (closed loop)`,
    `${options.rounds} capacity rounds`,
    `windows ${options.warmupMs / 1000} s warm-up + ${options.durationMs / 1000} s measured`,
    `latency at ${options.levels.map(percent).join(", ")} of peak`,
    `${formatInt(options.idle)} idle connections`,
  ].join("; ");
}

function runDetail(suite: InventorySuiteResult): string[] {
  const out: string[] = [];
  if (suite.capacity.length > 0) {
    out.push("### Capacity runs (closed loop)", "");
    out.push(
      markdownTable(
        [
          "target",
          "round",
          "acked/s",
          "CPU µs/call (of which system)",
          "server CPU %",
          "server ELU",
          "generator CPU %",
          "others' CPU %",
          "p50 / p99 / p999 ms (from send)",
        ],
        suite.capacity.map((run) => [
          LABELS[run.target],
          String(run.round + 1),
          formatInt(run.answeredPerSec),
          `${formatFixed(run.cpuUsPerCall, 1)} (${formatFixed(run.sysUsPerCall, 1)})`,
          formatInt(run.serverCpuPct),
          formatFixed(run.serverElu, 2),
          formatInt(run.clientCpuPct),
          formatInt(run.otherCpuPct ?? Number.NaN),
          `${formatMs(run.latency.p50Ms)} / ${formatMs(run.latency.p99Ms)} / ${formatMs(run.latency.p999Ms)}`,
        ]),
      ),
    );
  }
  if (suite.latency.length > 0) {
    out.push("", "### Latency runs (open loop, latency from the scheduled send)", "");
    out.push(
      markdownTable(
        [
          "target",
          "level",
          "offered/s",
          "acked/s",
          "p50",
          "p99",
          "p999",
          "max",
          "service p99",
          "send lag p99",
          "CPU µs/call",
          "others' CPU %",
          "lost",
        ],
        suite.latency.map((run) => [
          LABELS[run.target],
          percent(run.level ?? 0),
          formatInt(run.offeredRate ?? Number.NaN),
          formatInt(run.answeredPerSec),
          formatMs(run.latency.p50Ms),
          formatMs(run.latency.p99Ms),
          formatMs(run.latency.p999Ms),
          formatMs(run.latency.maxMs),
          formatMs(run.service?.p99Ms ?? Number.NaN),
          formatMs(run.sendLag?.p99Ms ?? Number.NaN),
          formatFixed(run.cpuUsPerCall, 1),
          formatInt(run.otherCpuPct ?? Number.NaN),
          String(run.lost),
        ]),
      ),
    );
    out.push(
      "",
      "Latencies in ms. Service time runs from the actual send; send lag is how late the generator's timer sent a call. " +
        "Others' CPU is what the rest of the machine used meanwhile (% of one core; this machine has " +
        "few cores, so anything above a few tens of % took CPU from the server or the generator).",
    );
  }
  if (suite.memory.length > 0) {
    const mib = (bytes: number) => formatFixed(bytes / 2 ** 20, 1);
    out.push("", "### Idle connections (fresh server, after GC)", "");
    out.push(
      markdownTable(
        [
          "target",
          "connections",
          "RSS MiB before → after",
          "heap MiB before → after",
          "KiB RSS / conn",
          "KiB heap / conn",
          "connect time s",
        ],
        suite.memory.map((run) => [
          LABELS[run.target],
          formatInt(run.connections),
          `${mib(run.base.rss)} → ${mib(run.loaded.rss)}`,
          `${mib(run.base.heapUsed)} → ${mib(run.loaded.heapUsed)}`,
          formatFixed(run.rssPerConnKiB, 1),
          formatFixed(run.heapPerConnKiB, 1),
          formatFixed(run.connectMs / 1000, 1),
        ]),
      ),
    );
  }
  return out;
}

function floorSection(floor: FloorResult): string[] {
  return [
    "## Floor: Hoard's mutation path in one process, without the network",
    "",
    `Each step timed alone over ${formatInt(floor.iterations)} calls (CPU µs per call; commits in batches of ${floor.batch}, as the group commit makes them at peak).`,
    "",
    markdownTable(
      ["step", "CPU µs / call", "wall µs / call"],
      floor.steps.map((step) => [step.label, formatFixed(step.cpuUs, 1), formatFixed(step.wallUs, 1)]),
    ),
  ];
}

function profileSection(profile: NonNullable<InventorySuiteResult["profile"]>): string[] {
  const { summary } = profile;
  return [
    `## Where Hoard's CPU goes at peak (${LABELS[profile.target]}, one capacity window)`,
    "",
    `Profile: \`${profile.file}\` (open it in Chrome DevTools → Performance). Busy ${formatInt(summary.busyMs)} ms of ${formatInt(summary.totalMs)} ms sampled. ` +
      "Self time of the main thread, native code included (better-sqlite3's statements show as `run` and `get`, and count their system calls too).",
    "",
    markdownTable(
      ["area", "self ms", "share of busy"],
      summary.areas.slice(0, 15).map((area) => [area.area, formatInt(area.selfMs), `${formatFixed(area.share * 100, 1)} %`]),
    ),
    "",
    markdownTable(
      ["function", "where", "self ms", "share of busy"],
      summary.functions.map((spot) => [spot.name, spot.where, formatInt(spot.selfMs), `${formatFixed(spot.share * 100, 1)} %`]),
    ),
  ];
}
