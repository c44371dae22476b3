import { applyChanges, type HistoryEntry, type InventoryPush, type Player, topicOf } from "@hoard/protocol/client";
import type { HoardClient } from "./client.js";
import { TopicWatch } from "./topic-watch.js";

export type PlayerWatchEvents = {
  /** One committed version, applied in order. */
  change: (entry: HistoryEntry, state: Player) => void;
  /** The state was replaced wholesale (first load, or too far behind for deltas). */
  snapshot: (state: Player) => void;
  /** A resync failed (e.g. the player was deleted or access was revoked). */
  error: (error: unknown) => void;
};

/**
 * Live state of one player. Applies pushes whose seq is exactly version + 1; ignores older
 * ones; on a gap, after a reconnect, or when the node says it lost pushes, asks for the
 * missing versions (`inventory:resync`) and replays them in order, so it never shows a state
 * that skips a change.
 */
export class PlayerWatch extends TopicWatch<InventoryPush, PlayerWatchEvents> {
  private current: Player | undefined;

  constructor(
    client: HoardClient,
    readonly playerId: string,
  ) {
    super(client, topicOf("inventory", playerId), "inventory");
  }

  /** The latest state (after `watch()` resolves it is always defined). */
  get state(): Player {
    if (!this.current) throw new Error("PlayerWatch has no state yet: await hoard.watch(id)");
    return this.current;
  }

  get version(): number {
    return this.current?.version ?? 0;
  }

  protected apply(push: InventoryPush): boolean {
    if (push.seq <= this.version) return true;
    if (push.seq !== this.version + 1) return false;
    this.applyEntry(push.entry);
    return true;
  }

  /** Deltas since the version held, or a snapshot when there is none or it is too far behind. */
  protected async load(): Promise<void> {
    const reply = await this.client.call("inventory:resync", {
      playerId: this.playerId,
      ...(this.current ? { sinceVersion: this.current.version } : {}),
    });
    if (reply.mode === "snapshot") {
      if (reply.player.version >= this.version) {
        this.current = reply.player;
        this.emit("snapshot", reply.player);
      }
      return;
    }
    for (const entry of reply.entries) if (entry.version === this.version + 1) this.applyEntry(entry);
  }

  private applyEntry(entry: HistoryEntry): void {
    if (!this.current) return;
    this.current = applyChanges(this.current, entry.changes, entry.version, entry.at);
    this.emit("change", entry, this.current);
  }
}
