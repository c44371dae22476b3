import { type Ack, type ClientEventName, clientEvents, HoardError, type WireError } from "@hoard/protocol";
import type { z } from "zod";
import type { Action, ActionContext, Actions } from "../actions";
import type { Logger } from "../log";
import type { Metrics } from "./metrics";
import type { RateLimits } from "./rate-classes";

/**
 * The one wrapper every request goes through, over the socket and over REST:
 * shutdown gate → rate limit → parse (zod) → authorize → handle → ack, with error
 * normalisation and metrics. No handler repeats any of it.
 */
export class Dispatcher {
  private inFlight = 0;
  private closing = false;
  private drained: (() => void) | undefined;

  constructor(private readonly deps: { actions: Actions; log: Logger; metrics: Metrics; limits: RateLimits }) {}

  run(event: ClientEventName, payload: unknown, ctx: ActionContext, transport: "socket" | "http"): Promise<Ack<unknown>> {
    return this.guard(event, ctx, transport, () => {
      const input = parseInput(clientEvents[event].input, payload);
      const action = this.deps.actions[event] as Action<ClientEventName>;
      action.authorize(ctx.principal, input as never);
      return action.handle(ctx, input as never);
    });
  }

  /**
   * Everything `run` does around an action, for work that is not one protocol event (a
   * streamed import): shutdown gate, rate limit, error normalisation, metrics under `name`,
   * and drain on shutdown.
   */
  async guard<T>(name: string, ctx: ActionContext, transport: "socket" | "http", work: () => Promise<T>): Promise<Ack<T>> {
    const started = performance.now();
    let outcome = "ok";
    this.inFlight++;
    try {
      if (this.closing) throw new HoardError("SERVER_SHUTTING_DOWN");
      // Trusted game servers and admins are not limited; players are, per player and class of event.
      if (ctx.principal.role === "player") {
        const taken = await this.deps.limits.take(name, `${ctx.principal.role}:${ctx.principal.sub}`);
        if (!taken.ok) throw new HoardError("RATE_LIMITED", undefined, { details: { retryAfterMs: taken.retryAfterMs } });
      }
      return { ok: true, data: await work() };
    } catch (error) {
      const wire = this.normalise(error, name, ctx);
      outcome = wire.code;
      return { ok: false, error: wire };
    } finally {
      this.inFlight--;
      this.deps.metrics.requests.inc({ event: name, transport, outcome });
      this.deps.metrics.duration.observe({ event: name }, (performance.now() - started) / 1000);
      // Not at once: the transport sends the reply when this promise settles, a few microtasks
      // on, and close() hangs up on the sockets as soon as the drain resolves.
      if (this.closing && this.inFlight === 0) setImmediate(() => this.drained?.());
    }
  }

  /** Refuses new requests and resolves when the ones under way are done (or the timeout passes). */
  drain(timeoutMs: number): Promise<void> {
    this.closing = true;
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.drained = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  get isClosing(): boolean {
    return this.closing;
  }

  /** Known errors go out as they are; anything else becomes INTERNAL, its detail only in the log. */
  private normalise(error: unknown, event: string, ctx: ActionContext): WireError {
    const who = { event, sub: ctx.principal.sub, role: ctx.principal.role };
    if (error instanceof HoardError && error.code !== "INTERNAL") {
      if (error.status >= 500) this.deps.log.error({ ...who, err: error }, error.message);
      else this.deps.log.info({ ...who, code: error.code }, error.message);
      return error.toWire();
    }
    this.deps.log.error({ ...who, err: error }, "unhandled error");
    return new HoardError("INTERNAL").toWire();
  }
}

/** Parses with a protocol schema; a mismatch is VALIDATION_FAILED listing every issue. */
export function parseInput(schema: z.ZodType, payload: unknown): unknown {
  const proto = protoKeyPath(payload);
  if (proto !== undefined) {
    throw new HoardError("VALIDATION_FAILED", `${proto}: __proto__ is not allowed as a key`, {
      details: { issues: [{ path: proto, message: "__proto__ is not allowed as a key" }] },
    });
  }
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
  const first = issues[0];
  const summary = first
    ? `${first.path || "payload"}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""}`
    : "invalid";
  throw new HoardError("VALIDATION_FAILED", summary, { details: { issues } });
}

/**
 * The path of the first own `__proto__` key (JSON.parse makes one), if any. Strict objects
 * refuse it, but zod's records silently drop it, so a request would be changed, not refused.
 * Iterative: a payload may nest deeper than the stack.
 */
function protoKeyPath(payload: unknown): string | undefined {
  // Objects only, no path strings: this runs on every request and almost never finds one.
  const pending: object[] = [];
  if (payload !== null && typeof payload === "object") pending.push(payload);
  for (let value = pending.pop(); value !== undefined; value = pending.pop()) {
    if (Object.hasOwn(value, "__proto__")) return pathTo(payload, value);
    for (const child of Object.values(value)) if (child !== null && typeof child === "object") pending.push(child);
  }
  return undefined;
}

/** The dotted path from `root` to `target` (which holds an own `__proto__` key). */
function pathTo(root: unknown, target: object, path = ""): string | undefined {
  if (root === target) return path ? `${path}.__proto__` : "__proto__";
  if (root === null || typeof root !== "object") return undefined;
  for (const [key, child] of Object.entries(root)) {
    const found = pathTo(child, target, path ? `${path}.${key}` : key);
    if (found !== undefined) return found;
  }
  return undefined;
}
