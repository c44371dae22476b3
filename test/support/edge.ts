import type { HistoryEntry, Player } from "@hoard/protocol";
import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";
import { type AckReply, connectRaw, itemDefinition, newOpId, type RawClient, type TestServer } from "./server";

/**
 * Helpers for the edge tests: plain HTTP calls, state read back from the store, sockets with
 * extra options, and a small world (an item and a few players) built through the API.
 */

export interface HttpReply {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text when the body is not JSON (undefined when empty). */
  body: any;
}

export interface HttpCall {
  token?: string;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent verbatim (with Content-Type application/json unless headers say otherwise). */
  text?: string;
  headers?: Record<string, string>;
}

/** A real HTTP request with fetch; never throws on an error status. */
export async function http(server: TestServer, method: string, path: string, call: HttpCall = {}): Promise<HttpReply> {
  const headers: Record<string, string> = { ...call.headers };
  if (call.token !== undefined) headers.authorization = `Bearer ${call.token}`;
  let body: string | undefined;
  if (call.json !== undefined || call.text !== undefined) {
    body = call.text ?? JSON.stringify(call.json);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: unknown = text === "" ? undefined : text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** What a test compares before and after a refused request: the stored player and its op log. */
export interface PlayerSnapshot {
  player: Player | undefined;
  history: HistoryEntry[];
}

/** Reads a player and its whole op log straight from the store (the ground truth, not the API). */
export async function snapshot(server: TestServer, playerId: string): Promise<PlayerSnapshot> {
  const player = await server.app.store.getPlayer(playerId);
  const history = await server.app.store.readHistory(playerId, { sinceVersion: 0, limit: 10_000 });
  return { player, history };
}

/** The number of item definitions stored. */
export async function itemCount(server: TestServer): Promise<number> {
  return (await server.app.store.listItems({ limit: 10_000 })).length;
}

/** A socket.io-client connection with extra options (headers, auth); resolves on connect, rejects on connect_error. */
export async function connectWith(url: string, options: Partial<ManagerOptions & SocketOptions>): Promise<Socket> {
  const socket = io(url, { transports: ["websocket"], reconnection: false, forceNew: true, ...options });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", (error) => reject(error));
    });
  } catch (error) {
    socket.close();
    throw error;
  }
  return socket;
}

/** The connect_error of a handshake that must fail (fails the test when it connects). */
export async function refusedHandshake(url: string, options: Partial<ManagerOptions & SocketOptions>): Promise<Error & { data?: any }> {
  try {
    const socket = await connectWith(url, options);
    socket.close();
  } catch (error) {
    return error as Error & { data?: any };
  }
  throw new Error("the handshake was accepted");
}

/** Resolves with the reason when the socket disconnects. */
export function disconnected(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    if (socket.disconnected) resolve("already disconnected");
    else socket.once("disconnect", (reason) => resolve(reason));
  });
}

/** A deadline, not a sleep: rejects when the promise has not settled within `ms`. */
export function within<T>(ms: number, promise: Promise<T>, what = "the awaited event"): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Fails the test with the error when the reply is not ok; returns its data. */
export function okData(reply: AckReply): any {
  if (!reply.ok) throw new Error(`expected ok, got ${reply.error.code}: ${reply.error.message}`);
  return reply.data;
}

export interface World {
  /** A `server`-role client (a trusted game server named "game"). */
  gm: RawClient;
  itemId: string;
  /** Creates a player through the API, optionally holding `quantity` of the item in `category`. */
  player(id: string, holding?: { category: string; quantity: number }): Promise<void>;
  close(): void;
}

/** An item and a trusted client to make players with, all through the socket API. */
export async function world(server: TestServer): Promise<World> {
  const gm = await connectRaw(server.url, await server.token("server", "game"));
  const itemId = okData(await gm.call("items:create", { definition: itemDefinition({ name: "Potion" }) })).item.id as string;
  return {
    gm,
    itemId,
    async player(id, holding) {
      okData(await gm.call("players:create", { id, opId: newOpId() }));
      if (holding) {
        const ops = [{ type: "grant", category: holding.category, itemId, quantity: holding.quantity }];
        okData(await gm.call("inventory:apply", { playerId: id, opId: newOpId(), ops }));
      }
    },
    close: () => gm.close(),
  };
}
