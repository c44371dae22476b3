import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { serveProbe } from "./probe";

/**
 * Baseline: a bare `ws` server. Each message is `{id, event, payload}` as JSON; the reply is
 * `{id, reply: {ok: true, data: payload}}`, so it parses and serialises what Socket.IO would,
 * without Socket.IO's packet layer.
 */
const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
wss.on("connection", (socket) => {
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as { id: number; payload: unknown };
    socket.send(JSON.stringify({ id: message.id, reply: { ok: true, data: message.payload } }));
  });
});

wss.on("listening", () => {
  const { port } = wss.address() as AddressInfo;
  serveProbe({
    url: `ws://127.0.0.1:${port}`,
    connections: () => wss.clients.size,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  });
});
