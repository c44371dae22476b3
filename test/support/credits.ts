import { setTimeout as sleep } from "node:timers/promises";
import { HoardError } from "@hoard/protocol";
import type { PlayerCommit } from "@hoard/server/internal/commit/plan";
import { DEFAULT_STATE_LIMITS } from "@hoard/server/internal/config";
import { applyOps } from "@hoard/server/internal/inventory/rules";
import { requestHash } from "@hoard/server/internal/lib/canonical";
import type { Store } from "@hoard/server/internal/store/port";

/**
 * Credits of 1 gold as inventory:apply makes them, for the multi-process suites (sqlite, and the
 * MongoDB verification kit's contention and fault tests): used in the test process and by the
 * worker processes (so no vitest import here).
 */

export function creditCommit(worker: string, playerId: string, opId: string): PlayerCommit<{ version: number }> {
  const ops = [{ type: "credit" as const, currency: "gold", amount: 1 }];
  const request = { opId, playerId, ops };
  return {
    opId,
    actor: { role: "server", sub: worker },
    kind: "inventory:apply",
    requestHash: requestHash("inventory:apply", request),
    playerIds: [playerId],
    apply: (stored, at) => {
      const player = stored.get(playerId);
      if (!player) throw new HoardError("PLAYER_NOT_FOUND", undefined, { details: { playerId } });
      const next = applyOps(player, ops, at, DEFAULT_STATE_LIMITS);
      return { writes: [{ player: next.player, ops, changes: next.changes }], result: { version: next.player.version } };
    },
  };
}

export interface Acked {
  /** How many calls it took: more than one when the store answered STORE_UNAVAILABLE or PLAYER_CONFLICT first. */
  calls: number;
  /** The first call's answer said `replayed: true`: the caller's own commit answered as someone else's. */
  firstCallReplayed: boolean;
}

/**
 * Credits, calling again with the same opId (as a client SDK does) while the store says "retry"
 * (STORE_UNAVAILABLE, PLAYER_CONFLICT), up to `maxCalls` calls `pauseMs` apart; anything else, or
 * running out of calls, throws. The op id makes the calls one op: it must be applied exactly once.
 */
export async function creditUntilAcked(
  store: Store,
  credit: { worker: string; playerId: string; opId: string },
  options: { maxCalls?: number; pauseMs?: number } = {},
): Promise<Acked> {
  const maxCalls = options.maxCalls ?? 60;
  for (let calls = 1; ; calls += 1) {
    try {
      const committed = await store.commitPlayers(creditCommit(credit.worker, credit.playerId, credit.opId));
      return { calls, firstCallReplayed: calls === 1 && committed.replayed };
    } catch (error) {
      const retry = error instanceof HoardError && (error.code === "STORE_UNAVAILABLE" || error.code === "PLAYER_CONFLICT");
      if (!retry || calls >= maxCalls) throw error;
      await sleep(options.pauseMs ?? 250);
    }
  }
}
