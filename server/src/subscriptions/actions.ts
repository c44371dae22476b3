import { HoardError, parseTopic } from "@hoard/protocol";
import type { ActionContext, ActionSet } from "../actions";
import { anyRole } from "../auth/policy";
import type { TopicSources } from "./topics";

function sessionOf(ctx: ActionContext) {
  if (!ctx.session) throw new HoardError("VALIDATION_FAILED", "subscriptions exist only over the socket");
  return ctx.session;
}

/**
 * sub:subscribe joins the topic first and reads its sequence after, so every commit after the
 * returned seq is pushed to this socket: a subscriber misses nothing between the two.
 */
export function subscriptionActions(sources: TopicSources, maxPerSocket: number): ActionSet<"sub:subscribe" | "sub:unsubscribe"> {
  return {
    "sub:subscribe": {
      authorize: (principal, input) => {
        const { kind, key } = parseTopic(input.topic);
        sources[kind].authorize(principal, key);
      },
      async handle(ctx, { topic }) {
        const session = sessionOf(ctx);
        if (!session.topics.has(topic) && session.topics.size >= maxPerSocket) {
          throw new HoardError("SUBSCRIPTION_LIMIT", `at most ${maxPerSocket} subscriptions per connection`);
        }
        const { kind, key } = parseTopic(topic);
        await session.join(topic);
        try {
          return { topic, seq: await sources[kind].currentSeq(key) };
        } catch (error) {
          await session.leave(topic);
          throw error;
        }
      },
    },
    "sub:unsubscribe": {
      authorize: anyRole,
      async handle(ctx, { topic }) {
        await sessionOf(ctx).leave(topic);
        return { topic };
      },
    },
  };
}
