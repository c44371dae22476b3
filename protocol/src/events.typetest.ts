/**
 * Type tests for the event map, checked by `npm run typecheck` (tsc) and never run: each
 * `@ts-expect-error` line must fail to compile, or tsc reports the directive as unused.
 */
import type { Ack } from "./envelope.js";
import type { OpIdEvent } from "./event-meta.js";
import type { ClientEventName, ClientToServerEvents, EventInput, EventOutput } from "./events.js";

/** A socket typed by the event map, as socket.io-client's Socket<ServerToClientEvents, ClientToServerEvents> is. */
declare const socket: {
  emit<E extends keyof ClientToServerEvents>(event: E, ...args: Parameters<ClientToServerEvents[E]>): void;
};
declare const itemId: string;

// Correct calls compile, and the ack is typed by the event.
socket.emit(
  "inventory:apply",
  { playerId: "alice", opId: "op-12345678", ops: [{ type: "grant", category: "bag", itemId, quantity: 1 }], expectedVersion: 3 },
  (reply) => {
    if (reply.ok) {
      const version: number = reply.data.version;
      const replayed: boolean = reply.data.replayed;
      void [version, replayed];
    } else {
      const code: string = reply.error.code;
      void code;
    }
  },
);
socket.emit("players:get", { playerId: "alice" }, (reply: Ack<EventOutput<"players:get">>) => {
  if (reply.ok) void reply.data.player.wallet;
});
socket.emit("kits:list", {}, () => {});

// Inputs may leave out what has a default or is optional.
const create: EventInput<"players:create"> = { opId: "op-12345678" };
void create;

// A payload field of the wrong type.
socket.emit(
  "inventory:apply",
  // @ts-expect-error quantity is a number
  { playerId: "alice", opId: "op-12345678", ops: [{ type: "grant", category: "bag", itemId, quantity: "1" }] },
  () => {},
);

// @ts-expect-error no such event
socket.emit("inventory:explode", { playerId: "alice" }, () => {});

const badOp: EventInput<"inventory:apply"> = {
  playerId: "alice",
  opId: "op-12345678",
  // @ts-expect-error an op type that does not exist
  ops: [{ type: "steal", category: "bag", itemId, quantity: 1 }],
};
void badOp;

// @ts-expect-error opId is required
const noOpId: EventInput<"players:create"> = { id: "alice" };
void noOpId;

// @ts-expect-error an ack for another event's data
socket.emit("players:get", { playerId: "alice" }, (reply: Ack<EventOutput<"items:list">>) => void reply);

socket.emit("players:get", { playerId: "alice" }, (reply) => {
  // @ts-expect-error data only exists once ok is checked
  void reply.data;
  if (reply.ok) {
    // @ts-expect-error players:get answers a player, not a version
    const version: number = reply.data.version;
    void version;
  }
});

// @ts-expect-error the payload comes before the ack, and is required
socket.emit("players:get", () => {});

// The output of one event is not the output of another.
// @ts-expect-error items:list output has no player
const wrongOutput: EventOutput<"players:get"> = { items: [], next: null };
void wrongOutput;

// The zod-free table's opId flag (what the SDK fills by) names exactly the events whose schema has an opId.
type SchemaOpIdEvent = { [E in ClientEventName]: EventInput<E> extends { opId: string } ? E : never }[ClientEventName];
const opIdFlagsAgree: [SchemaOpIdEvent] extends [OpIdEvent] ? ([OpIdEvent] extends [SchemaOpIdEvent] ? true : false) : false = true;
void opIdFlagsAgree;

// A loot grant names a table only: the server draws, so a seed or an outcome does not compile.
const loot: EventInput<"inventory:apply"> = { playerId: "alice", opId: "op-12345678", ops: [{ type: "grantLoot", tableId: itemId }] };
void loot;
const seeded: EventInput<"inventory:apply"> = {
  playerId: "alice",
  opId: "op-12345678",
  // @ts-expect-error no caller picks the seed
  ops: [{ type: "grantLoot", tableId: itemId, seed: "0".repeat(32) }],
};
void seeded;
const forged: EventInput<"inventory:apply"> = {
  playerId: "alice",
  opId: "op-12345678",
  // @ts-expect-error the op log's lootDrawn record is not an op a caller can send
  ops: [{ type: "lootDrawn", tableId: itemId, seed: "0".repeat(32), outcome: { items: [], currencies: { gold: 1 } } }],
};
void forged;
