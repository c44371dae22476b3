import { type PushMessage, SUSPICIOUS_TRADES_KEY, type TradeOffer, type TradePush, topicOf } from "@hoard/protocol";
import type { HoardClient } from "./client";
import { Emitter } from "./emitter";

export type TradeWatchEvents = {
  /** One trade event, in feed order (seq exactly one above the last). */
  event: (push: TradePush) => void;
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
 * gap or a reconnect it reads the feed's seq again and reloads the pending offers, holding
 * the pushes that arrive meanwhile and applying the newer ones after.
 */
export class TradeWatch extends Emitter<TradeWatchEvents> {
  /** Pending offers the player made or received, by id (empty for the admin feed). */
  readonly pending = new Map<string, TradeOffer>();
  private current = 0;
  private held: TradePush[] = [];
  private syncing = false;
  private syncAgain = false;
  private unsubscribe: (() => Promise<void>) | undefined;
  private stopReconnect: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly client: HoardClient,
    /** A player id, or SUSPICIOUS_TRADES_KEY for the admin feed. */
    readonly key: string,
  ) {
    super();
  }

  get topic(): string {
    return topicOf("trades", this.key);
  }

  /** The seq of the last event applied. */
  get seq(): number {
    return this.current;
  }

  /** @internal Subscribes, then loads; pushes that race the load are held, not lost. */
  async start(): Promise<void> {
    this.stopReconnect = this.client.onReconnect(() => void this.resync());
    this.syncing = true;
    try {
      const { seq, unsubscribe } = await this.client.subscribe(this.topic, (message) => this.onPush(message));
      this.unsubscribe = unsubscribe;
      await this.loadPending();
      this.current = seq;
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
    if (this.closed || message.type !== "trade") return;
    if (this.syncing) {
      this.held.push(message);
      return;
    }
    if (message.seq <= this.current) return;
    if (message.seq === this.current + 1) this.apply(message);
    else void this.resync();
  }

  private apply(push: TradePush): void {
    this.current = push.seq;
    const offer = push.offer;
    if (offer && this.key !== SUSPICIOUS_TRADES_KEY) {
      if (push.event === "proposed") this.pending.set(offer.id, offer);
      else if (settledEvents.has(push.event)) this.pending.delete(offer.id);
    }
    this.emit("event", push);
  }

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
        // Seq first, then the offers: whatever a later push says is already in the list or newer.
        const { seq } = await this.client.call("sub:subscribe", { topic: this.topic });
        await this.loadPending();
        this.current = Math.max(this.current, seq);
      } while (this.syncAgain && !this.closed);
      this.emit("resync", [...this.pending.values()]);
    } catch (error) {
      this.emit("error", error);
    } finally {
      this.syncing = false;
    }
    this.drainHeld();
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

  private drainHeld(): void {
    const held = this.held.sort((a, b) => a.seq - b.seq);
    this.held = [];
    for (const push of held) this.onPush(push);
  }
}
