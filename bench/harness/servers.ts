import { Child } from "./ipc";
import type { TargetName } from "./options";
import type { ProbeRequest, ServerMemory, ServerReady, ServerWindow, TargetSpec, TransportKind } from "./protocol";

interface TargetDefinition {
  label: string;
  script: string;
  transport: TransportKind;
  env?: Record<string, string>;
  hoard: boolean;
}

export const TARGETS: Record<TargetName, TargetDefinition> = {
  ws: { label: "bare ws", script: "bench/servers/ws-echo.ts", transport: "ws", hoard: false },
  socketio: { label: "bare socket.io", script: "bench/servers/socketio-echo.ts", transport: "socketio", hoard: false },
  "hoard-normal": {
    label: "Hoard, sync NORMAL",
    script: "bench/servers/hoard.ts",
    transport: "socketio",
    env: { HOARD_SQLITE_SYNCHRONOUS: "NORMAL" },
    hoard: true,
  },
  "hoard-full": {
    label: "Hoard, sync FULL",
    script: "bench/servers/hoard.ts",
    transport: "socketio",
    env: { HOARD_SQLITE_SYNCHRONOUS: "FULL" },
    hoard: true,
  },
};

/** A server under test in its own process, measured through its probe. */
export class ServerUnderTest {
  private constructor(
    readonly name: TargetName,
    readonly child: Child,
    readonly url: string,
    readonly info: Record<string, string>,
  ) {}

  static async start(name: TargetName): Promise<ServerUnderTest> {
    const definition = TARGETS[name];
    // --expose-gc lets the memory phase collect garbage before it reads the heap; it costs nothing otherwise.
    const child = Child.start({ name, script: definition.script, env: definition.env ?? {}, nodeArgs: ["--expose-gc"] });
    try {
      const ready = await child.waitFor((event): event is ServerReady => (event as { type?: unknown }).type === "ready", 60_000);
      return new ServerUnderTest(name, child, ready.url, ready.info);
    } catch (error) {
      child.kill();
      throw error;
    }
  }

  /** Where a generator connects, and as whom: Hoard gets its `server` token (not rate limited). */
  spec(as: "server" | "player" = "server"): TargetSpec {
    const token = as === "server" ? this.info.serverToken : this.info.playerToken;
    return { transport: TARGETS[this.name].transport, url: this.url, ...(token === undefined ? {} : { token }) };
  }

  mark(): Promise<unknown> {
    return this.child.request({ type: "mark" } satisfies ProbeRequest);
  }

  measure(): Promise<ServerWindow> {
    return this.child.request({ type: "measure" } satisfies ProbeRequest);
  }

  memory(): Promise<ServerMemory> {
    return this.child.request({ type: "memory" } satisfies ProbeRequest);
  }

  profileStart(samplingIntervalUs: number): Promise<unknown> {
    return this.child.request({ type: "profile-start", samplingIntervalUs } satisfies ProbeRequest);
  }

  profileStop(file: string): Promise<unknown> {
    return this.child.request({ type: "profile-stop", file } satisfies ProbeRequest);
  }

  stop(): Promise<void> {
    return this.child.stop();
  }
}
