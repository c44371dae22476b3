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

/** What the bound keeps on each connection: one small object, no closure of its own. */
interface Held {
  /** Bytes of packets created and not yet handed to the transport. */
  queued: number;
  cut: boolean;
  /** Handed back to `onExceeded` (who the connection is, for the log). */
  owner: unknown;
}

const HELD = Symbol("hoard.outgoing");

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
 * One listener function for every connection (it reads its connection from `this`) and a
 * small record per connection: memory per idle connection is a figure (bench/, README).
 *
 * @example const bound = outgoingBound({ maxBytes: 16 << 20, onExceeded }); io.on("connection", (s) => bound(s.conn, s.data));
 */
export function outgoingBound<O>(options: {
  maxBytes: number;
  onExceeded: (owner: O, queuedBytes: number) => void;
}): (conn: EngineConnection, owner: O) => void {
  function onPacketCreate(this: EngineConnection & { [HELD]: Held }, packet: EnginePacket): void {
    const held = this[HELD];
    // Engine.IO hands its whole queue over at once: an empty queue means all of it went.
    // (Counted here rather than on "flush": one listener less on every connection.)
    if (this.writeBuffer.length === 0) held.queued = 0;
    held.queued += sizeOf(packet);
    const total = held.queued + (this.transport.socket?.bufferedAmount ?? 0);
    if (total <= options.maxBytes || held.cut) return;
    held.cut = true;
    options.onExceeded(held.owner as O, total);
    // ws keeps its unsent data until its socket is destroyed: terminate, not close.
    if (this.transport.name === "websocket") this.transport.socket?.terminate?.();
    // Discarded: Engine.IO closes now and drops its queue instead of waiting for it to drain.
    this.close(true);
  }
  return (conn, owner) => {
    (conn as EngineConnection & { [HELD]: Held })[HELD] = { queued: 0, cut: false, owner };
    conn.on("packetCreate", onPacketCreate);
  };
}
