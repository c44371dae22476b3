import type { EventEmitter } from "node:events";

/** The parts of an Engine.IO connection the bound reads (engine.io does not export the type). */
interface EngineConnection extends EventEmitter {
  readonly id: string;
  /** Packets not yet handed to the transport; emptied only when they all are. */
  readonly writeBuffer: readonly unknown[];
  readonly transport: { name: string; socket?: { bufferedAmount?: number; terminate?: () => void } };
  close(discard?: boolean): void;
}

interface EnginePacket {
  data?: unknown;
}

const sizeOf = (packet: EnginePacket) =>
  typeof packet.data === "string" ? packet.data.length : packet.data instanceof Uint8Array ? packet.data.byteLength : 0;

/**
 * Bounds what the node holds for one connection that does not read: the packets Engine.IO
 * queues (it holds them while the transport is busy, or until a long-polling client polls)
 * plus what the WebSocket has not yet handed to the kernel. Socket.IO and ws queue without
 * limit, so a client that stops reading while it keeps asking for large replies would grow the
 * node's memory until it died. Checked whenever a packet is queued, the only time the total
 * grows; over `maxBytes` the connection is cut at once (a polite close would queue behind
 * the unread data) and everything it held is freed. Sizes count characters of text frames,
 * which are bytes for the JSON the node writes.
 *
 * @example io.engine.on("connection", (conn) => boundOutgoing(conn, { maxBytes: 16 << 20, onExceeded }));
 */
export function boundOutgoing(conn: EngineConnection, options: { maxBytes: number; onExceeded: (queuedBytes: number) => void }): void {
  /** Bytes of packets created and not yet handed to the transport. */
  let queued = 0;
  let cut = false;
  conn.on("packetCreate", (packet: EnginePacket) => {
    // Engine.IO hands its whole queue over at once: an empty queue means all of it went.
    // (Counted here rather than on "flush": one listener less on every connection.)
    if (conn.writeBuffer.length === 0) queued = 0;
    queued += sizeOf(packet);
    const total = queued + (conn.transport.socket?.bufferedAmount ?? 0);
    if (total <= options.maxBytes || cut) return;
    cut = true;
    options.onExceeded(total);
    // ws keeps its unsent data until its socket is destroyed: terminate, not close.
    if (conn.transport.name === "websocket") conn.transport.socket?.terminate?.();
    // Discarded: Engine.IO closes now and drops its queue instead of waiting for it to drain.
    conn.close(true);
  });
}
