import { HoardError } from "@hoard/protocol";
import type { Socket } from "socket.io";
import type { Rate } from "./rate-limit";
import { TokenBuckets } from "./rate-limit";

/** The parts of the Engine.IO connection the gate hooks (engine.io does not export the type). */
interface EngineConnection {
  readonly transport: { name: string; socket?: { pause?: () => void; resume?: () => void } };
  listeners(event: "data"): Array<(data: unknown) => void>;
  off(event: "data", listener: (data: unknown) => void): void;
  on(event: "data", listener: (data: unknown) => void): void;
  write(data: string): void;
}

/** How long a WebSocket that ran its bucket dry is not read. */
const FLOOD_PAUSE_MS = 100;

/** Admitted packets of one connection handed to Socket.IO per turn of the event loop. */
const FAIR_BATCH = 32;

/** Socket.IO's event packets, `2…` and binary `5…`: the ones that become requests (and are settled). */
function isEvent(packet: string): boolean {
  const type = packet.charCodeAt(0);
  return type === 50 || type === 53;
}

export type GateRefusal = "RATE_LIMITED" | "REQUEST_IN_FLIGHT_LIMIT";

/**
 * Admits one connection's incoming events before Socket.IO parses them. Each Engine.IO
 * message is looked at by its first characters only: an event (`2`, then its ack id, then
 * the JSON) is refused when the connection has `maxInFlight` requests under way or, with a
 * `rate`, when its token bucket is empty; a refused event is answered at once with a
 * pre-encoded ack and never parsed, so a flood costs the node a few microseconds an event.
 * Every event counts, known or not. Other packets (connect, disconnect, binary events, which
 * the dispatcher still limits) go through. Only the default namespace exists, so an event
 * for another one is dropped unparsed, as Socket.IO would drop it parsed.
 *
 * A WebSocket whose bucket runs dry is not read for FLOOD_PAUSE_MS (or until its next token,
 * if later): what it sends meanwhile waits in the kernel's buffers and then its own, so a
 * flooding client is slowed by TCP itself and costs the node no work at all while it waits.
 * The events already read are still answered, refused.
 *
 * Fairness: Socket.IO would start every event of a read at once (a burst of a thousand
 * requests is a thousand handlers before the node reads another socket). Admitted packets
 * are handed on at most FAIR_BATCH per connection per turn of the event loop, counted across
 * the turn's reads; the rest wait, unparsed, in arrival order (with any packet behind them),
 * so other connections are read in between.
 *
 * The node as a whole: events handed on and not yet answered, every connection's together,
 * are at most the intake's bound (`NodeIntake`). At the bound no gate hands anything on; what
 * arrives waits unparsed (a string, not a parsed request with its promises, which a node past
 * its capacity would otherwise pile up until collecting them costs more than serving them),
 * and the held connections are let go again in turn as requests finish.
 *
 * `settled()` must be called once for every admitted event, when its reply is queued, and
 * `close()` once the connection closes.
 */
export interface GateOptions<O> {
  maxInFlight: number;
  rate: Rate | undefined;
  onRefused: (owner: O, code: GateRefusal) => void;
  /** The node's one intake, shared by every gate. */
  intake: NodeIntake;
}

/** What the intake asks of a gate it holds. */
interface Held {
  resume(): void;
}

/**
 * The node's bound on requests under way (`HOARD_MAX_NODE_IN_FLIGHT`): events that gates
 * handed to Socket.IO and that are not answered yet, every connection's together. At the bound,
 * gates with events to hand on are held, in the order they came; as requests finish, the held
 * ones are let go first come first served, each for as many events as there is room for (at
 * most one turn's fair batch), and one that still has packets queues again behind the others:
 * round-robin, so no connection starves while the node is saturated. A connection hands on at
 * once only when nobody is held.
 *
 * The count cannot leak: a gate gives back, when its connection closes, whatever it handed on
 * and never settled (a packet Socket.IO could not decode closes the connection; a request
 * still running when it closes settles later and is not counted twice).
 */
