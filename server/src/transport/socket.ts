import type { Server as HttpServer, IncomingMessage } from "node:http";
import { type ClientToServerEvents, HoardError, isClientEventName, type ServerToClientEvents } from "@hoard/protocol";
import { Server, type ServerOptions, type Socket } from "socket.io";
import type { Session } from "../actions";
import type { Principal, TokenService } from "../auth/tokens";
import { Deadlines } from "../lib/deadlines";
import type { Logger } from "../log";
import { ConnectionGate, type GateRefusal, NodeIntake } from "./connection-gate";
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
  /** Requests of every connection under way at once (HOARD_MAX_NODE_IN_FLIGHT); more wait unparsed (connection-gate.ts). */
  maxNodeInFlight: number;
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

  // What every connection shares: its handlers below are made once per node, and each connection
  // keeps one record (`Connection`) on its socket, so an idle connection costs little (a figure).
  const expiries = new Deadlines(hangUpExpired);
  const boundOutgoing = outgoingBound<Caller>({
    maxBytes: options.maxBufferedBytes,
    onExceeded: ({ sub, role }, queuedBytes) => {
      deps.metrics.connectionsCut.inc();
      deps.log.info({ sub, role, queuedBytes }, "connection closed: it leaves its replies unread");
    },
  });
  const onRefused = (socket: Socket, code: GateRefusal) => deps.refusals.count(socket.id, callerOf(socket), code);
  // Players' events are limited per connection before they are parsed (a flood must cost the
  // node next to nothing); the dispatcher still limits per player and class of event.
  const intake = new NodeIntake(options.maxNodeInFlight);
  const gates = {
    player: { maxInFlight: options.maxInFlight, rate: options.rateLimit, onRefused, intake },
    other: { maxInFlight: options.maxInFlight, rate: undefined, onRefused, intake },
  };

  function onDisconnect(this: Socket): void {
    const { context, expiresAt, gate } = connectionOf(this);
    deps.metrics.connections.dec();
    if (expiresAt !== undefined) expiries.delete(this, expiresAt);
    deps.refusals.flush(this.id);
    gate.close();
    deps.onDisconnect?.(context.principal, this.id);
  }

  // One catch-all listener rather than one per event: memory would otherwise grow with the protocol.
  function onEvent(this: Socket, event: unknown, ...args: unknown[]): void {
    const { gate, context } = connectionOf(this);
    if (typeof event !== "string" || !isClientEventName(event)) {
      gate.settled();
      deps.refusals.count(this.id, callerOf(this), "EVENT_UNKNOWN");
      const ack = args.at(-1);
      if (typeof ack === "function")
        ack({ ok: false, error: new HoardError("EVENT_UNKNOWN", `no event ${String(event).slice(0, 64)}`).toWire() });
      return;
    }
    let [payload, ack] = args;
    // `emit(event, ack)` with no payload is an empty payload.
    if (typeof payload === "function" && ack === undefined) [payload, ack] = [undefined, payload];
    void deps.dispatcher.run(event, payload, context, "socket").then((reply) => {
      gate.settled();
      if (typeof ack === "function") ack(reply);
    });
  }

  io.on("connection", (hoardSocket) => {
    const socket = hoardSocket as unknown as Socket;
    const { principal } = hoardSocket.data;
    deps.metrics.connections.inc();
    Object.assign(hoardSocket.data, { nodeId: options.nodeId, transport: socket.conn.transport.name, connectedAt: Date.now() });
    socket.conn.once("upgrade", (transport: { name: string }) => {
      hoardSocket.data.transport = transport.name;
    });
    // A player's connections share a room, so an operator can close them on any node.
    const ownRoom = principal.role === "player" ? playerRoom(principal.sub) : undefined;
    if (ownRoom) void socket.join(ownRoom);
    const caller: Caller = { sub: principal.sub, role: principal.role, transport: "socket" };
    const connection: Connection = {
      caller,
      // One schedule for every connection's token (game servers hold theirs for months).
      expiresAt: principal.exp === undefined ? undefined : principal.exp * 1000,
      context: { principal, session: new SocketSession(socket, ownRoom) },
      gate: new ConnectionGate(socket, principal.role === "player" ? gates.player : gates.other, socket),
    };
    (socket as ConnectedSocket)[CONNECTION] = connection;
    if (connection.expiresAt !== undefined) expiries.add(hoardSocket, connection.expiresAt);
    boundOutgoing(socket.conn as never, caller);
    socket.on("disconnect", onDisconnect);
    socket.onAny(onEvent);
  });
  return io;
}

interface Caller {
  sub: string;
  role: Principal["role"];
  transport: "socket";
}

/** What a connection's shared handlers need of it, kept on its socket. */
interface Connection {
  caller: Caller;
  /** When its token expires (ms since the epoch); absent for a token without one. */
  expiresAt: number | undefined;
  context: { principal: Principal; session: Session };
  gate: ConnectionGate<Socket>;
}

const CONNECTION = Symbol("hoard.connection");
type ConnectedSocket = Socket & { [CONNECTION]: Connection };

function connectionOf(socket: Socket): Connection {
  return (socket as ConnectedSocket)[CONNECTION];
}

function callerOf(socket: Socket): Caller {
  return connectionOf(socket).caller;
}

/** The push topics of a connection: its rooms, less its own and its player's. */
class SocketSession implements Session {
  constructor(
    private readonly socket: Socket,
    private readonly ownRoom: string | undefined,
  ) {}

  get id(): string {
    return this.socket.id;
  }

  join(topic: string): Promise<void> | void {
    return this.socket.join(topic);
  }

  leave(topic: string): Promise<void> | void {
    return this.socket.leave(topic);
  }

  get topics(): ReadonlySet<string> {
    const topics = new Set(this.socket.rooms);
    topics.delete(this.socket.id);
    if (this.ownRoom) topics.delete(this.ownRoom);
    return topics;
  }
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
