import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { performance } from "node:perf_hooks";
import { notifyParent, serveParent } from "../harness/ipc";
import type { ProbeRequest, ServerMemory, ServerReady, ServerWindow } from "../harness/protocol";

/** What a server under test exposes to the probe. */
export interface ProbeTarget {
  url: string;
  info?: Record<string, string>;
  connections(): number;
  close(): Promise<void>;
}

/**
 * The measuring side of every server under test, identical for Hoard and the baselines: CPU
 * and event-loop use over a window the orchestrator marks, memory after a forced GC, and a
 * CPU profile of a window. It lives in the bench's wrapper scripts, never in production code.
 */
export function serveProbe(target: ProbeTarget): void {
  let mark = { cpu: process.cpuUsage(), at: performance.now(), elu: performance.eventLoopUtilization() };
  let profiler: Session | undefined;

  const handle = async (request: ProbeRequest): Promise<unknown> => {
    switch (request.type) {
      case "mark":
        mark = { cpu: process.cpuUsage(), at: performance.now(), elu: performance.eventLoopUtilization() };
        return {};
      case "measure": {
        const cpu = process.cpuUsage(mark.cpu);
        const window: ServerWindow = {
          elapsedMs: performance.now() - mark.at,
          cpuUserUs: cpu.user,
          cpuSystemUs: cpu.system,
          elu: performance.eventLoopUtilization(mark.elu).utilization,
        };
        return window;
      }
      case "memory":
        return memory(target);
      case "profile-start":
        profiler = new Session();
        profiler.connect();
        await profiler.post("Profiler.enable");
        await profiler.post("Profiler.setSamplingInterval", { interval: request.samplingIntervalUs });
        await profiler.post("Profiler.start");
        return {};
      case "profile-stop": {
        if (!profiler) throw new Error("no profile under way");
        const { profile } = await profiler.post("Profiler.stop");
        profiler.disconnect();
        profiler = undefined;
        writeFileSync(request.file, JSON.stringify(profile));
        return { file: request.file };
      }
    }
  };

  serveParent({ request: (body) => handle(body as ProbeRequest), stop: () => target.close() });
  notifyParent({ type: "ready", url: target.url, info: target.info ?? {} } satisfies ServerReady);
}

/** Memory after two full GCs (when exposed), so the figures hold live objects rather than garbage. */
async function memory(target: ProbeTarget): Promise<ServerMemory> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const usage = process.memoryUsage();
  return {
    rss: usage.rss,
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
    connections: target.connections(),
    gc: gc !== undefined,
  };
}
