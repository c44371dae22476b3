import type { Store } from "@hoard/server/internal/store/port";
import { expect } from "vitest";

/** An acknowledged credit of 1 gold: the player, its op id and the version its ack named. */
export interface AckedCredit {
  playerId: string;
  opId: string;
  version: number;
}

/**
 * What a store must hold after credits of 1 gold went on through a crash or restart: per player,
 * versions 1…n with no gap, gold = the credits committed (every entry after the create), and
 * every acked op at the version its ack named. Returns each player's op log for further checks.
 */
export async function expectCreditLedger(
  store: Store,
  players: readonly string[],
  acked: readonly AckedCredit[],
): Promise<Map<string, Awaited<ReturnType<Store["readHistory"]>>>> {
  const logs = new Map<string, Awaited<ReturnType<Store["readHistory"]>>>();
  for (const playerId of players) {
    const log = await store.readHistory(playerId, { sinceVersion: 0, limit: 100_000 });
    const player = await store.getPlayer(playerId);
    expect(log.map((entry) => entry.version)).toEqual(Array.from({ length: player?.version ?? 0 }, (_, i) => i + 1));
    expect(player?.wallet.gold ?? 0).toBe(log.length - 1);
    const opAt = new Map(log.map((entry) => [entry.opId, entry.version]));
    const mine = acked.filter((op) => op.playerId === playerId);
    expect(mine.filter((op) => opAt.get(op.opId) !== op.version)).toEqual([]);
    logs.set(playerId, log);
  }
  return logs;
}
