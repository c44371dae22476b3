import { notifyParent, serveParent } from "../harness/ipc";
import { connectSocket } from "./transports";

/**
 * The flooding player, in a process of its own (its CPU is not the victim's): on request it
 * connects and emits `count` events with acks as fast as socket.io-client sends them, then
 * answers how long until every ack was back and what the acks said.
 */
interface FloodRequest {
  url: string;
  token: string;
  event: string;
  payload: unknown;
  count: number;
}

async function flood(request: FloodRequest) {
  const socket = await connectSocket(request.url, request.token);
  const outcomes: Record<string, number> = {};
  const started = performance.now();
  let answered = 0;
  const done = new Promise<void>((resolve) => {
    const onAck = (reply: { ok: boolean; error?: { code: string } }) => {
      const outcome = reply.ok ? "ok" : (reply.error?.code ?? "?");
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      if (++answered === request.count) resolve();
    };
    let sent = 0;
    const burst = () => {
      for (let i = 0; i < 1000 && sent < request.count; i++, sent++) socket.emit(request.event, request.payload, onAck);
      if (sent < request.count) setImmediate(burst);
    };
    burst();
  });
  const timedOut = await Promise.race([done.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 120_000))]);
  const durationMs = performance.now() - started;
  socket.close();
  return { durationMs, outcomes, answered, timedOut };
}

serveParent({ request: (body) => flood(body as FloodRequest), stop: async () => {} });
notifyParent({ type: "ready" });