export class NodeIntake {
  private underWay = 0;
  /** Held gates in arrival order (a Set keeps insertion order and holds each gate once). */
  private readonly held = new Set<Held>();
  private turn: NodeJS.Immediate | undefined;

  constructor(private readonly limit: number) {}

  /** Requests under way on the node (diagnostics and tests). */
  get size(): number {
    return this.underWay;
  }

  /** Some connections wait for room: a connection with something to hand on goes behind them. */
  get holding(): boolean {
    return this.held.size > 0;
  }

  /** Counts one more request under way, if the bound allows it. */
  take(): boolean {
    if (this.underWay >= this.limit) return false;
    this.underWay++;
    return true;
  }

  /** `count` requests of a gate are answered (or their connection closed). */
  settled(count = 1): void {
    this.underWay -= count;
    this.wake();
  }

  hold(gate: Held): void {
    this.held.add(gate);
    this.wake();
  }

  drop(gate: Held): void {
    this.held.delete(gate);
  }

  private wake(): void {
    if (this.turn === undefined && this.held.size > 0 && this.underWay < this.limit) this.turn = setImmediate(this.release);
  }

  /** Lets held gates go in order while there is room; those held again meanwhile go after them. */
  private readonly release = (): void => {
    this.turn = undefined;
    for (const gate of [...this.held]) {
      if (this.underWay >= this.limit) break;
      this.held.delete(gate);
      gate.resume();
    }
    this.wake();
  };
}

const GATE = Symbol("hoard.gate");
type GatedConnection<O> = EngineConnection & { [GATE]: ConnectionGate<O> };

function onData<O>(this: GatedConnection<O>, data: unknown): void {
  this[GATE].receive(data, this);
}

export class ConnectionGate<O> implements Held {
  /** Socket.IO's own handler of the connection's messages, which the gate stands before. */
  private readonly parse: (data: unknown) => void;
  private inFlight = 0;
  /** Events handed on and not settled: counted in the node's intake. */
  private started = 0;
  /** Made on the first event: an idle connection holds none (memory per connection is a figure). */
  private bucket: TokenBuckets | undefined;
  private paused: NodeJS.Timeout | undefined;
  /** Packets admitted and not yet handed to Socket.IO, in arrival order (made when first needed). */
  private waiting: string[] | undefined;
  /** Packets this connection may still hand on in this turn of the event loop. */
  private budget = FAIR_BATCH;
  /** The next turn, which restores the budget and hands on what waits. */
  private nextTurn: NodeJS.Immediate | undefined;

  /**
   * `options` are shared by every gate of a kind (players', the others'); `owner` is this
   * connection's, handed back to `onRefused`. The gate hooks the connection with one listener
   * function shared by every connection: no closure per connection (memory per idle
   * connection is a figure).
   */
  constructor(
    socket: Socket,
    private readonly options: GateOptions<O>,
    private readonly owner: O,
  ) {
    const conn = socket.conn as unknown as GatedConnection<O>;
    // Socket.IO's client is the only listener of the connection's data; it goes behind the gate.
    const [parse, ...others] = conn.listeners("data");
    if (!parse || others.length > 0) throw new Error("the gate expects Socket.IO's client as the one data listener");
    this.parse = parse;
    conn.off("data", parse);
    conn[GATE] = this;
    conn.on("data", onData);
  }

  /** A message from the connection: handed on, or (an event refused) answered here. */
  receive(data: unknown, conn: EngineConnection): void {
    if (typeof data !== "string") this.parse(data);
    else if (data[0] !== "2" || this.admit(data, conn)) this.queue(data);
  }

  /** The connection closed: stop its timers, drop what waits, give the node back what never settled (its disconnect handler calls this). */
  close(): void {
    clearTimeout(this.paused);
    clearImmediate(this.nextTurn);
    this.waiting = undefined;
    this.options.intake.drop(this);
    const unsettled = this.started;
    this.started = 0;
    if (unsettled > 0) this.options.intake.settled(unsettled);
  }

