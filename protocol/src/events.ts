import type { z } from "zod";
import type { Ack } from "./envelope";
import * as inv from "./inventory";
import * as items from "./items";
import * as push from "./push";
import type { ResyncHint } from "./resync";

/**
 * Every client → server event: its input schema (parsed at the edge) and its output schema
 * (the `data` of a successful ack). Socket handlers, REST routes, OpenAPI and the SDK's types
 * all derive from this one table.
 */
export const clientEvents = {
  "items:create": { input: items.ItemsCreateInput, output: items.ItemsCreateOutput },
  "items:get": { input: items.ItemsGetInput, output: items.ItemsGetOutput },
  "items:list": { input: items.ItemsListInput, output: items.ItemsListOutput },
  "kits:put": { input: items.KitsPutInput, output: items.KitsPutOutput },
  "kits:get": { input: items.KitsGetInput, output: items.KitsPutOutput },
  "kits:list": { input: items.KitsListInput, output: items.KitsListOutput },
  "players:create": { input: inv.PlayersCreateInput, output: inv.PlayersCreateOutput },
  "players:get": { input: inv.PlayersGetInput, output: inv.PlayersGetOutput },
  "players:list": { input: inv.PlayersListInput, output: inv.PlayersListOutput },
  "inventory:apply": { input: inv.InventoryApplyInput, output: inv.InventoryApplyOutput },
  "inventory:list": { input: inv.InventoryListInput, output: inv.InventoryListOutput },
  "inventory:history": { input: inv.InventoryHistoryInput, output: inv.InventoryHistoryOutput },
  "inventory:resync": { input: inv.InventoryResyncInput, output: inv.InventoryResyncOutput },
  "sub:subscribe": { input: push.SubscribeInput, output: push.SubscribeOutput },
  "sub:unsubscribe": { input: push.UnsubscribeInput, output: push.UnsubscribeOutput },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

export type ClientEventName = keyof typeof clientEvents;
/** What a caller sends (defaults may be omitted). */
export type EventInput<E extends ClientEventName> = z.input<(typeof clientEvents)[E]["input"]>;
/** What a handler receives after parsing. */
export type ParsedInput<E extends ClientEventName> = z.output<(typeof clientEvents)[E]["input"]>;
/** The `data` of a successful ack. */
export type EventOutput<E extends ClientEventName> = z.output<(typeof clientEvents)[E]["output"]>;

export const clientEventNames = Object.keys(clientEvents) as ClientEventName[];

export function isClientEventName(name: string): name is ClientEventName {
  return Object.hasOwn(clientEvents, name);
}

/** Socket.IO event map for client → server messages: payload then ack callback. */
export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: EventInput<E>, ack: (reply: Ack<EventOutput<E>>) => void) => void;
};

/** Socket.IO event map for server → client messages. */
export interface ServerToClientEvents {
  push: (message: push.PushMessage) => void;
  resync: (hint: ResyncHint) => void;
}
