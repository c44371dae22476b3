import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { DEFAULT_STATE_LIMITS } from "@hoard/server/internal/config";
import { applyOps, newPlayer } from "@hoard/server/internal/inventory/rules";
import type { Store } from "@hoard/server/internal/store/port";
import { anActor, anOpId } from "./builders";

/** The multi-process suites' shared parts (sqlite's, and the MongoDB kit's): worker processes and their players. */

/** Creates the players at version 1, as players:create does. */
export async function createPlayers(store: Store, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    const opId = anOpId();
    await store.commitPlayers({
      opId,
      actor: anActor(),
      kind: "players:create",
      requestHash: opId,
      playerIds: [id],
      apply: (_, at) => {
        const { player, changes } = applyOps(newPlayer({ id }, at), [], at, DEFAULT_STATE_LIMITS);
        return { writes: [{ player, ops: [], changes }], result: null };
      },
    });
  }
}

/** tsx's loader inside the worker itself (tsx/cli would run it as a grandchild that outlives a kill). */
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

export interface Worker {
  child: ChildProcess;
  /** Resolves when the worker has opened the store and waits for "go". */
  ready: Promise<void>;
  /** Resolves with the worker's summary line when it exits with 0; rejects otherwise. */
  exited: Promise<string>;
}

/** Starts a worker script with tsx; it prints "ready", waits for "go" on stdin, prints one summary line. */
export function startWorker(script: string, args: readonly string[], name: string): Worker {
  const child = spawn(process.execPath, ["--import", tsxLoader, script, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith("ready\n")) markReady();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<string>((resolve, reject) => {
    child.once("exit", (code, signal) => {
      if (code === 0) resolve(stdout.replace(/^ready\n/, "").trim());
      else reject(new Error(`worker ${name} exited with ${code ?? signal}:\n${stderr}`));
    });
  });
  // A worker that dies before it is ready must fail the test, not leave it waiting.
  return { child, ready: Promise.race([ready, exited.then(() => {})]), exited };
}
