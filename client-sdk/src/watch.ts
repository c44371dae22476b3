import { applyChanges, type HistoryEntry, type InventoryPush, type Player, type PushMessage, topicOf } from "@hoard/protocol";
import type { HoardClient } from "./client";
import { Emitter } from "./emitter";

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
 * missing versions (`inventory:resync`) and replays them in order. Pushes that arrive during
 * a resync are held and applied after.
 */
export class PlayerWatch extends Emitter<PlayerWatchEvents> {
  private current: Player | undefined;
  private held: InventoryPush[] = [];
  private syncing = false;
  private syncAgain = false;
  private unsubscribe: (() => Promise<void>) | undefined;
  private stopReconnect: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly client: HoardClient,
    readonly playerId: string,
  ) {
    super();
  }

  /** The latest state (after `watch()` resolves it is always defined). */
  get state(): Player {
    if (!this.current) throw new Error("PlayerWatch has no state yet: await hoard.watch(id)");
    return this.current;
  }

  get version(): number {
    return this.current?.version ?? 0;
  }

  /** @internal Subscribes, then loads; pushes that race the load are held, not lost. */
  async start(): Promise<void> {
    this.stopReconnect = this.client.onResync(() => void this.resync());
    this.syncing = true;
    try {
      const { unsubscribe } = await this.client.subscribe(topicOf("inventory", this.playerId), (message) => this.onPush(message));
      this.unsubscribe = unsubscribe;
      await this.load();
    } catch (error) {
      this.stopReconnect();
      throw error;
    } finally {
      this.syncing = false;
    }
    this.drainHeld();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopReconnect?.();
    await this.unsubscribe?.();
  }

  private onPush(message: PushMessage): void {
    if (this.closed || message.type !== "inventory") return;
    if (this.syncing) {
      this.held.push(message);
      return;
    }
    if (message.seq <= this.version) return;
    if (message.seq === this.version + 1) this.applyEntry(message.entry);
    else void this.resync();
  }

  /** Catches up from the op log; runs again if another gap showed up meanwhile. */
  private async resync(): Promise<void> {
    if (this.closed) return;
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = true;
    try {
      do {
        this.syncAgain = false;
        await this.load();
      } while (this.syncAgain && !this.closed);
    } catch (error) {
      this.emit("error", error);
    } finally {
      this.syncing = false;
    }
    this.drainHeld();
  }

  private async load(): Promise<void> {
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

  private drainHeld(): void {
    const held = this.held.sort((a, b) => a.seq - b.seq);
    this.held = [];
    for (const message of held) this.onPush(message);
  }

  private applyEntry(entry: HistoryEntry): void {
    if (!this.current) return;
    this.current = applyChanges(this.current, entry.changes, entry.version, entry.at);
    this.emit("change", entry, this.current);
  }
}
