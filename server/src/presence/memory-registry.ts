import { EventIdWindow } from "./event-id-window";
import type { AreaCounts, AreaOverview, IngestEvent, PresenceRegistry, RegistrySettings } from "./registry";
import { EVENTS_OWNER, type Presence, type PresenceChange, sortAreas, sortModes, transition } from "./rules";
import { FORGET_EMPTY_AREA_MS, nextSeq } from "./seq";

interface AreaBook {
  modes: Map<string, number>;
  total: number;
  seq: number;
  /** When the area last became empty (it is forgotten FORGET_EMPTY_AREA_MS later). */
  emptiedAt: number;
}

type Listener = (areaCodes: readonly string[]) => void;

/**
 * The in-process engine, for one node: plain maps, changed synchronously, so every method's
 * effects are complete before it returns. Connections are identified by their socket id alone.
 */
export class MemoryRegistry implements PresenceRegistry {
  readonly engine = "memory" as const;
  private readonly users = new Map<string, Presence>();
  /** This node's card, as of its last heartbeat (the whole cluster without Redis). */
  private card: string | undefined;
  /** Areas with players, and areas that emptied less than FORGET_EMPTY_AREA_MS ago (see seq.ts). */
  private readonly books = new Map<string, AreaBook>();
  /**
   * Event presences by the second their TTL ends in. A refresh adds the user to a later second
   * and leaves the old entry behind; expire() checks the user's current expiry before acting.
   */
  private readonly expiries = new Map<number, Set<string>>();
  private readonly seen: EventIdWindow;
  private readonly listeners = new Set<Listener>();

  constructor(private readonly settings: RegistrySettings) {
    this.seen = new EventIdWindow(settings.eventIdWindowMs);
  }

  async login(input: { userId: string; areaCode: string; mode: string; connectionId: string; now: number }): Promise<void> {
    const { userId, areaCode, mode, connectionId, now } = input;
    this.apply([[userId, { type: "login", areaCode, mode, owner: connectionId, expiresAt: 0 }]], now);
  }

  async endSession(input: { userId: string; connectionId: string; now: number }): Promise<boolean> {
    return this.apply([[input.userId, { type: "logout", owner: input.connectionId }]], input.now) === 1;
  }

  async ingest(events: readonly IngestEvent[], now: number): Promise<{ duplicates: number }> {
    let duplicates = 0;
    const changes: Array<[string, PresenceChange]> = [];
    const expiresAt = now + this.settings.eventTtlMs;
    for (const event of events) {
      if (!this.seen.firstSeen(event.key, now)) {
        duplicates++;
        continue;
      }
      const { userId, areaCode, mode } = event;
      changes.push([
        userId,
        event.event === "LOGIN"
          ? { type: "login", areaCode, mode, owner: EVENTS_OWNER, expiresAt }
          : { type: "logout", owner: EVENTS_OWNER, areaCode, mode },
      ]);
    }
    this.apply(changes, now);
    return { duplicates };
  }

  async expire(now: number): Promise<number> {
    const due: Array<[string, PresenceChange]> = [];
    const second = Math.floor(now / 1000);
    for (const [bucket, userIds] of this.expiries) {
      if (bucket > second) continue;
      for (const userId of userIds) {
        const presence = this.users.get(userId);
        if (presence?.owner !== EVENTS_OWNER || presence.expiresAt > now) continue;
        userIds.delete(userId);
        due.push([userId, { type: "logout", owner: EVENTS_OWNER }]);
      }
      // Entries left behind are refreshed users, or not due yet within this second.
      if (bucket < second || userIds.size === 0) this.expiries.delete(bucket);
    }
    for (const [areaCode, book] of this.books) {
      if (book.total === 0 && book.emptiedAt < now - FORGET_EMPTY_AREA_MS) this.books.delete(areaCode);
    }
    return this.apply(due, now);
  }

  async stats(areaCode: string): Promise<AreaCounts> {
    const book = this.books.get(areaCode);
    if (!book) return { areaCode, modes: [], total: 0, seq: 0 };
    return { areaCode, modes: sortModes([...book.modes].map(([mode, players]) => ({ mode, players }))), total: book.total, seq: book.seq };
  }

  async areas(limit: number): Promise<AreaOverview> {
    const all = sortAreas([...this.books].map(([areaCode, book]) => ({ areaCode, players: book.total })));
    return { areas: all.slice(0, limit), areaCount: all.length, players: this.users.size };
  }

  async heartbeat(_now: number, card?: string): Promise<{ reaped: string[] }> {
    if (card !== undefined) this.card = card;
    return { reaped: [] };
  }

  async liveNodes(): Promise<string[]> {
    return this.card === undefined ? [] : [this.card];
  }

  /** Every connection is this node's: ends every connection-bound presence. */
  async reapNode(_nodeId: string, now: number): Promise<number> {
    const changes: Array<[string, PresenceChange]> = [];
    for (const [userId, presence] of this.users) {
      if (presence.owner !== EVENTS_OWNER) changes.push([userId, { type: "logout", owner: presence.owner }]);
    }
    return this.apply(changes, now);
  }

  /** Changes are heard from the start: they happen in this process. */
  async whenListening(): Promise<void> {}
  readonly hearsChanges = true;

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  /** Applies changes in order, then moves the counts by their summed deltas. Answers how many applied. */
  private apply(changes: Iterable<readonly [string, PresenceChange]>, now: number): number {
    let applied = 0;
    const deltas = new Map<string, Map<string, number>>();
    for (const [userId, change] of changes) {
      const outcome = transition(this.users.get(userId), change);
      if (outcome.ignored) continue;
      applied++;
      if (outcome.next) {
        this.users.set(userId, outcome.next);
        if (outcome.next.expiresAt > 0) this.scheduleExpiry(userId, outcome.next.expiresAt);
      } else {
        this.users.delete(userId);
      }
      for (const delta of outcome.deltas) {
        const modes = deltas.get(delta.areaCode) ?? new Map<string, number>();
        modes.set(delta.mode, (modes.get(delta.mode) ?? 0) + delta.by);
        deltas.set(delta.areaCode, modes);
      }
    }
    const changed: string[] = [];
    for (const [areaCode, modes] of deltas) if (this.count(areaCode, modes, now)) changed.push(areaCode);
    if (changed.length > 0) for (const listener of this.listeners) listener(changed);
    return applied;
  }

  /** Moves one area's counts; answers whether anything moved (a login and logout may cancel out). */
  private count(areaCode: string, modes: Map<string, number>, now: number): boolean {
    const book = this.books.get(areaCode) ?? { modes: new Map<string, number>(), total: 0, seq: 0, emptiedAt: 0 };
    let moved = false;
    for (const [mode, by] of modes) {
      if (by === 0) continue;
      moved = true;
      // Deltas come from transitions of real presences, so a count below zero is impossible;
      // clamping is the last line of defence of "never negative", not a rule.
      const players = Math.max(0, (book.modes.get(mode) ?? 0) + by);
      if (players === 0) book.modes.delete(mode);
      else book.modes.set(mode, players);
    }
    if (!moved) return false;
    book.total = 0;
    for (const players of book.modes.values()) book.total += players;
    book.seq = nextSeq(book.seq, now * 1000);
    if (book.total === 0) book.emptiedAt = now;
    this.books.set(areaCode, book);
    return true;
  }

  private scheduleExpiry(userId: string, expiresAt: number): void {
    const bucket = Math.floor(expiresAt / 1000);
    const userIds = this.expiries.get(bucket) ?? new Set<string>();
    this.expiries.set(bucket, userIds.add(userId));
  }
}
