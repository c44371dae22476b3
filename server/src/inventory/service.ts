import { randomUUID } from "node:crypto";
import {
  type Actor,
  type AppliedOp,
  type ClassPickedOp,
  type EventOutput,
  type HistoryEntry,
  HoardError,
  type InventoryOp,
  type InventoryResyncOutput,
  type Kit,
  type LootDrawnOp,
  type ParsedInput,
  type Player,
  RANDOM_CLASS,
  withoutExpired,
} from "@hoard/protocol";
import { commitAndPublish } from "../commit/kernel";
import type { Committed, DomainRecord, Guarded, GuardRef, Guards, PlayerWrite } from "../commit/plan";
import type { StateLimits } from "../config";
import type { ItemService } from "../items/service";
import type { LootService } from "../loot/service";
import type { Store } from "../store/port";
import type { Publisher } from "../subscriptions/topics";
import { priorValues, type ReversalTarget, reversalScope, reversalWrites, touchesMetricsOrCapacity } from "./reverse";
import { applyOps, grantedItemIds, kitOps, newPlayer } from "./rules";

/** A resync further behind than this gets a snapshot instead of deltas. */
const MAX_DELTA_ENTRIES = 200;

/** How often a reversal reads the op log again when the player changed between its read and its commit. */
const REVERSE_ATTEMPTS = 5;
const LOG_PAGE = 500;

export interface InventoryDeps {
  store: Store;
  items: ItemService;
  /** Draws the batch's loot (grantLoot) before its commit. */
  loot: LootService;
  publisher: Publisher;
  /** How far a player's state may grow. */
  limits: StateLimits;
  /** The node's clock: reads hide expiry lots past it, whether or not the sweep has removed them. */
  now?: () => number;
  /**
   * The executed trade an op log entry belongs to (the trade domain reads its record). Absent
   * where no trade domain runs (benches, engine tests): a trade entry is then not reversible.
   */
  tradeOf?: (entry: HistoryEntry) => Promise<TradeReversal>;
  /** What a refunded checkout gives back to the shop besides the player's items (its limited supplies); absent: nothing. */
  refundOf?: (entry: HistoryEntry) => RefundToShop;
}

/** The shop documents a refund changes in its commit: declared guards, and their new versions from those read. */
interface RefundToShop {
  guards: GuardRef[];
  writes(guards: Guards): Guarded[];
}

/** What undoing a trade needs from the trade domain. */
export interface TradeReversal {
  /** Both sides: each a player and the version the trade gave it. */
  sides: EntryRef[];
  /** The record the reversal's commit writes beside the players, so the economy questions leave the trade out. */
  record(at: string): DomainRecord;
}

/** One player's op log entry. */
export interface EntryRef {
  playerId: string;
  version: number;
}

/** Players and their inventories: load → rules → commit → publish. */
export class InventoryService {
  constructor(private readonly deps: InventoryDeps) {}

