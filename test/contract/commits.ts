import { type Actor, type AppliedOp, type CartChange, type CartLine, type Changes, HoardError, type Player } from "@hoard/protocol";
import { withCartChange } from "@hoard/server/internal/cart/rules";
import type { DomainRecord } from "@hoard/server/internal/commit/plan";
import { applyOps, DEFAULT_STATE_LIMITS, newPlayer } from "@hoard/server/internal/inventory/rules";
import { requestHash } from "@hoard/server/internal/lib/canonical";
import type { PlayerCommit } from "@hoard/server/internal/store/port";
import { anActor, anOpId, op } from "../support/builders";

/** Commits as the services build them, for the contract suites (store.contract.ts, domains.contract.ts). */

/** What the commits built below store under their op id. */
export interface Applied {
  playerId: string;
  version: number;
  changes: Changes;
}

interface CommitOptions {
  opId?: string;
  actor?: Actor;
  /** An operator's reason, kept in the op log. */
  reason?: string;
}

/** players:create as the inventory service does it: refuse an existing id, write version 1. */
export function createPlayer(id: string, options: CommitOptions & { name?: string } = {}): PlayerCommit<Applied> {
  const opId = options.opId ?? anOpId();
  const input = { opId, id, ...(options.name === undefined ? {} : { name: options.name }) };
  return {
    opId,
    actor: options.actor ?? anActor(),
    kind: "players:create",
    requestHash: requestHash("players:create", input),
    playerIds: [id],
    apply: (players, at) => {
      if (players.has(id)) throw new HoardError("PLAYER_EXISTS", undefined, { details: { id } });
      const fields = options.name === undefined ? { id } : { id, name: options.name };
      const { player, changes } = applyOps(newPlayer(fields, at), [], at, DEFAULT_STATE_LIMITS);
      return { writes: [{ player, ops: [], changes }], result: { playerId: id, version: player.version, changes } };
    },
  };
}

/** inventory:apply on one player with the real rules. */
export function applyTo(playerId: string, ops: AppliedOp[], options: CommitOptions = {}): PlayerCommit<Applied> {
  const opId = options.opId ?? anOpId();
  const request = { opId, playerId, ops };
  return {
    opId,
    actor: options.actor ?? anActor(),
    kind: "inventory:apply",
    ...(options.reason === undefined ? {} : { reason: options.reason }),
    requestHash: requestHash("inventory:apply", request),
    playerIds: [playerId],
    apply: (players, at) => {
      const player = players.get(playerId);
      if (!player) throw new HoardError("PLAYER_NOT_FOUND", undefined, { details: { playerId } });
      const next = applyOps(player, ops, at, DEFAULT_STATE_LIMITS);
      return {
        writes: [{ player: next.player, ops, changes: next.changes }],
        result: { playerId, version: next.player.version, changes: next.changes },
      };
    },
  };
}

/**
 * A gold transfer between two players in one commit (as trade:commit writes both sides). The
 * payer is planned first: an engine must still write and report in id order.
 */
export function transferGold(from: string, to: string, gold: number, options: CommitOptions = {}): PlayerCommit<string> {
  const opId = options.opId ?? anOpId();
  const request = { opId, from, to, gold };
  return {
    opId,
    actor: options.actor ?? anActor(),
    kind: "trade:commit",
    requestHash: requestHash("trade:commit", request),
    playerIds: [from, to],
    apply: (players, at) => {
      const paid = applyOps(players.get(from) as Player, [op.debit("gold", gold)], at, DEFAULT_STATE_LIMITS);
      const got = applyOps(players.get(to) as Player, [op.credit("gold", gold)], at, DEFAULT_STATE_LIMITS);
      return {
        writes: [
          { player: paid.player, ops: [op.debit("gold", gold)], changes: paid.changes },
          { player: got.player, ops: [op.credit("gold", gold)], changes: got.changes },
        ],
        result: "traded",
      };
    },
  };
}

/** A cart line as the cart rules accept it (price checks are the rules' business, not the store's). */
export function aCartLine(overrides: Partial<CartLine> = {}): CartLine {
  return {
    currency: "gold",
    offeredPrice: 10,
    itemCount: 1,
    specialSale: false,
    category: "bag",
    addedAt: "2030-01-01T00:00:00.000Z",
    ...overrides,
  };
}

/** A cart-only change as the cart service commits it; with `ops`, the inventory changes in the same version (a checkout). */
export function editCart(playerId: string, change: CartChange, ops: AppliedOp[] = []): PlayerCommit<Applied> {
  const opId = anOpId();
  const request = { opId, playerId, change, ops };
  return {
    opId,
    actor: anActor(),
    kind: "cart:edit",
    requestHash: requestHash("cart:edit", request),
    playerIds: [playerId],
    apply: (players, at) => {
      const player = players.get(playerId);
      if (!player) throw new HoardError("PLAYER_NOT_FOUND", undefined, { details: { playerId } });
      const edited = withCartChange(player, change, at);
      const granted = ops.length === 0 ? undefined : applyOps({ ...edited.player, version: player.version }, ops, at, DEFAULT_STATE_LIMITS);
      const next = granted ? granted.player : edited.player;
      const changes = granted ? { ...granted.changes, ...edited.changes } : edited.changes;
      return { writes: [{ player: next, ops, changes }], result: { playerId, version: next.version, changes } };
    },
  };
}

/** A commit that writes only records (a refused trade is still recorded), or refuses when told. */
export function recordOnly(records: DomainRecord[], options: { refuse?: boolean } = {}): PlayerCommit<string> {
  const opId = anOpId();
  return {
    opId,
    actor: anActor(),
    kind: "trade:record",
    requestHash: `record-${opId}`,
    playerIds: [],
    apply: () => {
      if (options.refuse) throw new HoardError("PLAYER_VERSION_STALE", "refused");
      return { writes: [], records, result: "recorded" };
    },
  };
}
