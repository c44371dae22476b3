import { performance } from "node:perf_hooks";
import { newOpId } from "@hoard/client-sdk";
import { notifyParent, serveParent } from "../harness/ipc";
import type { GeneratorEvent, GeneratorRequest, IdleOpened, LoadJob, LoadResult } from "../harness/protocol";
import { connectionOf, dueBy, scheduledAt, windowCalls } from "../harness/schedule";
import { encodeHistogram, newHistogram, recordMs } from "../harness/stats";
import { payloadOf } from "../harness/workload";
import { type Conn, openConns, type Reply } from "./transports";

/**
 * A load generator process: a swarm of client connections driven closed loop (a fixed number
 * of calls in flight per connection, for capacity) or open loop (calls on a fixed schedule,
 * latency counted from the scheduled time, for latency under a given load). It runs in its
 * own process so its CPU is not the server's; the orchestrator marks the server's window when
 * this process says its window starts and ends.
 */

let idle: Conn[] = [];

serveParent({
  request: async (body) => {
    const request = body as GeneratorRequest;
    switch (request.type) {
      case "load":
        return runLoad(request.job);
      case "idle-open": {
        const started = performance.now();
        const { conns, failed } = await openConns(request.target, request.connections);
        idle = conns;
        return {
          connected: conns.length,
          failed,
          elapsedMs: performance.now() - started,
          client: { rss: process.memoryUsage().rss },
        } satisfies IdleOpened;
      }
      case "idle-close":
        for (const conn of idle) conn.close();
        idle = [];
        return {};
    }
  },
  stop: async () => {
    for (const conn of idle) conn.close();
  },
});

async function runLoad(job: LoadJob): Promise<LoadResult> {
  const { conns, failed } = await openConns(job.target, job.connections);
  if (failed > 0 || conns.length === 0) {
    for (const conn of conns) conn.close();
    throw new Error(`${failed} of ${job.connections} connections to ${job.target.url} failed`);
  }
  try {
    return job.mode.kind === "closed" ? await closedLoop(job, conns, job.mode.window) : await openLoop(job, conns, job.mode.rate);
  } finally {
    for (const conn of conns) conn.close();
  }
}

const signal = (event: GeneratorEvent) => notifyParent(event);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Tally {
  acked: number;
  errors: Record<string, number>;
}

function tallyReply(tally: Tally, reply: Reply): void {
  if (reply.ok) tally.acked++;
  else {
    const code = reply.error?.code ?? "UNKNOWN";
    tally.errors[code] = (tally.errors[code] ?? 0) + 1;
  }
}

/** Every connection keeps `window` calls in flight; the count of acks in the window is the capacity. */
async function closedLoop(job: LoadJob, conns: Conn[], window: number): Promise<LoadResult> {
  const latency = newHistogram();
  const tally: Tally = { acked: 0, errors: {} };
  let sending = true;
  let measuring = false;
  let sent = 0;
  let inFlight = 0;
  let index = 0;
  let drained: (() => void) | undefined;

  const fire = (conn: Conn) => {
    const sentAt = performance.now();
    const counted = measuring;
    if (counted) sent++;
    inFlight++;
    conn.call(payloadOf(job.workload, index++, newOpId()), (reply) => {
      inFlight--;
      if (measuring) {
        tallyReply(tally, reply);
        if (reply.ok) recordMs(latency, performance.now() - sentAt);
      }
      if (sending) fire(conn);
      else if (inFlight === 0) drained?.();
    });
  };
  for (const conn of conns) for (let k = 0; k < window; k++) fire(conn);

  await sleep(job.warmupMs);
  signal({ type: "window-start" });
  measuring = true;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await sleep(job.durationMs);
  measuring = false;
  const windowMs = performance.now() - started;
  const clientCpu = process.cpuUsage(cpu);
  signal({ type: "window-end" });
  sending = false;

  if (inFlight > 0) await Promise.race([new Promise<void>((resolve) => (drained = resolve)), sleep(job.graceMs)]);
  return {
    mode: "closed",
    windowMs,
    sent,
    acked: tally.acked,
    ackedInWindow: tally.acked,
    errors: tally.errors,
    lost: 0,
    latency: encodeHistogram(latency),
    client: { cpuUserUs: clientCpu.user, cpuSystemUs: clientCpu.system, elapsedMs: windowMs },
  };
}

