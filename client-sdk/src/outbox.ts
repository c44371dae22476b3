import { type ClientEventName, HoardError } from "@hoard/protocol/client";
import { Emitter } from "./emitter.js";

/** A mutation kept until the node answers it. `input` is its payload, opId included. */
export interface OutboxEntry {
  opId: string;
  event: ClientEventName;
  input: unknown;
  /** ISO time it was queued. */
  queuedAt: string;
  /** Set just before it is first sent: from then on it may have applied, so it cannot be cancelled. */
  sent?: boolean;
}

/**
 * Where the outbox keeps its entries: the whole list is read once when a client starts and
 * written whole after every change (an outbox is short, and one write is all or nothing).
 * `fileOutboxStorage` (Node) and `localStorageOutbox` (browsers) implement it; an IndexedDB or
 * game-engine store only needs these two methods.
 */
export interface OutboxStorage {
  load(): OutboxEntry[] | Promise<OutboxEntry[]>;
  save(entries: readonly OutboxEntry[]): void | Promise<void>;
}

export type OutboxEvents = {
  /** The node applied it (or had already: `data.replayed`); it left the storage. */
  delivered: (entry: OutboxEntry, data: unknown) => void;
  /** The node refused it for good (e.g. WALLET_INSUFFICIENT_FUNDS); it left the storage, never to be sent again. */
  refused: (entry: OutboxEntry, error: HoardError) => void;
};

type Send = (entry: OutboxEntry, beforeSend: () => Promise<void>) => Promise<unknown>;
type Waiter = { resolve(data: unknown): void; reject(error: unknown): void };

/**
 * The opt-in offline outbox: every mutation (a call with an opId) is stored before it is sent
 * and removed once the node answers, so what was queued offline, or was under way when the page
 * or process went away, is delivered by the next client that opens the same storage. Each is
 * sent with its own opId until answered, so it applies exactly once; entries of one player go
 * one at a time in the order they were queued (their key is the payload's `playerId`).
 */
