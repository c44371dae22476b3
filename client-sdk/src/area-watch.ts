import { type AreaPush, type AreaStats, topicOf } from "@hoard/protocol/client";
import type { HoardClient } from "./client.js";
import { TopicWatch } from "./topic-watch.js";

export type AreaWatchEvents = {
  /** The area's players by mode, newer than the last ones seen. */
  change: (stats: AreaStats) => void;
  /** Reloading after a reconnect failed. */
  error: (error: unknown) => void;
};

/**
 * Live popularity of one area. Every push carries the whole mode list, so there is nothing to
 * replay: a push newer than the last one seen (higher seq) replaces it, an older one is dropped,
 * and a missed push only means waiting for the next. After a reconnect the stats are read again.
 */
export class AreaWatch extends TopicWatch<AreaPush, AreaWatchEvents> {
  private current: AreaStats | undefined;

  constructor(
    client: HoardClient,
    readonly areaCode: string,
  ) {
    super(client, topicOf("area", areaCode), "area");
  }

  /** The latest stats (after `watchArea()` resolves it is always defined). */
  get stats(): AreaStats {
    if (!this.current) throw new Error("AreaWatch has no stats yet: await hoard.watchArea(code)");
    return this.current;
  }

  protected apply(push: AreaPush): boolean {
    if (this.current && push.seq <= this.current.seq) return true;
    this.current = push.stats;
    this.emit("change", push.stats);
    return true;
  }

  /** A read replaces what was seen whatever its seq: an area forgotten while we were away reads as seq 0. */
  protected async load(): Promise<void> {
    const stats = await this.client.call("presence:stats", { areaCode: this.areaCode });
    this.current = stats;
    this.emit("change", stats);
  }
}
