import type { Workload } from "./protocol";

/** The id of the k-th bench player; the orchestrator creates them before the load starts. */
export function benchPlayerId(workload: Pick<Workload, "playerPrefix">, k: number): string {
  return `${workload.playerPrefix}${k}`;
}

/**
 * The payload of call `index`: an `inventory:apply` of one op on player index mod players,
 * carrying `opId` (the generator passes the SDK's `newOpId()`, so the store sees op ids shaped
 * as real clients send them). Every target gets payloads of the same shape and size.
 */
export function payloadOf(workload: Workload, index: number, opId: string) {
  const playerId = benchPlayerId(workload, index % workload.players);
  const itemId = workload.itemIds[index % workload.itemIds.length];
  if (workload.op === "grant" && itemId !== undefined) {
    return { playerId, opId, ops: [{ type: "grant", category: "bag", itemId, quantity: 1 }] };
  }
  return { playerId, opId, ops: [{ type: "credit", currency: "gold", amount: 1 }] };
}
