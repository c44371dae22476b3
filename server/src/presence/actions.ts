import { HoardError } from "@hoard/protocol";
import type { ActionContext, ActionSet } from "../actions";
import { anyRole, roles } from "../auth/policy";
import type { TopicSource } from "../subscriptions/topics";
import type { PresenceService } from "./service";

/** Presence is bound to a connection, so login and logout exist only over the socket. */
function connectionOf(ctx: ActionContext): string {
  if (!ctx.session) throw new HoardError("VALIDATION_FAILED", "presence:login and presence:logout exist only over the socket");
  return ctx.session.id;
}

/**
 * A player logs itself in and out on its own connection (the user id is the token's subject);
 * game servers report their players with presence:ingest. Popularity is public.
 */
export function presenceActions(
  presence: PresenceService,
): ActionSet<"presence:login" | "presence:logout" | "presence:ingest" | "presence:stats" | "presence:areas" | "presence:history"> {
  return {
    "presence:login": {
      authorize: roles("player"),
      handle: (ctx, input) => presence.login(ctx.principal.sub, connectionOf(ctx), input),
    },
    "presence:logout": {
      authorize: roles("player"),
      handle: (ctx) => presence.logout(ctx.principal.sub, connectionOf(ctx)),
    },
    "presence:ingest": {
      authorize: roles("server", "admin"),
      handle: (ctx, { events }) => presence.ingest(`${ctx.principal.role}:${ctx.principal.sub}`, events),
    },
    "presence:stats": { authorize: anyRole, handle: (_ctx, { areaCode }) => presence.stats(areaCode) },
    "presence:areas": { authorize: anyRole, handle: (_ctx, input) => presence.areas(input) },
    "presence:history": { authorize: anyRole, handle: (_ctx, input) => presence.history(input) },
  };
}

/** `area/{areaCode}`: anyone may watch an area's popularity. */
export function areaTopic(presence: PresenceService): TopicSource {
  return {
    authorize: () => {},
    currentSeq: (areaCode) => presence.currentSeq(areaCode),
  };
}
