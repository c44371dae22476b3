import { HoardError, type PushMessage } from "@hoard/protocol/client";
import type { HoardClient } from "./client.js";
import { Emitter } from "./emitter.js";

type Listener = (...args: never[]) => void;

/**
 * What every live view of a topic shares: subscribe first and load after (pushes that race the
 * load are held, then applied in seq order), apply pushes in order, and load again after a
 * reconnect, when the node says it lost pushes, or whenever `apply` reports a gap, without
 * running two loads at once.
 */
export abstract class TopicWatch<
  P extends PushMessage,
  Events extends { error: (error: unknown) => void } & Record<string, Listener>,
> extends Emitter<Events> {
  private held: P[] = [];
  private loading = false;
  private loadAgain = false;
  private unsubscribe: (() => Promise<void>) | undefined;
  private stopReconnect: (() => void) | undefined;
  private closed = false;

  protected constructor(
    protected readonly client: HoardClient,
    private readonly topic: string,
    private readonly type: P["type"],
  ) {
    super();
  }

  /**
   * Reads the state. `subscribedSeq` is the topic's seq at subscription on the first load;
   * later loads (after a gap or a reconnect) get none.
   */
  protected abstract load(subscribedSeq: number | undefined): Promise<void>;

  /** Applies a push; returns false when it leaves a gap, which triggers a load. */
  protected abstract apply(push: P): boolean;

  /** @internal Resolves once subscribed and loaded; rejects (and stops) when either fails. */
  async start(): Promise<void> {
    this.stopReconnect = this.client.onResync(() => void this.reload());
    this.loading = true;
    try {
      const { seq, unsubscribe } = await this.client.subscribe(this.topic, (message) => this.onPush(message));
      this.unsubscribe = unsubscribe;
      await this.load(seq);
    } catch (error) {
      this.stopReconnect();
      await this.unsubscribe?.();
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
    if (this.closed || message.type !== this.type) return;
    if (this.loading) this.held.push(message as P);
    else if (!this.apply(message as P)) void this.reload();
  }

  /** Loads again; a gap seen meanwhile loads once more. Failures are emitted as `error`. */
  private async reload(): Promise<void> {
    if (this.closed) return;
    if (this.loading) {
      this.loadAgain = true;
      return;
    }
    this.loading = true;
    try {
      do {
        this.loadAgain = false;
        await this.load(undefined);
      } while (this.loadAgain && !this.closed);
    } catch (error) {
      // Cut off mid-load: the next connect resyncs every watch, so there is nothing to report.
      if (!(error instanceof HoardError && error.code === "CLIENT_OFFLINE"))
        this.emit("error", ...([error] as Parameters<Events["error"]>));
    } finally {
      this.loading = false;
    }
    this.drainHeld();
  }

  private drainHeld(): void {
    const held = this.held.sort((a, b) => a.seq - b.seq);
    this.held = [];
    for (const message of held) this.onPush(message);
  }
}
