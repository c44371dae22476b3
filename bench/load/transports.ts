import { io, type Socket } from "socket.io-client";
import WebSocket from "ws";
import { BENCH_EVENT, type TargetSpec } from "../harness/protocol";

/** The ack every target answers with. */
export interface Reply {
  ok: boolean;
  error?: { code: string };
}

/** One client connection: a call with an ack callback, the same shape over every transport. */
export interface Conn {
  call(payload: unknown, onReply: (reply: Reply) => void): void;
  close(): void;
}

/** One Socket.IO connection with a token, no reconnection, resolved once the handshake is accepted. */
export async function connectSocket(url: string, token: string): Promise<Socket> {
  const socket = io(url, { transports: ["websocket"], auth: { token }, reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

/** Opens `count` connections, at most `concurrency` handshakes at a time. Failures are counted, not thrown. */
export async function openConns(target: TargetSpec, count: number, concurrency = 200): Promise<{ conns: Conn[]; failed: number }> {
  const conns: Conn[] = [];
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      try {
        conns.push(await openConn(target));
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { conns, failed };
}

function openConn(target: TargetSpec): Promise<Conn> {
  return target.transport === "socketio" ? openSocketIo(target) : openWs(target);
}

function openSocketIo(target: TargetSpec): Promise<Conn> {
  const socket = io(target.url, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    timeout: 30_000,
    auth: target.token === undefined ? {} : { token: target.token },
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () =>
      resolve({
        call: (payload, onReply) => socket.emit(BENCH_EVENT, payload, onReply),
        close: () => socket.close(),
      }),
    );
    socket.once("connect_error", (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** The same call over bare `ws`: `{id, event, payload}` out, `{id, reply}` back, matched by id. */
function openWs(target: TargetSpec): Promise<Conn> {
  const socket = new WebSocket(target.url, { perMessageDeflate: false });
  const pending = new Map<number, (reply: Reply) => void>();
  let nextId = 0;
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as { id: number; reply: Reply };
    const onReply = pending.get(message.id);
    pending.delete(message.id);
    onReply?.(message.reply);
  });
  return new Promise((resolve, reject) => {
    socket.once("open", () =>
      resolve({
        call: (payload, onReply) => {
          const id = nextId++;
          pending.set(id, onReply);
          socket.send(JSON.stringify({ id, event: BENCH_EVENT, payload }));
        },
        close: () => socket.close(),
      }),
    );
    socket.once("error", reject);
  });
}
