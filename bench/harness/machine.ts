import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  platform: string;
  node: string;
  loadAverage: number[];
}

export interface SourceInfo {
  commit: string;
  branch: string;
  /** Uncommitted changes when the bench ran. */
  dirty: boolean;
  versions: Record<string, string>;
}

const root = new URL("../../", import.meta.url);

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: `${process.platform} ${release()} ${process.arch}`,
    node: process.version,
    loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

/** The soft limit on open files of processes started from here (`ulimit -n`), when a shell can tell. */
export function openFileLimit(): number | undefined {
  try {
    const text = execFileSync("sh", ["-c", "ulimit -n"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return text === "unlimited" ? Number.POSITIVE_INFINITY : Number.parseInt(text, 10) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU time the whole machine has spent busy (all processes, all cores) since boot, in ms, from
 * /proc/stat; undefined off Linux. Read at both ends of a window, it shows how much CPU other
 * work on the machine took while we measured.
 */
export function machineBusyMs(): number | undefined {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
    const [label, ...fields] = line.trim().split(/\s+/);
    if (label !== "cpu") return undefined;
    // user nice system idle iowait irq softirq steal …: everything but idle and iowait is busy.
    const ticks = fields.slice(0, 8).map(Number);
    const busy = ticks.reduce((sum, value, index) => (index === 3 || index === 4 ? sum : sum + value), 0);
    return busy * 10; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** The commit and the versions of everything on the measured path. */
export function sourceInfo(): SourceInfo {
  const git = (...args: string[]) => {
    try {
      return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return "unknown";
    }
  };
  // Read the manifests directly: not every package exports its package.json.
  const version = (path: string) => {
    try {
      return (JSON.parse(readFileSync(new URL(path, root), "utf8")) as { version: string }).version;
    } catch {
      return "not installed";
    }
  };
  const versions: Record<string, string> = { hoard: version("package.json") };
  for (const name of ["socket.io", "socket.io-client", "engine.io", "ws", "better-sqlite3", "zod", "prom-client", "hdr-histogram-js"]) {
    versions[name] = version(`node_modules/${name}/package.json`);
  }
  return {
    commit: git("rev-parse", "--short=12", "HEAD"),
    branch: git("rev-parse", "--abbrev-ref", "HEAD"),
    dirty: git("status", "--porcelain") !== "",
    versions,
  };
}
