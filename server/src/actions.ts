import type { Actor, ClientEventName, EventOutput, ParsedInput } from "@hoard/protocol";
import type { Rule } from "./auth/policy";
import type { Principal } from "./auth/tokens";

/** What a transport knows of the connection an action runs on. */
export interface Session {
  /** The connection's id (unique on this node). */
  readonly id: string;
  /** Joins/leaves a push topic (socket transport only). */
  join(topic: string): Promise<void> | void;
  leave(topic: string): Promise<void> | void;
  readonly topics: ReadonlySet<string>;
}

export interface ActionContext {
  principal: Principal;
  /** Present over the socket; absent over REST. */
  session?: Session;
}

/** What a stream route's handler gets (a bulk import over HTTP): the parsed query and the body as it arrives. */
export interface StreamRequest<Q> {
  query: Q;
  contentType: string;
  body: AsyncIterable<Uint8Array>;
}

/** One client → server event: who may call it, and what it does. */
export interface Action<E extends ClientEventName> {
  authorize: Rule<ParsedInput<E>>;
  handle(ctx: ActionContext, input: ParsedInput<E>): Promise<EventOutput<E>>;
}

/** A group of actions, as each domain exports them. */
export type ActionSet<E extends ClientEventName> = { [K in E]: Action<K> };

/** Every event of the protocol must have an action: a missing one fails to compile. */
export type Actions = ActionSet<ClientEventName>;

/** Who a commit names in the op log (and scopes its op id to): the caller an action runs for. */
export function actorOf(principal: Principal): Actor {
  return { role: principal.role, sub: principal.sub };
}
