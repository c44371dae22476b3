import type { EventInput, InventoryOp } from "@hoard/protocol/client";
import type { HoardClient, MutationOptions } from "./client.js";

/** `hoard.players`. */
export function playersApi(client: HoardClient) {
  return {
    /**
     * `class` names a kit to grant (a player creating itself: starter kits only); `"random"` picks one of the starter kits.
     * @example const { player } = await hoard.players.create({ id: "alice", class: "warrior" });
     */
    create: (fields: Omit<EventInput<"players:create">, "opId"> = {}, options: MutationOptions = {}) =>
      client.mutate("players:create", fields, options),
    /** @example const { player } = await hoard.players.get("alice"); */
    get: (playerId: string) => client.call("players:get", { playerId }),
    /**
     * Players in id order: `prefix` matches ids exactly, `search` an id or a name by its start, ignoring case.
     * @example const { players, next } = await hoard.players.list({ search: "ali" }); // Alice-7, and bob named "Alistair"
     */
    list: (page: EventInput<"players:list"> = {}) => client.call("players:list", page),
    /**
     * Closes every connection of the player on every node (an admin token). Each client hears
     * CONNECTION_CLOSED_BY_OPERATOR with the reason first; an SDK client then stays `closed` (it does not
     * reconnect) with the reason in `lastDisconnect`. Not a ban: the player may connect again.
     * @example const { connections } = await admin.players.disconnect("alice", "account shared, ticket 301");
     */
    disconnect: (playerId: string, reason: string) => client.call("players:disconnect", { playerId, reason }),
  };
}

/**
 * Options of an inventory change: `expectedVersion` refuses a stale intent; `reason` is kept in
 * the op log entry (an admin token must give one: INVENTORY_REASON_REQUIRED otherwise).
 */
export type ApplyOptions = MutationOptions & { expectedVersion?: number; reason?: string };

/** `hoard.inventory`: atomic batches of operations on a player, and its op log. */
export function inventoryApi(client: HoardClient) {
  const api = {
    /**
     * Applies a batch of operations atomically: all of them or none.
     * @example
     * await hoard.inventory.apply("alice", [
     *   { type: "debit", currency: "gold", amount: 50 },
     *   { type: "grant", category: "bag", itemId, quantity: 1 },
     * ], { expectedVersion: 7 });
     * // As an admin (the console): say why.
     * await hoard.inventory.credit("alice", "gold", 50, { reason: "refund for ticket #4411" });
     */
    apply: (playerId: string, ops: InventoryOp[], options: ApplyOptions = {}) =>
      client.mutate(
        "inventory:apply",
        {
          playerId,
          ops,
          ...(options.expectedVersion === undefined ? {} : { expectedVersion: options.expectedVersion }),
          ...(options.reason === undefined ? {} : { reason: options.reason }),
        },
        options,
      ),
    /**
     * Grants units; with `expiresAt` (ISO time) or `expiresInMs` they leave by themselves then, in
     * a commit of the node's own (actor `server:system`, kind `inventory:expire`) pushed to watchers.
     * @example
     * await hoard.inventory.grant("alice", { category: "bag", itemId, quantity: 3 });
     * await hoard.inventory.grant("alice", { category: "bag", itemId, quantity: 1, expiresInMs: 86_400_000 }); // a one-day rental
     */
    grant: (
      playerId: string,
      stack: { category: string; itemId: string; quantity: number; expiresAt?: string; expiresInMs?: number },
      options?: ApplyOptions,
    ) => api.apply(playerId, [{ type: "grant", ...stack }], options),
    /** Takes the soonest-expiring units first, then permanent ones. @example await hoard.inventory.consume("alice", { category: "bag", itemId, quantity: 1 }); */
    consume: (playerId: string, stack: { category: string; itemId: string; quantity: number }, options?: ApplyOptions) =>
      api.apply(playerId, [{ type: "consume", ...stack }], options),
    /** @example await hoard.inventory.move("alice", { from: "bag", to: "equipment.weapons", itemId, quantity: 1 }); */
    move: (playerId: string, move: { from: string; to: string; itemId: string; quantity: number }, options?: ApplyOptions) =>
      api.apply(playerId, [{ type: "move", ...move }], options),
    /** @example await hoard.inventory.credit("alice", "gold", 100); */
    credit: (playerId: string, currency: string, amount: number, options?: ApplyOptions) =>
      api.apply(playerId, [{ type: "credit", currency, amount }], options),
    /**
     * Draws from a loot table and grants what it gives (`server` or `admin`): the node makes the
     * seed; the result's `loot` and the op log say table, seed and outcome.
     * @example const { loot } = await hoard.inventory.grantLoot("alice", chestTableId);
     */
    grantLoot: (playerId: string, tableId: string, options?: ApplyOptions) =>
      api.apply(playerId, [{ type: "grantLoot", tableId }], options),
    /** @example await hoard.inventory.debit("alice", "gold", 30); */
    debit: (playerId: string, currency: string, amount: number, options?: ApplyOptions) =>
      api.apply(playerId, [{ type: "debit", currency, amount }], options),
    /**
     * Undoes one entry of the player's op log with its inverse commit (an admin token; the
     * reason is kept in the new entry, which names the version it reverses). An executed trade
     * is undone across both players in one commit (`counterpart` is the other player's side); a
     * checkout is refunded (items taken back, currency returned). Refused with
     * INVENTORY_ALREADY_REVERSED, INVENTORY_INSUFFICIENT_ITEMS (who and what is missing in `details`),
     * WALLET_INSUFFICIENT_FUNDS, INVENTORY_REVERSE_CONFLICT or INVENTORY_NOT_REVERSIBLE.
     * @example await hoard.inventory.reverse("alice", 42, "duplicated grant, ticket #4411");
     * @example const { counterpart } = await hoard.inventory.reverse("alice", 57, "scam, ticket #4502"); // a trade
     */
    reverse: (playerId: string, version: number, reason: string, options: MutationOptions = {}) =>
      client.mutate("inventory:reverse", { playerId, version, reason }, options),
    /** @example const { inventories } = await hoard.inventory.list("alice", "equipment"); */
    list: (playerId: string, prefix?: string) => client.call("inventory:list", { playerId, ...(prefix === undefined ? {} : { prefix }) }),
    /** @example const { entries } = await hoard.inventory.history("alice", { sinceVersion: 0 }); */
    history: (playerId: string, range: { sinceVersion?: number; limit?: number } = {}) =>
      client.call("inventory:history", { playerId, ...range }),
  };
  return api;
}
