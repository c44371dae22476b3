import { type ChildProcess, spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

/**
 * A tiny request/reply protocol over the Node IPC channel, used between the orchestrator and
 * its children (servers under test, load generators). Requests carry an id; a reply echoes
 * it. Messages without an id are events (e.g. a generator saying its window has started).
 */
interface Envelope {
  id?: number;
  body: unknown;
  error?: string;
}

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Children run their script bundled as the production build makes the server (esbuild, no
 * `keepNames`), not through tsx: tsx keeps names, and its `__name` helper on every closure cost
 * Hoard's server 5–6 % of its CPU at peak, which `npm start` does not pay. The workspace's own
 * packages are bundled; every installed package stays an import. The bundle sits in
 * `server/.bench/`, as deep as `server/src/`, so the server's paths relative to its modules
 * (its package.json, the console's files) resolve as they do from its sources.
 */
function bundled(script: string): string {
  const outfile = join(root, "server/.bench", basename(script).replace(/\.ts$/, ".mjs"));
  buildSync({
    entryPoints: [join(root, script)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20.19",
    external: installedPackages(),
    logLevel: "warning",
  });
  return outfile;
}

/** Every package under node_modules but the workspace's own (`@hoard/*`), and their subpaths. */
function installedPackages(): string[] {
  const names: string[] = [];
  for (const entry of readdirSync(join(root, "node_modules"))) {
    if (entry.startsWith(".")) continue;
    if (!entry.startsWith("@")) names.push(entry);
    else if (entry !== "@hoard") for (const scoped of readdirSync(join(root, "node_modules", entry))) names.push(`${entry}/${scoped}`);
  }
  return names.flatMap((name) => [name, `${name}/*`]);
}

export interface ChildOptions {
  /** Shown in errors. */
  name: string;
  /** Path of a .ts script (absolute, or relative to the repository root). */
  script: string;
  env?: Record<string, string>;
  /** Extra node flags, e.g. --expose-gc. */
  nodeArgs?: string[];
}

/** A child process running a TypeScript script (bundled), with `request()` for replies and `events` for the rest. */
export class Child {
  readonly events = new EventEmitter<{ event: [unknown] }>();
  readonly exited: Promise<number | null>;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (body: unknown) => void; reject: (error: Error) => void }>();

  private constructor(
    readonly name: string,
    private readonly proc: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => proc.once("exit", (code) => resolve(code)));
    void this.exited.then((code) => {
      for (const { reject } of this.pending.values()) reject(new Error(`${name} exited (code ${code}) before replying`));
      this.pending.clear();
    });
    proc.on("message", (raw) => {
      const message = raw as Envelope;
      if (message.id === undefined) {
        this.events.emit("event", message.body);
        return;
      }
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter.reject(new Error(`${name}: ${message.error}`));
      else waiter.resolve(message.body);
    });
  }

  static start(options: ChildOptions): Child {
    const proc = spawn(process.execPath, [...(options.nodeArgs ?? []), bundled(options.script)], {
      cwd: root,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    return new Child(options.name, proc);
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** Sends a request and resolves to the child's reply body (typed by the caller, who knows the protocol). */
  request<R>(body: unknown, timeoutMs = 300_000): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name} did not reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as R);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.proc.send({ id, body } satisfies Envelope);
    });
  }

  /** Waits for the first event the predicate accepts. */
  waitFor<R>(accept: (event: unknown) => event is R, timeoutMs = 120_000): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off("event", listener);
        reject(new Error(`${this.name} sent no expected event within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (event: unknown) => {
        if (!accept(event)) return;
        clearTimeout(timer);
        this.events.off("event", listener);
        resolve(event);
      };
      this.events.on("event", listener);
      void this.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (code ${code})`));
      });
    });
  }

  /** Asks the child to stop (it exits on its own), and kills it if it does not within the grace period. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.send({ body: { type: "stop" } } satisfies Envelope);
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill("SIGKILL");
  }
}

/** Child side: answers requests with the handler's result; a `{type: "stop"}` event calls onStop. */
export function serveParent(handlers: { request: (body: unknown) => Promise<unknown>; stop: () => Promise<void> }): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error("this script is a child of bench/run.ts; run `npm run bench` instead");
  process.on("message", (raw) => {
    const message = raw as Envelope;
    if (message.id === undefined) {
      if ((message.body as { type?: unknown }).type === "stop") {
        void handlers.stop().finally(() => process.exit(0));
      }
      return;
    }
    const id = message.id;
    handlers.request(message.body).then(
      (body) => send({ id, body } satisfies Envelope),
      (error: unknown) =>
        send({ id, body: null, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Envelope),
    );
  });
  // An orphaned child (the orchestrator died) must not linger.
  process.on("disconnect", () => {
    void handlers.stop().finally(() => process.exit(0));
  });
}

/** Child side: an event for the parent (no reply expected). */
export function notifyParent(body: unknown): void {
  process.send?.({ body } satisfies Envelope);
}