  async createPlayer(actor: Actor, input: ParsedInput<"players:create">): Promise<EventOutput<"players:create">> {
    const id = input.id ?? (actor.role === "player" ? actor.sub : randomUUID());
    // A class needs no kit; a class with a kit of its name is granted that kit. A player creating
    // itself may pick only a starter kit, or it could name any bundle a server keeps for rewards.
    const random = input.class === RANDOM_CLASS ? await this.randomStarterKit() : undefined;
    const kit = random ? random.kit : input.class === undefined ? undefined : await this.deps.store.getKit(input.class);
    if (kit && !kit.starter && actor.role === "player") {
      throw new HoardError("KIT_NOT_STARTER", `${kit.name} is not a starter kit; only a server or admin may grant it`, {
        details: { kit: kit.name },
      });
    }
    const drawn = await this.deps.loot.draw(kit ? kitOps(kit) : []);
    const ops = random ? [random.pick, ...drawn.ops] : drawn.ops;
    const playerClass = kit?.name ?? input.class;
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
          ...(playerClass === undefined ? {} : { class: playerClass }),
        };
        const { player, changes } = applyOps(newPlayer(fields, at), ops, at, this.deps.limits);
        return { writes: [{ player, ops, changes }], result: { player } };
      },
    });
    return committed.result;
  }

  async apply(actor: Actor, input: ParsedInput<"inventory:apply">): Promise<EventOutput<"inventory:apply">> {
    await this.deps.items.requireDefined(grantedItemIds(input.ops));
    const committed = await this.commitOps(actor, "inventory:apply", input, await this.deps.loot.draw(input.ops));
    return committed.replayed ? { ...committed.result, replayed: true } : committed.result;
  }

  /**
   * `players:create {class: "random"}`: one of the starter kits (sorted by name), uniformly, from
   * a fresh seed; the entry logs the pick (`classPicked`: the names, the seed, the class), which
   * loot:replay picks again. The kit's loot (if it has a table) is drawn and logged like any other.
   */
  private async randomStarterKit(): Promise<{ kit: Kit; pick: ClassPickedOp }> {
    const starters = (await this.deps.store.listKits()).filter((kit) => kit.starter).sort((a, b) => (a.name < b.name ? -1 : 1));
    if (starters.length === 0) {
      throw new HoardError("KIT_NOT_FOUND", "there are no starter kits to pick a random class from", { details: { class: RANDOM_CLASS } });
    }
    const pick = this.deps.loot.pickClass(starters.map((kit) => kit.name));
    const kit = starters.find((starter) => starter.name === pick.class) as Kit;
    return { kit, pick };
  }

  /**
   * Undoes one op log entry with its inverse commit (server/src/inventory/reverse.ts): one
   * player's change, or a trade across both players (their two entries in one commit), or a
   * checkout as a refund. Whether an entry was already reversed is known from its player's op
   * log: every reversal of it is a commit of that player, so "no entry after it reverses it, as
   * of version V" plus "commit only if the player is still at V" (for every player of the
   * reversal) means no two reversals of one entry can both commit. When a player moved on in
   * between, the logs are read again.
   */
  async reverse(actor: Actor, input: ParsedInput<"inventory:reverse">): Promise<EventOutput<"inventory:reverse">> {
    for (let attempt = 1; ; attempt++) {
      try {
        const committed = await this.reverseAsOfNow(actor, input);
        return committed.replayed ? { ...committed.result, replayed: true } : committed.result;
      } catch (error) {
        if (!(error instanceof StaleLogRead) || attempt >= REVERSE_ATTEMPTS) throw error;
      }
    }
  }

  private async reverseAsOfNow(
    actor: Actor,
    input: ParsedInput<"inventory:reverse">,
  ): Promise<Committed<EventOutput<"inventory:reverse">>> {
    const { playerId, version } = input;
    await this.getPlayer(playerId);
    const entry = await this.entryAt({ playerId, version });
    const scope = reversalScope(entry);
    const trade = scope === "trade" ? await this.tradeOf(entry) : undefined;
    const others = (trade?.sides ?? []).filter((side) => side.playerId !== playerId);
    const refund = scope === "refund" ? this.deps.refundOf?.(entry) : undefined;
    // The entry asked about first, so a refusal names it rather than its counterpart.
    const targets = [await this.reversalTarget(actor, input.opId, entry)];
    for (const side of others) targets.push(await this.reversalTarget(actor, input.opId, await this.entryAt(side)));
    return commitAndPublish(this.deps, {
      actor,
      kind: "inventory:reverse",
      reason: input.reason,
      input,
      playerIds: targets.map((target) => target.entry.playerId),
      ...(refund ? { guards: refund.guards } : {}),
      apply: (players, at, guards) => {
        for (const { entry: undone, asOf } of targets) {
          const now = players.get(undone.playerId)?.version;
          if (now !== undefined && now !== asOf) throw new StaleLogRead(undone.playerId, asOf, now);
        }
        const writes = reversalWrites(targets, players, at, this.deps.limits);
        const summary = (write: PlayerWrite) => ({
          playerId: write.player.id,
          version: write.player.version,
          reverses: write.reverses ?? 0,
          changes: write.changes,
        });
        const mine = writes.find((write) => write.player.id === playerId);
        const counterpart = writes.find((write) => write.player.id !== playerId);
        if (!mine) throw new Error("a reversal wrote no write for the player it was asked of");
        return {
          writes,
          ...(trade ? { records: [trade.record(at)] } : {}),
          ...(refund ? { guards: refund.writes(guards) } : {}),
          result: { ...summary(mine), replayed: false, ...(counterpart ? { counterpart: summary(counterpart) } : {}) },
        };
      },
    });
  }

  private tradeOf(entry: HistoryEntry): Promise<TradeReversal> {
    if (this.deps.tradeOf) return this.deps.tradeOf(entry);
    throw new HoardError("INVENTORY_NOT_REVERSIBLE", "this node reverses no trades", {
      details: { version: entry.version, kind: entry.kind },
    });
  }

  private async entryAt({ playerId, version }: EntryRef): Promise<HistoryEntry> {
    const [entry] = await this.deps.store.readHistory(playerId, { sinceVersion: version - 1, limit: 1 });
    if (entry?.version !== version) {
      throw new HoardError("INVENTORY_ENTRY_NOT_FOUND", `${playerId} has no version ${version}`, { details: { playerId, version } });
    }
    return entry;
  }

  /** What undoing `entry` needs, as of its player's latest version; refused when it was already undone. */
  private async reversalTarget(actor: Actor, opId: string, entry: HistoryEntry): Promise<ReversalTarget & { asOf: number }> {
    const { playerId, version } = entry;
    const later = await this.readLog(playerId, version, Number.MAX_SAFE_INTEGER);
    const asOf = later.at(-1)?.version ?? version;
    const reversal = later.find((candidate) => candidate.reverses === version);
    // The same request again (same caller, same opId) goes on to the commit, which answers the stored result.
    if (reversal && !(reversal.opId === opId && reversal.actor.role === actor.role && reversal.actor.sub === actor.sub)) {
      throw new HoardError("INVENTORY_ALREADY_REVERSED", `${playerId} version ${version} was reversed by version ${reversal.version}`, {
        details: { playerId, version, reversedBy: reversal.version },
      });
    }
    const needsPrior = touchesMetricsOrCapacity(entry);
    const earlier = needsPrior ? await this.readLog(playerId, 0, version - 1) : [];
    if (needsPrior && version > 1 && earlier[0]?.version !== 1) {
      throw new HoardError("INVENTORY_NOT_REVERSIBLE", "the op log no longer holds what the metrics were before this entry", {
        details: { version, kind: entry.kind },
      });
    }
    return { entry, prior: priorValues(entry, earlier), asOf };
  }

  /** Op log entries with a version in (after, upTo], oldest first, page by page. */
  private async readLog(playerId: string, after: number, upTo: number): Promise<HistoryEntry[]> {
    const entries: HistoryEntry[] = [];
    for (let since = after; since < upTo; ) {
      const page = await this.deps.store.readHistory(playerId, { sinceVersion: since, limit: LOG_PAGE });
      for (const entry of page) if (entry.version <= upTo) entries.push(entry);
      const last = page.at(-1)?.version;
      if (page.length < LOG_PAGE || last === undefined) break;
      since = last;
    }
    return entries;
  }

  /** The player as readers see it now: no unit past its time. */
  async getPlayer(playerId: string): Promise<Player> {
    const player = await this.deps.store.getPlayer(playerId);
    if (!player) throw new HoardError("PLAYER_NOT_FOUND", undefined, { details: { playerId } });
    return withoutExpired(player, (this.deps.now ?? Date.now)());
  }

  async listPlayers(input: ParsedInput<"players:list">): Promise<EventOutput<"players:list">> {
    const limit = input.limit ?? 100;
    const players = await this.deps.store.listPlayers({
      after: input.after,
      limit,
      ...(input.prefix ? { prefix: input.prefix } : {}),
      ...(input.search ? { search: input.search } : {}),
    });
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
    /** The ops to apply and log (`input.ops` with their loot drawn), and the draws, kept in the stored result. */
    drawn: { ops: AppliedOp[]; draws: LootDrawnOp[] },
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
        const next = applyOps(player, drawn.ops, at, this.deps.limits);
        return {
          writes: [{ player: next.player, ops: drawn.ops, changes: next.changes }],
          result: {
            playerId: player.id,
            version: next.player.version,
            changes: next.changes,
            replayed: false,
            ...(drawn.draws.length > 0 ? { loot: drawn.draws } : {}),
          },
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

/**
 * The player changed between the reversal's read of the op log and its commit: read again. A
 * HoardError, so both engines treat it as a refusal (nothing written, no transaction retry), and
 * after the last attempt it goes out as it is: PLAYER_CONFLICT.
 */
class StaleLogRead extends HoardError {
  constructor(playerId: string, read: number, now: number) {
    super("PLAYER_CONFLICT", `${playerId} moved from version ${read} to ${now} while a reversal was being prepared`, {
      details: { playerId },
    });
  }
}
