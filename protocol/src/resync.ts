import { z } from "zod";

/**
 * Server → client `resync`: this node may have lost pushes (it was cut from Redis pub/sub
 * for a while, so pushes published on other nodes meanwhile never reached it). The client
 * resyncs every topic it watches, as after a reconnect, at a random moment within `spreadMs`
 * so that thousands of clients do not all read at once.
 */
export const ResyncHint = z.strictObject({
  reason: z.enum(["pubsub-recovered"]),
  spreadMs: z.number().int().min(0).max(60_000),
});
export type ResyncHint = z.infer<typeof ResyncHint>;
