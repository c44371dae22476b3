import { randomUUID } from "node:crypto";
import {
  type Actor,
  type EventOutput,
  HoardError,
  type InventoryOp,
  type InventoryResyncOutput,
  type ParsedInput,
  type Player,
} from "@hoard/protocol";
import type { ItemService } from "../items/service";
import type { Committed, Store } from "../store/port";
import type { Publisher } from "../subscriptions/topics";
import { commitAndPublish } from "./commit";
import { applyOps, grantedItemIds, kitOps, newPlayer, type StateLimits } from "./rules";

/** A resync further behind than this gets a snapshot instead of deltas. */
export const MAX_DELTA_ENTRIES = 200;

export interface InventoryDeps {
  store: Store;
  items: ItemService;
  publisher: Publisher;
  /** How far a player's state may grow. */
  limits: StateLimits;
}

/** Players and their inventories: load → rules → commit → publish. */
export class InventoryService {
  constructor(private readonly deps: InventoryDeps) {}

  async createPlayer(actor: Actor, input: ParsedInput<"players:create">): Promise<EventOutput<"players:create">> {
    const id = input.id ?? (actor.role === "player" ? actor.sub : randomUUID());
    // A class needs no kit; a class with a kit of its name is granted that kit. A player creating
    // itself may pick only a starter kit, or it could name any bundle a server keeps for rewards.
    const kit = input.class === undefined ? undefined : await this.deps.store.getKit(input.class);
    if (kit && !kit.starter && actor.role === "player") {
      throw new HoardError("KIT_NOT_STARTER", `${kit.name} is not a starter kit; only a server or admin may grant it`, {
        details: { kit: kit.name },
      });
    }
    const ops = kit ? kitOps(kit) : [];
    const committed = await commitAndPublish(this.deps, {
      actor,
      kind: "players:create",
      input,
      playerIds: [id],
      apply: (players, at) => {
        if (players.has(id)) throw new HoardError("PLAYER_EXISTS", undefined, { details: { id } });
        const fields = {
          id,
          ...(input.name === undefined ? {} : { name: input.name }),
          ...(input.class === undefined ? {} : { class: input.class }),
        };
        const { player, changes } = applyOps(newPlayer(fields, at), ops, at, this.deps.limits);
        return { writes: [{ player, ops, changes }], result: { player } };
      },
    });
    return committed.result;
  }

  async apply(actor: Actor, input: ParsedInput<"inventory:apply">): Promise<EventOutput<"inventory:apply">> {
    await this.deps.items.requireDefined(grantedItemIds(input.ops));
    const committed = await this.commitOps(actor, "inventory:apply", input);
    return committed.replayed ? { ...committed.result, replayed: true } : committed.result;
  }

  async getPlayer(playerId: string): Promise<Player> {
    const player = await this.deps.store.getPlayer(playerId);
    if (!player) throw new HoardError("PLAYER_NOT_FOUND", undefined, { details: { playerId } });
    return player;
  }

  async listPlayers(input: ParsedInput<"players:list">): Promise<EventOutput<"players:list">> {
    const limit = input.limit ?? 100;
    const players = await this.deps.store.listPlayers({ after: input.after, limit, ...(input.prefix ? { prefix: input.prefix } : {}) });
    return { players, next: players.length === limit ? (players.at(-1)?.id ?? null) : null };
  }

  async listInventories(input: ParsedInput<"inventory:list">): Promise<EventOutput<"inventory:list">> {
    const player = await this.getPlayer(input.playerId);
    const prefix = input.prefix ?? "";
    const inventories: Player["inventories"] = {};
    for (const [category, inventory] of Object.entries(player.inventories)) {
      if (inCategory(category, prefix)) inventories[category] = inventory;
    }
    return { playerId: player.id, version: player.version, inventories };
  }

  async history(input: ParsedInput<"inventory:history">): Promise<EventOutput<"inventory:history">> {
    await this.getPlayer(input.playerId);
    const entries = await this.deps.store.readHistory(input.playerId, { sinceVersion: input.sinceVersion ?? 0, limit: input.limit ?? 100 });
    return { entries };
  }

  /** Deltas from the op log when the caller is close behind, a snapshot otherwise. */
  async resync(input: ParsedInput<"inventory:resync">): Promise<InventoryResyncOutput> {
    const player = await this.getPlayer(input.playerId);
    const since = input.sinceVersion;
    if (since === undefined || since > player.version || player.version - since > MAX_DELTA_ENTRIES) {
      return { mode: "snapshot", version: player.version, player };
    }
    const entries = await this.deps.store.readHistory(player.id, { sinceVersion: since, limit: MAX_DELTA_ENTRIES });
    return { mode: "delta", version: entries.at(-1)?.version ?? since, entries };
  }

  async currentVersion(playerId: string): Promise<number> {
    return (await this.getPlayer(playerId)).version;
  }

  private async commitOps(
    actor: Actor,
    kind: string,
    input: { playerId: string; opId: string; ops: InventoryOp[]; expectedVersion?: number | undefined; reason?: string | undefined },
  ): Promise<Committed<EventOutput<"inventory:apply">>> {
    const committed = await commitAndPublish(this.deps, {
      actor,
      kind,
      reason: input.reason,
      input,
      playerIds: [input.playerId],
      apply: (players, at) => {
        const player = players.get(input.playerId);
        if (!player) throw new HoardError("PLAYER_NOT_FOUND", undefined, { details: { playerId: input.playerId } });
        if (input.expectedVersion !== undefined && player.version !== input.expectedVersion) {
          throw new HoardError("PLAYER_VERSION_STALE", `the player is at version ${player.version}`, {
            details: { expectedVersion: input.expectedVersion, version: player.version },
          });
        }
        const next = applyOps(player, input.ops, at, this.deps.limits);
        return {
          writes: [{ player: next.player, ops: input.ops, changes: next.changes }],
          result: { playerId: player.id, version: next.player.version, changes: next.changes, replayed: false },
        };
      },
    });
    return committed;
  }
}

/** `equipment` selects `equipment` and `equipment.*`; `equipment.` selects only the children. */
function inCategory(category: string, prefix: string): boolean {
  if (prefix === "" || category === prefix) return true;
  return category.startsWith(prefix.endsWith(".") ? prefix : `${prefix}.`);
}
