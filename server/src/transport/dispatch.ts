import { type Ack, type ClientEventName, clientEvents, HoardError, type WireError } from "@hoard/protocol";
import type { z } from "zod";
import type { Action, ActionContext, Actions } from "../actions";
import { refuseViewerWrites } from "../auth/policy";
import type { Logger } from "../log";
import type { Metrics } from "./metrics";
import type { RateLimits } from "./rate-classes";
import type { RefusalLog } from "./refusal-log";

/**
 * The one wrapper every request goes through, over the socket and over REST:
 * shutdown gate → rate limit → viewer gate → parse (zod) → authorize → handle → ack, with error
 * normalisation and metrics. No handler repeats any of it.
 */
export class Dispatcher {
  private inFlight = 0;
  private closing = false;
  private drained: (() => void) | undefined;

  constructor(private readonly deps: { actions: Actions; log: Logger; metrics: Metrics; limits: RateLimits; refusals: RefusalLog }) {}

  run(event: ClientEventName, payload: unknown, ctx: ActionContext, transport: "socket" | "http"): Promise<Ack<unknown>> {
    return this.guard(event, ctx, transport, () => {
      refuseViewerWrites(ctx.principal, event);
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
      const wire = this.normalise(error, name, ctx, transport);
      outcome = wire.code;
      return { ok: false, error: wire };
    } finally {
      this.inFlight--;
      this.deps.metrics.handled({ event: name, transport, outcome });
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
  private normalise(error: unknown, event: string, ctx: ActionContext, transport: "socket" | "http"): WireError {
    const who = { event, sub: ctx.principal.sub, role: ctx.principal.role };
    if (error instanceof HoardError && error.code !== "INTERNAL") {
      // A flood earns these by the thousand: counted, and logged once per interval.
      if (error.code === "RATE_LIMITED") {
        const key = ctx.session?.id ?? `${transport}:${ctx.principal.role}:${ctx.principal.sub}`;
        this.deps.refusals.count(key, { sub: ctx.principal.sub, role: ctx.principal.role, transport }, error.code);
      } else if (error.status >= 500) this.deps.log.error({ ...who, err: error }, error.message);
      else this.deps.log.info({ ...who, code: error.code }, error.message);
      return error.toWire();
    }
    this.deps.log.error({ ...who, err: error }, "unhandled error");
    return new HoardError("INTERNAL").toWire();
  }
}

/**
 * How deeply a payload may nest objects and arrays. No protocol message needs more than 6
 * levels; anything deeper is refused before zod sees it, so no depth can reach a recursion.
 */
const MAX_PAYLOAD_DEPTH = 32;

/** Parses with a protocol schema; a mismatch is VALIDATION_FAILED listing every issue. */
export function parseInput(schema: z.ZodType, payload: unknown): unknown {
  const refused = shapeIssue(payload);
  if (refused !== undefined) {
    throw new HoardError("VALIDATION_FAILED", `${refused.path || "payload"}: ${refused.message}`, { details: { issues: [refused] } });
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
 * What zod must not see: nesting deeper than MAX_PAYLOAD_DEPTH, or an own `__proto__` key
 * (JSON.parse makes one; strict objects refuse it, but zod's records silently drop it, so a
 * request would be changed, not refused). Iterative, as a payload may nest deeper than the
 * stack; objects and depths only, no paths: this runs on every request and almost never finds
 * anything, so a path is built only for a hit.
 */
function shapeIssue(payload: unknown): { path: string; message: string } | undefined {
  if (payload === null || typeof payload !== "object") return undefined;
  const objects: object[] = [payload];
  const depths: number[] = [1];
  for (let value = objects.pop(); value !== undefined; value = objects.pop()) {
    const depth = depths.pop() as number;
    if (depth > MAX_PAYLOAD_DEPTH) return { path: pathTo(payload, value, depth), message: `nests deeper than ${MAX_PAYLOAD_DEPTH} levels` };
    if (Object.hasOwn(value, "__proto__")) {
      const path = pathTo(payload, value, depth);
      return { path: path ? `${path}.__proto__` : "__proto__", message: "__proto__ is not allowed as a key" };
    }
    for (const child of Object.values(value)) {
      if (child !== null && typeof child === "object") {
        objects.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return undefined;
}

/**
 * The dotted path from `root` to `target`, which sits `depth` levels down: the search never goes
 * deeper than that (at most MAX_PAYLOAD_DEPTH + 1 calls deep), whatever else the payload holds.
 */
function pathTo(root: object, target: object, depth: number): string {
  const keys: string[] = [];
  const find = (value: object, level: number): boolean => {
    if (value === target) return true;
    if (level >= depth) return false;
    for (const [key, child] of Object.entries(value)) {
      if (child !== null && typeof child === "object" && find(child, level + 1)) {
        keys.push(key);
        return true;
      }
    }
    return false;
  };
  find(root, 1);
  return keys.reverse().join(".");
}
