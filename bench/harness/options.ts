import { parseArgs } from "node:util";

/** Servers the inventory suite can drive; Hoard twice, once per sqlite durability setting. */
const TARGET_NAMES = ["ws", "socketio", "hoard-normal", "hoard-full"] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

const PHASES = ["capacity", "latency", "memory", "floor"] as const;
type Phase = (typeof PHASES)[number];

/** The built-in suite; any other suite name runs bench/<name>.ts (a domain's own bench). */
export const CORE_SUITE = "inventory";

export interface BenchOptions {
  /** `inventory` (built in), domain script names, or `all` expanded by the runner. */
  suites: string[];
  phases: Phase[];
  targets: TargetName[];
  /** Closed- and open-loop connections per run. */
  connections: number;
  /** Calls in flight per connection in the closed loop. */
  window: number;
  players: number;
  op: "grant" | "credit";
  warmupMs: number;
  durationMs: number;
  graceMs: number;
  /** Capacity rounds; each round runs every target once, in a rotated order. */
  rounds: number;
  /** Fractions of each target's measured peak at which latency is measured. */
  levels: number[];
  /** Idle connections for the memory phase. */
  idle: number;
  /** Profile Hoard (sync FULL) over one capacity window and summarise the hottest functions. */
  profile: boolean;
  outDir: string;
  help: boolean;
}

export const USAGE = `npm run bench -- [flags]

  --suite <names>        inventory (default), a domain bench (bench/<name>.ts), or all; comma list
  --phases <list>        capacity,latency,memory,floor (default: all; latency needs capacity)
  --targets <list>       ws,socketio,hoard-normal,hoard-full (default: all)
  --connections <n>      connections driving the load (default 64)
  --window <n>           calls in flight per connection, closed loop (default 8)
  --players <n>          players the mutations spread over (default 1000)
  --op <grant|credit>    the inventory op of each call (default grant)
  --duration <s>         measured window of each run (default 6)
  --warmup <s>           unmeasured load before each window (default 2)
  --grace <s>            how long to wait for late acks after a window (default 5)
  --rounds <n>           capacity rounds, targets rotated each round (default 2)
  --levels <list>        fractions of peak for the latency runs (default 0.5,0.9)
  --idle <n>             idle connections for the memory phase (default 10000; mind ulimit -n)
  --profile              CPU-profile Hoard (sync FULL) over one capacity window
  --out <dir>            where the report goes (default bench/results)
`;

/** Parses the command line; throws an Error naming the bad flag. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      suite: { type: "string", multiple: true },
      phases: { type: "string" },
      targets: { type: "string" },
      connections: { type: "string" },
      window: { type: "string" },
      players: { type: "string" },
      op: { type: "string" },
      duration: { type: "string" },
      warmup: { type: "string" },
      grace: { type: "string" },
      rounds: { type: "string" },
      levels: { type: "string" },
      idle: { type: "string" },
      profile: { type: "boolean" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const suites = (values.suite ?? [CORE_SUITE]).flatMap(list);
  for (const suite of suites) {
    if (!/^[a-z][a-z0-9-]*$/.test(suite)) throw new Error(`--suite ${suite}: a suite is a lower-case name such as inventory or cart`);
  }
  const op = values.op ?? "grant";
  if (op !== "grant" && op !== "credit") throw new Error(`--op ${op}: grant or credit`);
  const phases = values.phases === undefined ? [...PHASES] : oneOf("--phases", list(values.phases), PHASES);
  if (phases.includes("latency") && !phases.includes("capacity")) {
    throw new Error("--phases: latency is measured at fractions of the capacity peak, so it needs capacity too");
  }
  const levels = values.levels === undefined ? [0.5, 0.9] : list(values.levels).map((text) => number("--levels", text, 0.01, 1));
  return {
    suites: [...new Set(suites)],
    phases,
    targets: values.targets === undefined ? [...TARGET_NAMES] : oneOf("--targets", list(values.targets), TARGET_NAMES),
    connections: integer("--connections", values.connections, 64, 1, 50_000),
    window: integer("--window", values.window, 8, 1, 10_000),
    players: integer("--players", values.players, 1000, 1, 1_000_000),
    op,
    warmupMs: number("--warmup", values.warmup ?? "2", 0, 600) * 1000,
    durationMs: number("--duration", values.duration ?? "6", 0.5, 3600) * 1000,
    graceMs: number("--grace", values.grace ?? "5", 0, 600) * 1000,
    rounds: integer("--rounds", values.rounds, 2, 1, 100),
    levels,
    idle: integer("--idle", values.idle, 10_000, 1, 1_000_000),
    profile: values.profile ?? false,
    outDir: values.out ?? "bench/results",
    help: values.help ?? false,
  };
}

function list(text: string): string[] {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

function oneOf<T extends string>(flag: string, picked: string[], allowed: readonly T[]): T[] {
  const unknown = picked.filter((value) => !(allowed as readonly string[]).includes(value));
  if (unknown.length > 0 || picked.length === 0) throw new Error(`${flag} ${picked.join(",")}: choose from ${allowed.join(", ")}`);
  return [...new Set(picked as T[])];
}

function number(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${flag} ${text}: a number from ${min} to ${max}`);
  return value;
}

function integer(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = number(flag, text, min, max);
  if (!Number.isInteger(value)) throw new Error(`${flag} ${text}: a whole number`);
  return value;
}
