import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { BENCH_EVENT } from "../harness/protocol";
import { serveProbe } from "./probe";

/**
 * Baseline: a bare Socket.IO server that acks every call with its own payload, in Hoard's ack
 * shape. No auth, no parsing beyond Socket.IO's own, no store: the cost of the round trip itself.
 */
const httpServer = createServer();
const io = new Server(httpServer, { serveClient: false });
io.on("connection", (socket) => {
  socket.on(BENCH_EVENT, (payload: unknown, ack: unknown) => {
    if (typeof ack === "function") ack({ ok: true, data: payload });
  });
});

httpServer.listen(0, "127.0.0.1", () => {
  const { port } = httpServer.address() as AddressInfo;
  serveProbe({
    url: `http://127.0.0.1:${port}`,
    connections: () => io.engine.clientsCount,
    close: async () => {
      io.disconnectSockets(true);
      await io.close().catch(() => {});
    },
  });
});