  settled(): void {
    this.inFlight--;
    if (this.started === 0) return;
    this.started--;
    this.options.intake.settled();
  }

  /** The intake lets this held connection go: one fair batch now. */
  resume(): void {
    this.budget = FAIR_BATCH;
    this.handOn(true);
  }

  private queue(data: string): void {
    this.waiting ??= [];
    this.waiting.push(data);
    this.handOn();
  }

  /**
   * Hands on what waits, within this turn's budget. The budget counts every packet handed on
   * in the turn, however they arrived: one read of a flooding socket delivers a thousand frames,
   * each its own `data` event, and must not start a thousand handlers before the node reads
   * another socket.
   */
  private handOn(resumed = false): void {
    const waiting = this.waiting;
    if (!waiting) return;
    const { intake } = this.options;
    // Connections the intake holds go first: this one waits its turn behind them.
    if (!resumed && waiting.length > 0 && intake.holding) {
      intake.hold(this);
      return;
    }
    // Parsing may close the connection (a packet Socket.IO cannot decode): then `waiting` is gone.
    while (this.budget > 0 && waiting.length > 0 && this.waiting === waiting) {
      const packet = waiting[0] as string;
      if (isEvent(packet)) {
        if (!intake.take()) {
          intake.hold(this);
          return;
        }
        this.started++;
      }
      waiting.shift();
      this.budget--;
      this.parse(packet);
    }
    if (this.waiting !== waiting) return;
    this.nextTurn ??= setImmediate(() => {
      this.nextTurn = undefined;
      this.budget = FAIR_BATCH;
      if (waiting.length > 0) this.handOn();
    });
  }

  private admit(data: string, conn: EngineConnection): boolean {
    if (data[1] === "/") return false;
    let code: GateRefusal | undefined;
    let retryAfterMs = 0;
    if (this.inFlight >= this.options.maxInFlight) code = "REQUEST_IN_FLIGHT_LIMIT";
    else if (this.options.rate) {
      this.bucket ??= new TokenBuckets(this.options.rate.perSecond, this.options.rate.burst);
      const taken = this.bucket.take("");
      if (!taken.ok) {
        code = "RATE_LIMITED";
        retryAfterMs = taken.retryAfterMs;
      }
    }
    if (code === undefined) {
      this.inFlight++;
      return true;
    }
    this.options.onRefused(this.owner, code);
    const id = ackIdOf(data);
    if (id !== undefined) conn.write(`3${id}[${refusalJson(code, retryAfterMs)}]`);
    if (code === "RATE_LIMITED") this.pauseReading(conn, Math.max(retryAfterMs, FLOOD_PAUSE_MS));
    return false;
  }

  private pauseReading(conn: EngineConnection, ms: number): void {
    const ws = conn.transport.name === "websocket" ? conn.transport.socket : undefined;
    if (this.paused !== undefined || !ws?.pause || !ws.resume) return;
    ws.pause();
    this.paused = setTimeout(() => {
      this.paused = undefined;
      ws.resume?.();
    }, ms);
  }
}

/** The ack id of an event packet of the default namespace (`2<id>[...]`), if it asks for an ack. */
function ackIdOf(data: string): string | undefined {
  let end = 1;
  while (end < data.length && end < 20 && data.charCodeAt(end) >= 48 && data.charCodeAt(end) <= 57) end++;
  return end > 1 ? data.slice(1, end) : undefined;
}

const inFlightJson = JSON.stringify({ ok: false, error: new HoardError("REQUEST_IN_FLIGHT_LIMIT").toWire() });
const rateLimitedMessage = JSON.stringify(new HoardError("RATE_LIMITED").message);

function refusalJson(code: GateRefusal, retryAfterMs: number): string {
  if (code === "REQUEST_IN_FLIGHT_LIMIT") return inFlightJson;
  return `{"ok":false,"error":{"code":"RATE_LIMITED","message":${rateLimitedMessage},"details":{"retryAfterMs":${retryAfterMs}}}}`;
}
