import type { CartLine, Player } from "@hoard/protocol";
import type Database from "better-sqlite3";
import { parseSpine, type Spine } from "./op-chain";

/**
 * Player documents on the embedded engine, and a cache of their parsed states.
 *
 * Layout: `players.state` holds the player without its cart; each cart line is a row of
 * `cart_lines`. A cart change then writes one small line row and the player's row (for the
 * version), instead of the whole document with every line in it: with 100 lines that is a
 * ~20 KiB row and six pages per commit against about one (bench/cart.ts).
 *
 * Cache: states already parsed are kept by id and used while the stored version is the same.
 * That is safe because a player's versions only ever go up and players are never deleted, so
 * one (id, version) names one state forever, whichever process wrote it. States are deep-frozen
 * before they are shared: rules build new objects (they must not mutate what they are given),
 * and a rule that tried would throw instead of corrupting the cache.
 *
 * A write is staged by the op that made it and becomes visible to later ops of the same
 * group commit once that op's savepoint is released (`keepStaged`); it reaches the cache only
 * when the transaction commits (`commitPending`). A rolled-back write is dropped, so the cache
 * never holds a version that was not committed.
 */
export class PlayerRows {
  private readonly stmt;
  private readonly cache = new Map<string, Player>();
  /** Writes of the op running now, not yet released with its savepoint. */
  private staged = new Map<string, Player>();
  /** Writes of released savepoints in the open transaction. */
  private pending = new Map<string, Player>();

  constructor(
    db: Database.Database,
    private readonly cacheSize: number,
  ) {
    this.stmt = {
      version: db.prepare("SELECT version FROM players WHERE id = ?").pluck(),
      spine: db.prepare("SELECT version, spine FROM players WHERE id = ?"),
      // One statement, so the state and the lines come from one snapshot. Lines in the order
      // they were added, as the cart rules keep them in memory (ties by item id).
      read: db.prepare(
        `SELECT state, (SELECT json_group_object(item_id, json(line)) FROM
           (SELECT item_id, line FROM cart_lines WHERE player_id = p.id ORDER BY line ->> '$.addedAt', item_id)) AS lines
         FROM players p WHERE id = ?`,
      ),
      insert: db.prepare("INSERT INTO players (id, version, state, spine) VALUES (?, ?, ?, ?)"),
      update: db.prepare("UPDATE players SET version = ?, state = ?, spine = ? WHERE id = ? AND version = ?"),
      putLine: db.prepare(
        "INSERT INTO cart_lines (player_id, item_id, line) VALUES (?, ?, ?) ON CONFLICT (player_id, item_id) DO UPDATE SET line = excluded.line",
      ),
      deleteLine: db.prepare("DELETE FROM cart_lines WHERE player_id = ? AND item_id = ?"),
      deleteLines: db.prepare("DELETE FROM cart_lines WHERE player_id = ?"),
    };
  }

  /** The stored player, from the cache when its version is still the stored one. */
  read(id: string): Player | undefined {
    const version = this.stmt.version.get(id) as number | undefined;
    if (version === undefined) return undefined;
    const known = this.staged.get(id) ?? this.pending.get(id) ?? this.cache.get(id);
    if (known?.version === version) return known;
    const row = this.stmt.read.get(id) as { state: string; lines: string | null } | undefined;
    if (!row) return undefined;
    const player = JSON.parse(row.state) as Player;
    const lines = row.lines === null ? {} : (JSON.parse(row.lines) as Record<string, CartLine>);
    if (Object.keys(lines).length > 0) player.cart = { lines };
    deepFreeze(player);
    // Outside a write this is a committed state; inside one, the version check above already
    // proved that no write of this batch touched the player.
    this.remember(player);
    return player;
  }

  /** The stored version and the records of its op-log spine (op-chain.ts); version 0 and no records for an absent player. */
  spine(id: string): { head: number; spine: Spine } {
    const row = this.stmt.spine.get(id) as { version: number; spine: string | null } | undefined;
    return row ? { head: row.version, spine: parseSpine(row.version, row.spine) } : { head: 0, spine: [] };
  }

  /**
   * Writes `next` over `previous` (the state this op read; none creates the player), compare-
   * and-set on the version, with `spine` its op-log spine (op-chain.ts). Only the cart lines that are not the very objects read are
   * written: rules copy a cart by spreading it, so an untouched line keeps its identity.
   * Returns false when the version read is no longer the stored one.
   */
  write(previous: Player | undefined, next: Player, spine: Spine): boolean {
    const { cart, ...state } = next;
    const stateJson = JSON.stringify(state);
    const spineJson = JSON.stringify(spine);
    const changed = previous
      ? this.stmt.update.run(next.version, stateJson, spineJson, next.id, previous.version).changes
      : this.stmt.insert.run(next.id, next.version, stateJson, spineJson).changes;
    if (changed !== 1) return false;
    const before = previous?.cart?.lines ?? {};
    const after = cart?.lines ?? {};
    if (!cart && previous?.cart) {
      this.stmt.deleteLines.run(next.id);
    } else {
      for (const itemId of Object.keys(after)) {
        const line = after[itemId] as CartLine;
        if (before[itemId] !== line) this.stmt.putLine.run(next.id, itemId, JSON.stringify(line));
      }
      for (const itemId of Object.keys(before)) {
        if (!Object.hasOwn(after, itemId)) this.stmt.deleteLine.run(next.id, itemId);
      }
    }
    this.staged.set(next.id, deepFreeze(next));
    return true;
  }

  /** The op's savepoint was released: its writes are seen by the ops after it. */
  keepStaged(): void {
    for (const [id, player] of this.staged) this.pending.set(id, player);
    this.staged.clear();
  }

  /** The op's savepoint was rolled back: its writes never happened. */
  dropStaged(): void {
    this.staged.clear();
  }

  /** The transaction committed: its writes are the stored states now. */
  commitPending(): void {
    for (const player of this.pending.values()) this.remember(player);
    this.pending.clear();
  }

  /** The transaction failed: nothing of it was stored. */
  dropPending(): void {
    this.staged.clear();
    this.pending.clear();
  }

  private remember(player: Player): void {
    if (this.cacheSize <= 0) return;
    this.cache.delete(player.id);
    this.cache.set(player.id, player);
    if (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
  }
}

/** Freezes an object graph; parts already frozen (shared with an earlier version) are skipped. */
function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}
