import type { Server as HttpServer, IncomingMessage } from "node:http";
import { type ClientToServerEvents, HoardError, isClientEventName, type ServerToClientEvents } from "@hoard/protocol";
import { Server, type ServerOptions, type Socket } from "socket.io";
import type { Session } from "../actions";
import type { Principal, TokenService } from "../auth/tokens";
import { Deadlines } from "../lib/deadlines";
import type { Logger } from "../log";
import { ConnectionGate } from "./connection-gate";
import { playerRoom } from "./connections";
import type { Dispatcher } from "./dispatch";
import type { Metrics } from "./metrics";
import { outgoingBound } from "./outbound-limit";
import type { Rate } from "./rate-limit";
import type { RefusalLog } from "./refusal-log";

interface SocketData {
  principal: Principal;
  /** What cluster:sockets tells an operator about this connection, from any node (fetchSockets). */
  nodeId: string;
  transport: string;
  connectedAt: number;
}

export type HoardIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface SocketOptions {
  nodeId: string;
  maxPayloadBytes: number;
  allowedOrigins: string[];
  /** Outgoing bytes a connection may leave unread before it is closed (HOARD_MAX_BUFFERED_BYTES). */
  maxBufferedBytes: number;
  /** Requests of one connection under way at once (HOARD_MAX_IN_FLIGHT); more get REQUEST_IN_FLIGHT_LIMIT. */
  maxInFlight: number;
  /** Players' events per connection (the standard tier), admitted before they are parsed. */
  rateLimit: Rate;
  /** The cluster adapter (Redis); the in-memory one when absent. */
  adapter?: ServerOptions["adapter"] | undefined;
}

/**
 * Socket.IO transport: authenticates the handshake, then routes every protocol event through
 * the dispatcher and acks its result. Unknown events are acked with EVENT_UNKNOWN.
 */
export function createSocketServer(
  httpServer: HttpServer,
  options: SocketOptions,
  deps: {
    tokens: TokenService;
    dispatcher: Dispatcher;
    log: Logger;
    metrics: Metrics;
    refusals: RefusalLog;
    /** Called once when a connection closes, for domains that bind state to connections. */
    onDisconnect?: (principal: Principal, connectionId: string) => void;
  },
): HoardIo {
  const io: HoardIo = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: options.maxPayloadBytes,
    allowRequest: (req, callback) => callback(null, originAllowed(req, options.allowedOrigins)),
    // The cors package matches a list entry by equality, so "*" in a list would allow no one:
    // long-polling answered without Access-Control-Allow-Origin.
    ...(options.allowedOrigins.length > 0 ? { cors: { origin: options.allowedOrigins.includes("*") ? "*" : options.allowedOrigins } } : {}),
    ...(options.adapter ? { adapter: options.adapter } : {}),
  });

  io.use(async (socket, next) => {
    try {
      socket.data.principal = await deps.tokens.verify(tokenOf(socket));
      next();
    } catch (error) {
      const wire = error instanceof HoardError ? error.toWire() : new HoardError("AUTH_UNAUTHENTICATED").toWire();
      next(Object.assign(new Error(wire.message), { data: wire }));
    }
  });

  const expiries = new Deadlines(hangUpExpired);
  const boundOutgoing = outgoingBound<{ sub: string; role: string }>({
    maxBytes: options.maxBufferedBytes,
    onExceeded: ({ sub, role }, queuedBytes) => {
      deps.metrics.connectionsCut.inc();
      deps.log.info({ sub, role, queuedBytes }, "connection closed: it leaves its replies unread");
    },
  });
  io.on("connection", (socket) => {
    const { principal } = socket.data;
    deps.metrics.connections.inc();
    Object.assign(socket.data, { nodeId: options.nodeId, transport: socket.conn.transport.name, connectedAt: Date.now() });
    socket.conn.once("upgrade", (transport: { name: string }) => {
      socket.data.transport = transport.name;
    });
    // One schedule for every connection's token (game servers hold theirs for months).
    const expiresAt = principal.exp === undefined ? undefined : principal.exp * 1000;
    if (expiresAt !== undefined) expiries.add(socket, expiresAt);
    socket.on("disconnect", () => {
      deps.metrics.connections.dec();
      if (expiresAt !== undefined) expiries.delete(socket, expiresAt);
      deps.refusals.flush(socket.id);
      gate.close();
      deps.onDisconnect?.(principal, socket.id);
    });

    // A player's connections share a room, so an operator can close them on any node.
    const ownRoom = principal.role === "player" ? playerRoom(principal.sub) : undefined;
    if (ownRoom) void socket.join(ownRoom);
    const session: Session = {
      id: socket.id,
      join: (topic) => socket.join(topic),
      leave: (topic) => socket.leave(topic),
      get topics() {
        const topics = new Set(socket.rooms);
        topics.delete(socket.id);
        if (ownRoom) topics.delete(ownRoom);
        return topics;
      },
    };
    const ctx = { principal, session };
    const caller = { sub: principal.sub, role: principal.role, transport: "socket" } as const;
    boundOutgoing(socket.conn as never, caller);
    // Players' events are limited per connection before they are parsed (a flood must cost the
    // node next to nothing); the dispatcher still limits per player and class of event.
    const gate = new ConnectionGate(socket as unknown as Socket, {
      maxInFlight: options.maxInFlight,
      rate: principal.role === "player" ? options.rateLimit : undefined,
      onRefused: (code) => deps.refusals.count(socket.id, caller, code),
    });
    // One catch-all listener per connection rather than one per event: a listener is a closure
    // and an entry in the socket's table, per connection, so memory would grow with the protocol.
    (socket as unknown as Socket).onAny((event: unknown, ...args: unknown[]) => {
      if (typeof event !== "string" || !isClientEventName(event)) {
        gate.settled();
        deps.refusals.count(socket.id, caller, "EVENT_UNKNOWN");
        const ack = args.at(-1);
        if (typeof ack === "function")
          ack({ ok: false, error: new HoardError("EVENT_UNKNOWN", `no event ${String(event).slice(0, 64)}`).toWire() });
        return;
      }
      let [payload, ack] = args;
      // `emit(event, ack)` with no payload is an empty payload.
      if (typeof payload === "function" && ack === undefined) [payload, ack] = [undefined, payload];
      void deps.dispatcher.run(event, payload, ctx, "socket").then((reply) => {
        gate.settled();
        if (typeof ack === "function") ack(reply);
      });
    });
  });
  return io;
}

/** Says why before hanging up, so the client fetches a fresh token rather than waiting out an outage. */
function hangUpExpired(socket: Socket<ClientToServerEvents, ServerToClientEvents>): void {
  socket.emit("closing", new HoardError("AUTH_TOKEN_EXPIRED", "the token expired; connect again with a fresh one").toWire());
  socket.disconnect(true);
}

function tokenOf(socket: Socket): string {
  const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof fromAuth === "string") return fromAuth;
  const header = socket.handshake.headers.authorization;
  if (typeof header === "string" && header.startsWith("Bearer ")) return header.slice(7);
  throw new HoardError("AUTH_UNAUTHENTICATED", "pass a token in the handshake: io(url, { auth: { token } })");
}

/**
 * Browsers send an Origin; other clients do not. A browser may connect from the node's own
 * origin (the console) or from HOARD_ALLOWED_ORIGINS ("*" allows any).
 */
function originAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || allowed.includes("*") || allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
