import type { EventInput, PresenceEvent } from "@hoard/protocol/client";
import type { HoardClient } from "./client.js";
import { newOpId } from "./op-id.js";

/**
 * `hoard.presence`, and the login it keeps: a presence is bound to a connection, so the client
 * calls `relogin` on every reconnect (a new connection holds no presence).
 */
export function presenceApi(client: HoardClient) {
  let login: EventInput<"presence:login"> | undefined;
  const api = {
    /**
     * Counts this player (a `player` token) in an area and mode, bound to this connection: a
     * login elsewhere moves it, closing the connection ends it. Sent again after a reconnect.
     * @example await hoard.presence.login("eu-west", "battle_royale");
     */
    login: async (areaCode: string, mode: string) => {
      const reply = await client.call("presence:login", { areaCode, mode });
      login = { areaCode, mode };
      return reply;
    },
    /** @example const { ended } = await hoard.presence.logout(); */
    logout: () => {
      login = undefined;
      return client.call("presence:logout", {});
    },
    /**
     * A game server (`server` token) reports its players' LOGIN/LOGOUT events, up to 1000 at a
     * time, applied in order. Pass your own `eventId`s to stay idempotent across restarts;
     * missing ones are made here (so the SDK's own retries still count once).
     * @example
     * await hoard.presence.ingest([
     *   { eventId: "gs1-000042", userId: "alice", areaCode: "eu-west", mode: "duel", event: "LOGIN" },
     * ]);
     */
    ingest: (events: Array<Omit<PresenceEvent, "eventId"> & { eventId?: string }>) =>
      client.call("presence:ingest", { events: events.map((event) => ({ ...event, eventId: event.eventId ?? newOpId() })) }),
    /** @example const { modes, total } = await hoard.presence.stats("eu-west"); */
    stats: (areaCode: string) => client.call("presence:stats", { areaCode }),
    /** @example const { areas } = await hoard.presence.areas({ limit: 10 }); */
    areas: (options: EventInput<"presence:areas"> = {}) => client.call("presence:areas", options),
    /** @example const { samples } = await hoard.presence.history("eu-west", { since: "2025-01-01T00:00:00Z" }); */
    history: (areaCode: string, range: Omit<EventInput<"presence:history">, "areaCode"> = {}) =>
      client.call("presence:history", { areaCode, ...range }),
  };
  return {
    api,
    /** Logs in again after a reconnect, if logged in; a refusal is left to the next call to tell. */
    relogin: async (): Promise<void> => {
      if (login) await client.call("presence:login", login).catch(() => {});
    },
  };
}
