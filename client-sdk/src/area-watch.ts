import { type AreaPush, type AreaStats, type PushMessage, topicOf } from "@hoard/protocol";
import type { HoardClient } from "./client";
import { Emitter } from "./emitter";

export type AreaWatchEvents = {
  /** The area's players by mode, newer than the last ones seen. */
  change: (stats: AreaStats) => void;
  /** Reloading after a reconnect failed. */
  error: (error: unknown) => void;
};

/**
 * Live popularity of one area. Every push carries the whole mode list, so there is nothing to
 * replay: a push newer than the last one seen (higher seq) replaces it, an older one is dropped,
 * and a missed push only means waiting for the next. After a reconnect the stats are read
 * again; pushes that arrive while that read is under way are held and applied after it.
 */
export class AreaWatch extends Emitter<AreaWatchEvents> {
  private current: AreaStats | undefined;
  private held: AreaPush[] = [];
  private loading = false;
  private unsubscribe: (() => Promise<void>) | undefined;
  private stopReconnect: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly client: HoardClient,
    readonly areaCode: string,
  ) {
    super();
  }

  /** The latest stats (after `watchArea()` resolves it is always defined). */
  get stats(): AreaStats {
    if (!this.current) throw new Error("AreaWatch has no stats yet: await hoard.watchArea(code)");
    return this.current;
  }

  /** @internal Subscribes first, then reads, so no change falls between the two. */
  async start(): Promise<void> {
    this.stopReconnect = this.client.onReconnect(() => void this.reload());
    this.loading = true;
    try {
      const { unsubscribe } = await this.client.subscribe(topicOf("area", this.areaCode), (message) => this.onPush(message));
      this.unsubscribe = unsubscribe;
      await this.load();
    } catch (error) {
      this.stopReconnect();
      throw error;
    } finally {
      this.loading = false;
    }
    this.drainHeld();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopReconnect?.();
    await this.unsubscribe?.();
  }

  private onPush(message: PushMessage): void {
    if (this.closed || message.type !== "area") return;
    if (this.loading) {
      this.held.push(message);
      return;
    }
    if (this.current && message.seq <= this.current.seq) return;
    this.current = message.stats;
    this.emit("change", message.stats);
  }

  private async reload(): Promise<void> {
    if (this.closed || this.loading) return;
    this.loading = true;
    try {
      await this.load();
    } catch (error) {
      this.emit("error", error);
    } finally {
      this.loading = false;
    }
    this.drainHeld();
  }

  /** A read replaces what was seen whatever its seq: an area forgotten while we were away reads as seq 0. */
  private async load(): Promise<void> {
    const stats = await this.client.call("presence:stats", { areaCode: this.areaCode });
    this.current = stats;
    this.emit("change", stats);
  }

  private drainHeld(): void {
    const held = this.held.sort((a, b) => a.seq - b.seq);
    this.held = [];
    for (const message of held) this.onPush(message);
  }
}
