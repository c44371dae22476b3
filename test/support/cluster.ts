import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Role } from "@hoard/protocol";
import { TokenService } from "@hoard/server/internal/auth/tokens";
import { SqliteStore } from "@hoard/server/internal/store/sqlite/sqlite-store";
import { type RedisServer, startRedis } from "./redis";
import { TEST_SECRET } from "./server";

/**
 * A real cluster on this machine: a throwaway redis-server on a free port and N Hoard node
 * processes (the same code as `npm start`) sharing one sqlite file, each on its own port.
 * `stop()` ends everything it started, also after a failed test; a process that the test
 * runner leaves behind is killed when the runner exits.
 */
export interface Cluster {
  nodes: ClusterNode[];
  redis: ClusterRedis;
  /** The sqlite file every node shares. */
  dbFile: string;
  /** A token signed with the nodes' secret. */
  token(role: Role, sub?: string): Promise<string>;
  stop(): Promise<void>;
}

export interface ClusterNode {
  /** HOARD_NODE_ID: node-a, node-b, ... */
  name: string;
  url: string;
  pid: number;
  /** Sends the signal (default SIGTERM) and resolves with how the process ended. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** GET /health, parsed. */
  health(): Promise<{ status: string; nodeId: string; redis?: "up" | "down" }>;
  /** The last lines the node printed (its logs), to explain a failure. */
  output(): string;
}

/** The cluster's Redis: stop it and start it again on the same port to play an outage. */
interface ClusterRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface ClusterOptions {
  /** How many nodes (default 3). */
  nodes?: number;
  /** Extra environment for every node (e.g. HOARD_RATE_BURST). */
  env?: Record<string, string>;
  /** How long a node may take to print its URL (default 30 s: the machine may be busy). */
  startTimeoutMs?: number;
}

/**
 * tsx's loader, given to node itself: the `tsx` CLI would run the script in a child of its
 * own, so a SIGKILL sent to the process we spawned would leave the real node running.
 */
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const nodeScript = fileURLToPath(new URL("./cluster-node.ts", import.meta.url));

/** Every process any cluster started in this runner, killed if the runner exits first. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const dir = await mkdtemp(join(tmpdir(), "hoard-cluster-"));
  const dbFile = join(dir, "hoard.db");
  const started: { redis?: RedisServer; nodes: ClusterNode[] } = { nodes: [] };
  const stop = async () => {
    await Promise.allSettled(started.nodes.map((node) => node.kill("SIGKILL")));
    await started.redis?.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    started.redis = await startRedis();
    const { port, url: redisUrl } = started.redis;
    // The schema is made once, before the nodes race to open the file.
    await new SqliteStore({ path: dbFile }).close();
    const env = { HOARD_DB: dbFile, REDIS_URL: redisUrl, ...options.env };
    const count = options.nodes ?? 3;
    const starting = Array.from({ length: count }, (_, i) =>
      startNode({
        name: `node-${String.fromCharCode(97 + i)}`,
        env,
        ...(options.startTimeoutMs ? { timeoutMs: options.startTimeoutMs } : {}),
      }),
    );
    const results = await Promise.allSettled(starting);
    for (const result of results) if (result.status === "fulfilled") started.nodes.push(result.value);
    const failed = results.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;

    const tokens = new TokenService(TEST_SECRET);
    const redis: ClusterRedis = {
      url: redisUrl,
      port,
      stop: async () => {
        await started.redis?.stop();
      },
      start: async () => {
        started.redis = await startRedis(port);
      },
    };
    return {
      nodes: started.nodes,
      redis,
      dbFile,
      token: (role, sub) => tokens.mint({ sub: sub ?? role, role, expiresIn: "1h" }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Starts one process that prints `{"url": ...}` on stdout once it listens: a Hoard node
 * (test/support/cluster-node.ts) unless `script` names another (the bench's bare servers).
 */
export async function startNode(options: {
  name: string;
  env: Record<string, string>;
  timeoutMs?: number;
  script?: string;
}): Promise<ClusterNode> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const child = spawn(process.execPath, ["--import", tsxLoader, options.script ?? nodeScript], {
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      HOARD_SECRET: TEST_SECRET,
      HOARD_NODE_ID: options.name,
      HOARD_LOG_LEVEL: "warn",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  const lines: string[] = [];
  const remember = (chunk: Buffer) => {
    lines.push(...chunk.toString().split("\n").filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 200));
  };
  child.stdout?.on("data", remember);
  child.stderr?.on("data", remember);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });

  let buffered = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${options.name} did not start within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${error.message}\n${lines.join("\n")}`));
    };
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const complete = buffered.split("\n");
      buffered = complete.pop() ?? "";
      const line = complete.find((candidate) => candidate.startsWith('{"url"'));
      if (line === undefined) return;
      clearTimeout(timer);
      child.off("exit", onExit);
      child.stdout?.off("data", onData);
      resolve((JSON.parse(line) as { url: string }).url);
    };
    const onExit = (code: number | null, signal: string | null) =>
      fail(new Error(`${options.name} exited with ${code ?? signal} before it listened`));
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
  });

  return {
    name: options.name,
    url,
    pid: child.pid ?? -1,
    kill: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    health: async () => (await (await fetch(`${url}/health`)).json()) as Awaited<ReturnType<ClusterNode["health"]>>,
    output: () => lines.join("\n"),
  };
}