export class Outbox extends Emitter<OutboxEvents> {
  private entries: OutboxEntry[] = [];
  private readonly waiters = new Map<string, Waiter[]>();
  /** Queued but not yet written to storage: not sent before it is. */
  private readonly unsaved = new Set<string>();
  /** Keys with a delivery under way. */
  private readonly busy = new Set<string>();
  private readonly loaded: Promise<void>;
  private saving: Promise<void> = Promise.resolve();
  /** The write not yet started, which every change until it starts waits for. */
  private nextSave: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly storage: OutboxStorage,
    private readonly send: Send,
    private readonly maxEntries: number,
  ) {
    super();
    this.loaded = Promise.resolve()
      .then(() => storage.load())
      .then((entries) => {
        this.entries = entries.filter((entry) => typeof entry?.opId === "string" && typeof entry.event === "string");
        this.pump();
      });
    // A storage that cannot be read fails every push and list; nothing else is to be told.
    this.loaded.catch(() => {});
  }

  /** Stores a mutation, then delivers it; resolves to its ack's data, rejects with its refusal. */
  async push(event: ClientEventName, input: { opId: string }): Promise<unknown> {
    await this.loaded;
    if (this.closed) throw new HoardError("CLIENT_CLOSED");
    if (this.entries.length >= this.maxEntries) {
      throw new HoardError("CLIENT_OUTBOX_FULL", `the outbox holds ${this.maxEntries} mutations`, {
        details: { maxEntries: this.maxEntries },
      });
    }
    const entry: OutboxEntry = { opId: input.opId, event, input, queuedAt: new Date().toISOString() };
    this.entries.push(entry);
    this.unsaved.add(entry.opId);
    const result = new Promise((resolve, reject) => this.waiters.set(entry.opId, [{ resolve, reject }]));
    try {
      await this.persist();
    } catch (error) {
      // Not stored, so not queued: the caller learns it now and nothing is sent.
      this.entries.splice(this.entries.indexOf(entry), 1);
      this.waiters.delete(entry.opId);
      throw error;
    } finally {
      this.unsaved.delete(entry.opId);
    }
    this.pump();
    return result;
  }

  /**
   * What is waiting, oldest first (after a reload: what the last client left).
   * @example for (const entry of await hoard.outbox.list()) console.log(entry.event, entry.queuedAt);
   */
  async list(): Promise<OutboxEntry[]> {
    await this.loaded;
    return this.entries.map((entry) => ({ ...entry }));
  }

  /**
   * Resolves to the ack's data once this pending mutation is delivered, rejects with its refusal
   * or CLIENT_CANCELLED; resolves to undefined at once when nothing with this opId is pending.
   * @example const data = await hoard.outbox.wait(entry.opId);
   */
  async wait(opId: string): Promise<unknown> {
    await this.loaded;
    if (!this.entries.some((entry) => entry.opId === opId)) return undefined;
    return new Promise((resolve, reject) => {
      const list = this.waiters.get(opId) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(opId, list);
    });
  }

  /**
   * Drops a pending mutation that was never sent; false when it was (it may have applied: its
   * outcome will still be reported) or is not pending.
   * @example if (await hoard.outbox.cancel(opId)) showUndone();
   */
  async cancel(opId: string): Promise<boolean> {
    await this.loaded;
    const entry = this.entries.find((candidate) => candidate.opId === opId);
    if (!entry || entry.sent) return false;
    await this.settle(entry, { error: new HoardError("CLIENT_CANCELLED", `${entry.event} ${opId} was cancelled`) });
    return true;
  }

  /** Stops delivering; what is pending stays in storage for the next client. */
  close(): void {
    this.closed = true;
    for (const list of this.waiters.values()) for (const waiter of list) waiter.reject(new HoardError("CLIENT_CLOSED"));
    this.waiters.clear();
  }

  /** Starts a delivery for every key whose oldest entry is stored and not under way. */
  private pump(): void {
    if (this.closed) return;
    const seen = new Set<string>();
    for (const entry of this.entries) {
      const key = keyOf(entry);
      if (seen.has(key)) continue;
      seen.add(key);
      if (this.busy.has(key) || this.unsaved.has(entry.opId)) continue;
      this.busy.add(key);
      void this.deliver(entry, key);
    }
  }

  private async deliver(entry: OutboxEntry, key: string): Promise<void> {
    try {
      const data = await this.send(entry, async () => {
        if (!this.entries.includes(entry)) throw new HoardError("CLIENT_CANCELLED");
        if (entry.sent) return;
        entry.sent = true;
        await this.persist();
      });
      await this.settle(entry, { data });
    } catch (error) {
      // Closed (by the game, or for a refused token): the entry waits in storage for the next client.
      if (this.closed) return;
      await this.settle(entry, { error });
    } finally {
      this.busy.delete(key);
      this.pump();
    }
  }

  /** Removes an entry from the outbox (and the storage), then tells whoever waits for it. */
  private async settle(entry: OutboxEntry, outcome: { data: unknown } | { error: unknown }): Promise<void> {
    const index = this.entries.indexOf(entry);
    if (index < 0) return;
    this.entries.splice(index, 1);
    await this.persist();
    const waiters = this.waiters.get(entry.opId) ?? [];
    this.waiters.delete(entry.opId);
    if ("data" in outcome) {
      for (const waiter of waiters) waiter.resolve(outcome.data);
      this.emit("delivered", { ...entry }, outcome.data);
    } else {
      for (const waiter of waiters) waiter.reject(outcome.error);
      const error = outcome.error instanceof HoardError ? outcome.error : new HoardError("INTERNAL", String(outcome.error));
      if (error.code !== "CLIENT_CANCELLED") this.emit("refused", { ...entry }, error);
    }
  }

  /**
   * Resolves once the list as it is now is stored. Writes never overlap or reorder; changes made
   * while one is under way share the next write, which reads the list when it starts (so a burst
   * of mutations costs a few whole-list writes, not three each).
   */
  private persist(): Promise<void> {
    if (this.nextSave) return this.nextSave;
    const next = this.saving
      .catch(() => {})
      .then(() => {
        this.nextSave = undefined;
        return this.storage.save(this.entries.map((entry) => ({ ...entry })));
      });
    this.nextSave = next;
    this.saving = next;
    return next;
  }
}

/** Entries of one player are delivered one at a time, in order; the rest share one line. */
function keyOf(entry: OutboxEntry): string {
  const playerId = (entry.input as { playerId?: unknown } | undefined)?.playerId;
  return typeof playerId === "string" ? `player:${playerId}` : "";
}
