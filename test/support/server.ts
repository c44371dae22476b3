import { randomUUID } from "node:crypto";
import { connect, type HoardClient, type HoardError } from "@hoard/client-sdk";
import type { ClientEventName, EventInput, Role } from "@hoard/protocol";
import { createApp, type HoardApp } from "@hoard/server/internal/app";
import { type Config, loadConfig } from "@hoard/server/internal/config";
import type { Logger } from "@hoard/server/internal/log";
import type { Store } from "@hoard/server/internal/store/port";
import { io, type Socket } from "socket.io-client";

export const TEST_SECRET = "test-secret-that-is-at-least-32-characters-long";

export interface TestServer {
  url: string;
  app: HoardApp;
  /** Tokens signed with the server's secret. */
  token(role: Role, sub?: string): Promise<string>;
  /** A connected SDK client with a fresh token; closed by `close()`. */
  client(role: Role, sub?: string): Promise<HoardClient>;
  /** Closes the SDK clients it opened, then the node. */
  close(): Promise<void>;
}

/**
 * A real node on a free port (port 0) with an in-memory sqlite store unless told otherwise.
 * Browser tests pass `consoleDir: inject("consoleDir")` (the console built for this run).
 * Close it in afterEach/afterAll.
 */
export async function startServer(
  options: {
    env?: Record<string, string>;
    config?: Partial<Config>;
    store?: Store;
    consoleDir?: string;
    log?: Logger;
    /** The node's clock (test/support/clock.ts); the wall clock otherwise. */
    now?: () => number;
  } = {},
): Promise<TestServer> {
  const config = {
    ...loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      HOARD_DB: ":memory:",
      HOARD_SECRET: TEST_SECRET,
      HOARD_LOG_LEVEL: "silent",
      ...options.env,
    }),
    ...options.config,
  };
  const app = createApp(config, {
    ...(options.store ? { store: options.store } : {}),
    ...(options.consoleDir ? { consoleDir: options.consoleDir } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const url = await app.listen();
  const token = (role: Role, sub?: string) => app.tokens.mint({ sub: sub ?? role, role, expiresIn: "1h" });
  const clients: HoardClient[] = [];
  return {
    url,
    app,
    token,
    client: async (role, sub) => {
      const client = await connect(url, { token: await token(role, sub), timeoutMs: 5000 });
      clients.push(client);
      return client;
    },
    close: async () => {
      for (const client of clients.splice(0)) client.close();
      await app.close();
    },
  };
}

/** A raw socket.io-client connection with a typed `call` that resolves to the ack. */
export interface RawClient {
  socket: Socket;
  call<E extends ClientEventName>(event: E, payload: EventInput<E> | unknown): Promise<AckReply>;
  close(): void;
}

export type AckReply = { ok: true; data: any } | { ok: false; error: { code: string; message: string; details?: unknown } };

export async function connectRaw(url: string, token: string | undefined): Promise<RawClient> {
  const socket = io(url, { transports: ["websocket"], auth: token === undefined ? {} : { token }, reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", (error) => reject(error));
  });
  return {
    socket,
    call: (event, payload) => socket.timeout(5000).emitWithAck(event, payload) as Promise<AckReply>,
    close: () => socket.close(),
  };
}

export function newOpId(): string {
  return randomUUID();
}

/** Builders for fixtures, so tests do not paste literals. */
export function itemDefinition(overrides: Partial<{ name: string; kind: string; value: number }> = {}) {
  return { name: `item-${randomUUID().slice(0, 8)}`, kind: "consumable", value: 10, ...overrides };
}

/** The error a call was refused with; fails the test when the call succeeds. */
export function failure(promise: Promise<unknown>): Promise<HoardError> {
  return promise.then(
    () => {
      throw new Error("expected the call to be refused");
    },
    (error: unknown) => error as HoardError,
  );
}
