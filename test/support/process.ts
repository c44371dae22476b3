import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * A process started as an operator starts Hoard (`node server/dist/main.js`, `npm start`), its
 * output kept line by line. `exited` resolves with how it ended and how long after the spawn.
 */
export interface Spawned {
  child: ChildProcess;
  /** Every stdout line so far. */
  stdout: string[];
  /** Every stderr line so far. */
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; elapsedMs: number }>;
  /** Resolves with the JSON log line that `match` accepts; rejects if the process exits first or after `timeoutMs`. */
  logLine(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Sends the signal unless the process is gone; resolves once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const builtMain = fileURLToPath(new URL("../../server/dist/main.js", import.meta.url));

/** Builds the server (`npm run build:server`) the way `npm run build` does; throws with esbuild's output on failure. */
export function buildServer(): void {
  const result = spawnSync("npm", ["run", "-s", "build:server"], { cwd: repoRoot, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`npm run build:server failed:\n${result.stdout}\n${result.stderr}`);
}

/** Every process spawned here, killed if the test runner exits first. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export function spawnProcess(command: string, args: string[], env: Record<string, string | undefined>): Spawned {
  const startedAt = performance.now();
  const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  const collect = (into: string[]) => {
    let partial = "";
    return (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split("\n");
      partial = lines.pop() ?? "";
      into.push(...lines);
      for (const waiter of waiters) waiter();
    };
  };
  child.stdout?.on("data", collect(stdout));
  child.stderr?.on("data", collect(stderr));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; elapsedMs: number }>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      const elapsedMs = performance.now() - startedAt;
      // Let the pipes deliver what the process wrote before it ended.
      setImmediate(() => {
        for (const waiter of waiters) waiter();
        resolve({ code, signal, elapsedMs });
      });
    });
  });
  const explain = () => `stdout:\n${stdout.join("\n")}\nstderr:\n${stderr.join("\n")}`;

  return {
    child,
    stdout,
    stderr,
    exited,
    logLine: (match, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        let done = false;
        const timer = setTimeout(() => finish(new Error(`no matching log line within ${timeoutMs} ms\n${explain()}`)), timeoutMs);
        const finish = (outcome: LogLine | Error) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          waiters.delete(check);
          if (outcome instanceof Error) reject(outcome);
          else resolve(outcome);
        };
        const check = () => {
          const found = stdout.map(jsonLine).find((line) => line !== undefined && match(line));
          if (found) finish(found);
          else if (child.exitCode !== null || child.signalCode !== null) finish(new Error(`exited before the log line\n${explain()}`));
        };
        waiters.add(check);
        check();
      }),
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** The line as a pino JSON log line, or undefined when it is not one. */
export function jsonLine(line: string): LogLine | undefined {
  try {
    const parsed = JSON.parse(line) as unknown;
    return typeof parsed === "object" && parsed !== null && "msg" in parsed ? (parsed as LogLine) : undefined;
  } catch {
    return undefined;
  }
}
