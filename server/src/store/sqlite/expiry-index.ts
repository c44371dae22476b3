import type { Player } from "@hoard/protocol";
import type Database from "better-sqlite3";
import { nextExpiryOf } from "../../commit/plan";

/**
 * The soonest expiry of every player that holds expiring units (one row per such player,
 * indexed by time), kept in the commit's transaction: the expiry sweep reads the due players
 * from here instead of scanning every state.
 */
export class SqliteExpiryIndex {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      put: db.prepare(
        "INSERT INTO player_expiries (player_id, next_at) VALUES (?, ?) ON CONFLICT (player_id) DO UPDATE SET next_at = excluded.next_at",
      ),
      drop: db.prepare("DELETE FROM player_expiries WHERE player_id = ?"),
      due: db.prepare("SELECT player_id FROM player_expiries WHERE next_at <= ? ORDER BY next_at LIMIT ?").pluck(),
    };
  }

  /** After a player write: the row follows the new state (only when its soonest expiry changed). */
  track(previous: Player | undefined, next: Player): void {
    const before = previous ? nextExpiryOf(previous) : undefined;
    const after = nextExpiryOf(next);
    if (before === after) return;
    if (after === undefined) this.stmt.drop.run(next.id);
    else this.stmt.put.run(next.id, after);
  }

  due(at: string, limit: number): string[] {
    return this.stmt.due.all(at, limit) as string[];
  }
}
