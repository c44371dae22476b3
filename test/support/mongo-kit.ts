import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { applyOps, DEFAULT_STATE_LIMITS, newPlayer } from "@hoard/server/internal/inventory/rules";
import type { Store } from "@hoard/server/internal/store/port";
import { MongoClient } from "mongodb";
import { expect, it } from "vitest";
import { anActor, anOpId } from "./builders";

/**
 * The MongoDB verification kit's shared parts (test/contract/mongo*.test.ts, `npm run
 * verify:mongo`). Every part needs MONGODB_URL (a replica set; the fault tests also need
 * enableTestCommands=1, the step-down test three members). Where that is missing, each part
 * registers one skipped test whose name says "not run" and prints the same line: never a silent pass.
 */

export const mongoUrl: string | undefined = process.env.MONGODB_URL;

/** One skipped test named `MongoDB <part>: not run (<why>)`, and the same line on the console. */
export function reportNotRun(part: string, why = "no MONGODB_URL"): void {
  const line = `MongoDB ${part}: not run (${why})`;
  console.warn(line);
  it.skip(line, () => {});
}

const run = randomUUID().slice(0, 8);
let made = 0;

/** A fresh database name for one test, and a way to drop it; the kit never touches another database. */
export function freshDatabase(url: string, label: string): { database: string; drop(): Promise<void> } {
  made += 1;
  const database = `hoard_${label}_${run}_${made}`;
  return {
    database,
    async drop() {
      const client = new MongoClient(url, { appName: "hoard-kit" });
      try {
        await client.db(database).dropDatabase();
      } finally {
        await client.close();
      }
    },
  };
}

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

/**
 * What every burst must leave, whatever failed on the way: per player, exactly the acked credits
 * (`worker/opId` keys): gold = their number, versions 1…n+1 with no gap, and each acked op in
 * the op log once, nothing else.
 */
export async function expectLedger(store: Store, acked: ReadonlyMap<string, readonly string[]>): Promise<void> {
  for (const [playerId, ops] of acked) {
    const player = await store.getPlayer(playerId);
    expect(player?.wallet).toEqual(ops.length === 0 ? {} : { gold: ops.length });
    expect(player?.version).toBe(1 + ops.length);
    const log = await store.readHistory(playerId, { sinceVersion: 0, limit: ops.length + 10 });
    expect(log.map((entry) => entry.version)).toEqual(Array.from({ length: 1 + ops.length }, (_, i) => i + 1));
    expect(
      log
        .slice(1)
        .map((entry) => `${entry.actor.sub}/${entry.opId}`)
        .sort(),
    ).toEqual([...ops].sort());
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
