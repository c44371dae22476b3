import type { Actor, HistoryEntry, Kit, Player, StoredItem, WireError } from "@hoard/protocol";
import type { ShopCatalog } from "../cart/port";
import type { CommitPlan, Committed, DomainRecord, PlayerCommit, PlayerWrite } from "../commit/plan";
import type { LootTableStore } from "../loot/port";
import type { PresenceHistoryStore } from "../presence/port";
import type { StockStore } from "../stock/port";
import type { TradeStore } from "../trade/port";

/**
 * The store port: small, named after what the domains do, implemented by every engine
 * (`sqlite` embedded, `mongo` for scale-out) and proven by one contract suite
 * (test/contract/store.contract.ts).
 *
 * The one write path for player state is `commitPlayers`: the caller hands over a pure
 * `apply` function; the engine reads the players inside its transaction (sorted by id),
 * runs `apply`, compare-and-sets every written player on its version, appends the op log
 * and stores the result under the op id, all or nothing.
 */
export interface Store {
  readonly engine: "sqlite" | "mongo";
  /** An engine that depends on a server (MongoDB): false while it cannot take writes. Absent for the embedded engine. */
  readonly reachable?: boolean;
  /** Prices and sales of the shop (carts themselves live in the player documents). */
  readonly shop: ShopCatalog;
  /** Trade offers, trade feeds and the economy questions (trade/port.ts). */
  readonly trades: TradeStore;
  /** Per-area samples of players by mode (presence history). */
  readonly presenceHistory: PresenceHistoryStore;
  /** Per-day stock counters (stock/port.ts). */
  readonly stock: StockStore;
  /** Loot tables, content-addressed (loot/port.ts). */
  readonly lootTables: LootTableStore;

  /** Saves a definition under its content id; `created` is false when it was already there. */
  saveItem(item: StoredItem): Promise<{ item: StoredItem; created: boolean }>;
  getItems(ids: readonly string[]): Promise<Map<string, StoredItem>>;
  listItems(page: Page): Promise<StoredItem[]>;

  /** Kits are mutable configuration: saving replaces the kit of that name. */
  saveKit(kit: Kit): Promise<void>;
  getKit(name: string): Promise<Kit | undefined>;
  listKits(): Promise<Kit[]>;

  getPlayer(id: string): Promise<Player | undefined>;
  /**
   * Players in id order. `prefix`: ids starting with it (exact case). `search`: the id or the
   * name starts with it, ignoring case (a scan in id order that stops at `limit` matches).
   */
  listPlayers(page: Page & { prefix?: string; search?: string }): Promise<PlayerSummary[]>;
  commitPlayers<R>(commit: PlayerCommit<R>): Promise<Committed<R>>;
  /** Op log entries of a player with a version above `sinceVersion`, oldest first. */
  readHistory(playerId: string, range: { sinceVersion: number; limit: number }): Promise<HistoryEntry[]>;

  /** Records written by commits (order receipts, trade records), by kind and id. */
  getRecord(kind: string, id: string): Promise<DomainRecord | undefined>;
  /** Records of a kind, oldest first, optionally of one player and within [since, until). */
  listRecords(kind: string, query: RecordQuery): Promise<DomainRecord[]>;

  /**
   * Players whose soonest expiry lot is due at `at` (UTC ISO), soonest first: every engine keeps
   * an index of each player's next expiry, written in the same transaction as the player.
   */
  listDueExpiries(at: string, limit: number): Promise<string[]>;

  /**
   * Forgets the results of ops recorded before `before` but keeps their op ids, so a repeat
   * of a forgotten op is refused with OP_ID_EXPIRED instead of being applied again.
   */
  pruneOpResults(before: Date): Promise<number>;
  close(): Promise<void>;
}

export interface Page {
  after?: string | undefined;
  limit: number;
}

export interface PlayerSummary {
  id: string;
  name?: string;
  version: number;
}

export interface RecordQuery {
  playerId?: string;
  since?: string;
  until?: string;
  /** The `at` and `id` of the last record of the previous page. */
  after?: { at: string; id: string };
  limit: number;
}

export function opKey(actor: Actor, opId: string): string {
  return `${actor.role}:${actor.sub}:${opId}`;
}

/** The op-log entry a player write makes: the same on every engine. */
export function historyEntry(commit: PlayerCommit<unknown>, write: PlayerWrite, at: string): HistoryEntry {
  return {
    playerId: write.player.id,
    version: write.player.version,
    opId: commit.opId,
    actor: commit.actor,
    kind: commit.kind,
    ...(commit.reason === undefined ? {} : { reason: commit.reason }),
    ...(write.reverses === undefined ? {} : { reverses: write.reverses }),
    ops: write.ops,
    changes: write.changes,
    at,
  };
}

/** A write must be exactly one version above the stored player (1 creates it): a bug otherwise. */
export function assertNextVersion(player: Player, stored: number): void {
  if (player.version !== stored + 1) throw new Error(`commit of ${player.id} must write version ${stored + 1}, not ${player.version}`);
}

/**
 * What an engine keeps under an op id besides its request hash: the plan's result and, for a
 * committed refusal, the refusal as the wire carries it. The same on every engine.
 */
export interface StoredOutcome {
  result: unknown;
  refused?: WireError;
}

export function storedOutcome(plan: CommitPlan<unknown>): StoredOutcome {
  return { result: plan.result, ...(plan.refusal ? { refused: plan.refusal.toWire() } : {}) };
}

/** The store's answer from what it stored: with the commit's entries on its first run, as a replay otherwise. */
export function committedOf<R>(stored: StoredOutcome, entries?: HistoryEntry[]): Committed<R> {
  const run = entries ? { replayed: false as const, entries } : { replayed: true as const, entries: [] as [] };
  return { ...run, result: stored.result as R, ...(stored.refused ? { refused: stored.refused } : {}) };
}
