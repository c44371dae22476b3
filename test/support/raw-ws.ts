import WebSocket from "ws";

/**
 * A Socket.IO connection spoken by hand over a bare `ws` WebSocket (Engine.IO v4 framing), for
 * what socket.io-client cannot do: send a frame it would not encode (a payload nested deeper
 * than its encoder's recursion), stop reading while still sending, or send faster than it queues.
 */
export interface RawWs {
  ws: WebSocket;
  /** The Socket.IO socket id the node gave it. */
  sid: string;
  /** Sends `event` with `payload` and ack id `id` as pre-encoded text (no recursion on the payload). */
  emitText(event: string, payloadJson: string, id: number): void;
  /** Sends raw Socket.IO frames in one TCP write, so the node reads them together. */
  sendAll(frames: string[]): void;
  /** Resolves with the ack of `id` (the array of its arguments). */
  ack(id: number): Promise<unknown[]>;
  /** Stops reading from the TCP socket: the node's writes then queue (kernel buffers, then the node's). */
  pauseReading(): void;
  /** Resolves when the connection closes. */
  closed: Promise<void>;
  close(): void;
}

export async function connectRawWs(url: string, token: string): Promise<RawWs> {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`);
  const acks = new Map<number, (args: unknown[]) => void>();
  const early = new Map<number, unknown[]>();
  let sid = "";
  let connected: () => void = () => {};
  let refused: (error: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    connected = resolve;
    refused = reject;
  });
  const closed = new Promise<void>((resolve) => ws.once("close", () => resolve()));
  ws.on("error", (error) => refused(error));
  ws.on("message", (data) => {
    const text = data.toString();
    if (text.startsWith("0")) ws.send(`40${JSON.stringify({ token })}`);
    else if (text === "2") ws.send("3");
    else if (text.startsWith("40")) {
      sid = (JSON.parse(text.slice(2)) as { sid: string }).sid;
      connected();
    } else if (text.startsWith("44")) refused(new Error(text.slice(2)));
    else if (text.startsWith("43")) {
      const match = /^43(\d+)(.*)$/s.exec(text);
      if (!match) return;
      const id = Number(match[1]);
      const args = JSON.parse(match[2] ?? "[]") as unknown[];
      const waiter = acks.get(id);
      if (waiter) {
        acks.delete(id);
        waiter(args);
      } else early.set(id, args);
    }
  });
  await ready;
  return {
    ws,
    sid,
    emitText: (event, payloadJson, id) => ws.send(`42${id}[${JSON.stringify(event)},${payloadJson}]`),
    ack: (id) => {
      const got = early.get(id);
      if (got) {
        early.delete(id);
        return Promise.resolve(got);
      }
      return new Promise((resolve) => acks.set(id, resolve));
    },
    sendAll: (frames) => {
      const socket = (ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
      socket.cork();
      for (const frame of frames) ws.send(frame);
      socket.uncork();
    },
    pauseReading: () => (ws as unknown as { _socket: { pause(): void } })._socket.pause(),
    closed,
    close: () => ws.terminate(),
  };
}