/**
 * Calls go out on the schedule of harness/schedule.ts, round robin over the connections.
 * Latency runs from the scheduled time; the service time (from the actual send) and the
 * generator's own lag are kept beside it.
 */
async function openLoop(job: LoadJob, conns: Conn[], rate: number): Promise<LoadResult> {
  const latency = newHistogram();
  const service = newHistogram();
  const sendLag = newHistogram();
  const tally: Tally = { acked: 0, errors: {} };
  const { first, end } = windowCalls({ warmupMs: job.warmupMs, durationMs: job.durationMs, rate });
  /** Calls of the window still unanswered, by index → scheduled time. */
  const outstanding = new Map<number, number>();
  let next = 0;
  let windowStarted = false;
  let windowEnded = false;
  let ackedInWindow = 0;
  let cpu = process.cpuUsage();
  let clientCpu = { user: 0, system: 0 };
  let windowMs = 0;
  let allAnswered: (() => void) | undefined;
  const start = performance.now();

  const send = (index: number) => {
    const scheduled = start + scheduledAt(index, rate);
    const sentAt = performance.now();
    const inWindow = index >= first && index < end;
    if (inWindow) {
      outstanding.set(index, scheduled);
      recordMs(sendLag, sentAt - scheduled);
    }
    const conn = conns[connectionOf(index, conns.length)] as Conn;
    conn.call(payloadOf(job.workload, index, newOpId()), (reply) => {
      if (windowStarted && !windowEnded && reply.ok) ackedInWindow++;
      if (!inWindow || !outstanding.delete(index)) return;
      const now = performance.now();
      tallyReply(tally, reply);
      if (reply.ok) {
        recordMs(latency, now - scheduled);
        recordMs(service, now - sentAt);
      }
      if (next >= end && outstanding.size === 0) allAnswered?.();
    });
  };

  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = performance.now() - start;
      if (!windowStarted && elapsed >= job.warmupMs) {
        windowStarted = true;
        signal({ type: "window-start" });
        cpu = process.cpuUsage();
      }
      const due = Math.min(dueBy(elapsed, rate), end);
      while (next < due) send(next++);
      if (next >= end) {
        windowEnded = true;
        windowMs = performance.now() - start - job.warmupMs;
        clientCpu = process.cpuUsage(cpu);
        signal({ type: "window-end" });
        resolve();
        return;
      }
      // Timers fire at best every millisecond; calls due in between go out together, and the
      // lag this adds is measured (sendLag) and counted in the latency.
      setTimeout(tick, Math.max(1, scheduledAt(next, rate) - elapsed));
    };
    tick();
  });

  if (outstanding.size > 0) await Promise.race([new Promise<void>((resolve) => (allAnswered = resolve)), sleep(job.graceMs)]);
  // Calls never answered count at the time we gave up on them: a lower bound, never left out.
  const gaveUp = performance.now();
  for (const scheduled of outstanding.values()) recordMs(latency, gaveUp - scheduled);

  return {
    mode: "open",
    windowMs,
    sent: end - first,
    acked: tally.acked,
    ackedInWindow,
    errors: tally.errors,
    lost: outstanding.size,
    latency: encodeHistogram(latency),
    service: encodeHistogram(service),
    sendLag: encodeHistogram(sendLag),
    client: { cpuUserUs: clientCpu.user, cpuSystemUs: clientCpu.system, elapsedMs: windowMs },
  };
}
