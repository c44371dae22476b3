/**
 * What the orchestrator, the servers under test and the load generators say to each other
 * over IPC. Requests are unions on `type`; each has one reply shape, named beside it.
 */

/** The event every target answers: Hoard applies it, the baselines echo it back in the same ack shape. */
export const BENCH_EVENT = "inventory:apply";

// ---- servers under test (bench/servers/*.ts, through bench/servers/probe.ts) ----

export type ProbeRequest =
  | { type: "mark" }
  | { type: "measure" }
  | { type: "memory" }
  | { type: "profile-start"; samplingIntervalUs: number }
  | { type: "profile-stop"; file: string };

/** Sent once, unasked, when the server listens. */
export interface ServerReady {
  type: "ready";
  url: string;
  /** Whatever the server wants the orchestrator to know (tokens, settings). */
  info: Record<string, string>;
}

/** Reply to `measure`: the server's own CPU and event-loop use since the last `mark`. */
export interface ServerWindow {
  elapsedMs: number;
  cpuUserUs: number;
  cpuSystemUs: number;
  /** Event-loop utilisation over the window, 0..1. */
  elu: number;
}

/** Reply to `memory`, taken after a forced GC when the server runs with --expose-gc. */
export interface ServerMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  connections: number;
  gc: boolean;
}

// ---- load generators (bench/load/generator.ts) ----

export type TransportKind = "socketio" | "ws";

export interface TargetSpec {
  transport: TransportKind;
  url: string;
  token?: string;
}

/** The payload of every call: an `inventory:apply` of one op, sent to every target alike. */
export interface Workload {
  playerPrefix: string;
  players: number;
  itemIds: string[];
  op: "grant" | "credit";
}

export type LoadMode = { kind: "closed"; window: number } | { kind: "open"; rate: number };

export interface LoadJob {
  target: TargetSpec;
  workload: Workload;
  connections: number;
  mode: LoadMode;
  warmupMs: number;
  durationMs: number;
  /** How long to wait for outstanding acks after the window before counting them as lost. */
  graceMs: number;
}

export type GeneratorRequest =
  | { type: "load"; job: LoadJob }
  | { type: "idle-open"; target: TargetSpec; connections: number }
  | { type: "idle-close" };

/**
 * Events a generator sends while it runs, so the orchestrator can mark and measure the server
 * over the same window (skewed by one IPC hop at each end, well under a millisecond).
 */
export type GeneratorEvent = { type: "window-start" } | { type: "window-end" };

export interface LoadResult {
  mode: LoadMode["kind"];
  /** Length of the measured window on the generator's clock. */
  windowMs: number;
  /** Calls scheduled (open loop) or sent (closed loop) inside the window. */
  sent: number;
  /** Calls of the window acked with ok: true (late ones included, up to the grace period). */
  acked: number;
  /**
   * Acks with ok: true received inside the window, whichever call they answer: the work the
   * server did in the window, to divide its CPU by (equal to `acked` in the closed loop).
   */
  ackedInWindow: number;
  /** Acks with ok: false, by error code. */
  errors: Record<string, number>;
  /** Calls of the window still unanswered after the grace period. */
  lost: number;
  /** Latency histogram (µs), HDR compressed base64: from the scheduled send time in open loop, from the send in closed loop. */
  latency: string;
  /** Open loop only: from the actual send, to show how much of the latency is the generator's own lag. */
  service?: string;
  /** Open loop only: actual send minus scheduled send (µs). */
  sendLag?: string;
  client: { cpuUserUs: number; cpuSystemUs: number; elapsedMs: number };
}

export interface IdleOpened {
  connected: number;
  failed: number;
  elapsedMs: number;
  client: { rss: number };
}

// ---- the floor micro-bench (bench/micro/floor.ts) ----

export interface FloorStep {
  label: string;
  cpuUs: number;
  wallUs: number;
}

export interface FloorResult {
  iterations: number;
  batch: number;
  steps: FloorStep[];
}
