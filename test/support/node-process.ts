import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface NodeProcess {
  url: string;
  child: ChildProcess;
  /** SIGKILL: the node dies without any cleanup, as in a crash. */
  crash(): Promise<void>;
  /** SIGTERM: graceful shutdown. */
  stop(): Promise<void>;
}

/**
 * tsx's loader, imported into the node itself. (tsx/cli would run the node as a child of a tsx
 * process: a SIGKILL would hit tsx, and the orphaned node would shut down gracefully instead of
 * dying, which is not the crash a test of reaping needs.)
 */
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const mainScript = fileURLToPath(new URL("../../server/src/main.ts", import.meta.url));

/**
 * A real node in its own process (server/src/main.ts under tsx) on a free port. Resolves with
 * its URL once it prints it. Stop or crash it in afterAll.
 */
export async function startNodeProcess(env: Record<string, string>): Promise<NodeProcess> {
  const child = spawn(process.execPath, ["--import", tsxLoader, mainScript], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", HOARD_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node did not start in 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Hoard listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`node exited with ${code} before listening:\n${output}`));
    });
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  const signal = (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    return exited;
  };
  return { url, child, crash: () => signal("SIGKILL"), stop: () => signal("SIGTERM") };
}
