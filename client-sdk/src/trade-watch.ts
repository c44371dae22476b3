import { SUSPICIOUS_TRADES_KEY, type TradeOffer, type TradePush, topicOf } from "@hoard/protocol/client";
import type { HoardClient } from "./client.js";
import { TopicWatch } from "./topic-watch.js";

export type TradeWatchEvents = {
  /** One trade event, in feed order (seq exactly one above the last); `change` like every watch. */
  change: (push: TradePush) => void;
  /**
   * Pushes were missed (a gap in seq, or a reconnect) and the watch caught up: for a player's
   * feed `pending` was reloaded; for the admin feed, fetch economy.imbalancedTrades if needed.
   */
  resync: (pending: TradeOffer[]) => void;
  /** A resync failed (e.g. access was revoked). */
  error: (error: unknown) => void;
};

const settledEvents = new Set(["accepted", "declined", "cancelled", "expired"]);

/**
 * A live trade feed: `trades/{playerId}` (keeping the player's pending offers) or the admin
 * feed of suspicious trades. Applies pushes whose seq is exactly one above the last; on a
 * gap or a reconnect it reads the feed's seq again and reloads the pending offers.
 */
export class TradeWatch extends TopicWatch<TradePush, TradeWatchEvents> {
  /** Pending offers the player made or received, by id (empty for the admin feed). */
  readonly pending = new Map<string, TradeOffer>();
  private current = 0;

  constructor(
    client: HoardClient,
    /** A player id, or SUSPICIOUS_TRADES_KEY for the admin feed. */
    readonly key: string,
  ) {
    super(client, topicOf("trades", key), "trade");
  }

  /** The seq of the last event applied. */
  get seq(): number {
    return this.current;
  }

  protected apply(push: TradePush): boolean {
    if (push.seq <= this.current) return true;
    if (push.seq !== this.current + 1) return false;
    this.current = push.seq;
    const offer = push.offer;
    if (offer && this.key !== SUSPICIOUS_TRADES_KEY) {
      if (push.event === "proposed") this.pending.set(offer.id, offer);
      else if (settledEvents.has(push.event)) this.pending.delete(offer.id);
    }
    this.emit("change", push);
    return true;
  }

  /** Seq first, then the offers: whatever a later push says is already in the list or newer. */
  protected async load(subscribedSeq: number | undefined): Promise<void> {
    const seq = subscribedSeq ?? (await this.client.call("sub:subscribe", { topic: topicOf("trades", this.key) })).seq;
    await this.loadPending();
    this.current = Math.max(this.current, seq);
    if (subscribedSeq === undefined) this.emit("resync", [...this.pending.values()]);
  }

  private async loadPending(): Promise<void> {
    if (this.key === SUSPICIOUS_TRADES_KEY) return;
    const offers: TradeOffer[] = [];
    let after: string | undefined;
    do {
      const page = await this.client.call("trades:list", {
        playerId: this.key,
        status: "pending",
        limit: 500,
        ...(after ? { after } : {}),
      });
      offers.push(...page.offers);
      after = page.next ?? undefined;
    } while (after !== undefined);
    this.pending.clear();
    for (const offer of offers) this.pending.set(offer.id, offer);
  }
}
