import { type AreaStats, type EventOutput, type ParsedInput, type PresenceEvent, topicOf } from "@hoard/protocol";
import type { Logger } from "../log";
import type { LocalPublisher } from "../subscriptions/topics";
import { Coalescer } from "./coalescer";
import type { PresenceHistoryStore } from "./port";
import type { PresenceRegistry, RegistrySettings } from "./registry";

interface PresenceSettings extends RegistrySettings {
  /** Period of the history samples. */
  sampleMs: number;
  /** How long samples are kept. */
  historyMs: number;
}

export interface PresenceDeps {
  registry: PresenceRegistry;
  history: PresenceHistoryStore;
  /**
   * The push hub, to this node's own subscribers: every node learns of every change from the
   * registry and pushes to its own, so a push must not go to other nodes too; and no reads
   * for areas nobody here watches.
   */
  pushes: LocalPublisher;
  settings: PresenceSettings;
  log: Logger;
  now?: () => number;
  /** What this node says about itself with each heartbeat (see cluster/node-card.ts). */
  card?: () => string;
}

/**
 * At most one push per area per this interval (≈ 4.4/s, "about 4"); the first change after a
 * quiet period goes at once. A change waits at most this long, which leaves 25 ms of the 250 ms
 * promise for reading the counts and delivering the push.
 */
const AREA_PUSH_INTERVAL_MS = 225;
/** The busiest areas a history sample records. */
const MAX_SAMPLED_AREAS = 500;
const MAINTENANCE_MS = 1000;

/**
 * Presence: binds players to connections, applies game servers' events, answers stats, pushes
 * coalesced popularity, samples history. Changes are committed in the registry first; pushes
 * follow from the registry's change feed, never before.
 */
export class PresenceService {
  private readonly coalescer: Coalescer;
  /** Seq of the last push per area, so a push never goes backwards when reads overlap. */
  private readonly lastPushed = new Map<string, number>();
  private sampled = new Set<string>();
  /** This node's connections that logged in, so a disconnect of any other one costs nothing. */
  private readonly loggedIn = new Set<string>();
  private readonly timers: Array<ReturnType<typeof setTimeout>> = [];
  private readonly stopChanges: () => void;
  private closed = false;

  constructor(private readonly deps: PresenceDeps) {
    this.coalescer = new Coalescer({
      intervalMs: AREA_PUSH_INTERVAL_MS,
      flush: (areaCode) => this.pushArea(areaCode),
      onError: (error, areaCode) => deps.log.warn({ err: error, areaCode }, "presence: area push failed"),
    });
    this.stopChanges = deps.registry.onChange((areaCodes) => {
      for (const areaCode of areaCodes) this.coalescer.touch(areaCode);
    });
  }

  get engine(): PresenceRegistry["engine"] {
    return this.deps.registry.engine;
  }

  /** Starts heartbeats, expiry and sampling. */
  start(): void {
    const maintain = () => {
      if (this.closed) return;
      const now = this.now();
      this.coalescer.prune();
      Promise.all([this.deps.registry.heartbeat(now, this.deps.card?.()), this.deps.registry.expire(now)])
        .catch((error: unknown) => this.deps.log.warn({ err: error }, "presence: maintenance failed"))
        .finally(() => this.schedule(maintain, MAINTENANCE_MS));
    };
    maintain();
    const sample = () => {
      if (this.closed) return;
      const at = Math.floor(this.now() / this.deps.settings.sampleMs) * this.deps.settings.sampleMs;
      this.sample(at)
        .catch((error: unknown) => this.deps.log.warn({ err: error }, "presence: history sample failed"))
        .finally(() => this.schedule(sample, this.untilNextSample()));
    };
    this.schedule(sample, this.untilNextSample());
  }

  /** The cards of the nodes alive (Redis: every node whose heartbeat has not expired; memory: this one). */
  liveNodes(): Promise<string[]> {
    return this.deps.registry.liveNodes();
  }

  async login(userId: string, connectionId: string, input: ParsedInput<"presence:login">): Promise<EventOutput<"presence:login">> {
    this.loggedIn.add(connectionId);
    await this.deps.registry.login({ userId, areaCode: input.areaCode, mode: input.mode, connectionId, now: this.now() });
    return { userId, areaCode: input.areaCode, mode: input.mode };
  }

  async logout(userId: string, connectionId: string): Promise<EventOutput<"presence:logout">> {
    return { userId, ended: await this.deps.registry.endSession({ userId, connectionId, now: this.now() }) };
  }

  /** A connection closed: its presence, if it still holds one, ends. Never throws (it runs from the transport). */
  disconnected(userId: string, connectionId: string): void {
    if (!this.loggedIn.delete(connectionId)) return;
    this.deps.registry
      .endSession({ userId, connectionId, now: this.now() })
      .catch((error: unknown) => this.deps.log.warn({ err: error, userId }, "presence: ending a closed connection's presence failed"));
  }

  /** @param sender role:sub of the caller; event ids are scoped to it. */
  async ingest(sender: string, events: readonly PresenceEvent[]): Promise<EventOutput<"presence:ingest">> {
    const { duplicates } = await this.deps.registry.ingest(
      events.map((event) => ({
        key: `${sender}:${event.eventId}`,
        userId: event.userId,
        areaCode: event.areaCode,
        mode: event.mode,
        event: event.event,
      })),
      this.now(),
    );
    return { received: events.length, duplicates };
  }

  async stats(areaCode: string): Promise<AreaStats> {
    const counts = await this.deps.registry.stats(areaCode);
    return { ...counts, asOf: new Date(this.now()).toISOString() };
  }

  async areas(input: ParsedInput<"presence:areas">): Promise<EventOutput<"presence:areas">> {
    const overview = await this.deps.registry.areas(input.limit ?? 100);
    return { ...overview, asOf: new Date(this.now()).toISOString() };
  }

  async history(input: ParsedInput<"presence:history">): Promise<EventOutput<"presence:history">> {
    const rows = await this.deps.history.readSamples({
      areaCode: input.areaCode,
      ...(input.since === undefined ? {} : { since: new Date(input.since).toISOString() }),
      ...(input.until === undefined ? {} : { until: new Date(input.until).toISOString() }),
      limit: input.limit ?? 100,
    });
    return { areaCode: input.areaCode, samples: rows.map(({ at, total, modes }) => ({ at, total, modes })) };
  }

  async currentSeq(areaCode: string): Promise<number> {
    return (await this.deps.registry.stats(areaCode)).seq;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.coalescer.close();
    this.stopChanges();
    await this.deps.registry.close();
  }

  /** Reads after the change (the registry's feed comes after its commit) and pushes the whole list. */
  private async pushArea(areaCode: string): Promise<void> {
    const topic = topicOf("area", areaCode);
    if (!this.deps.pushes.watchedHere(topic)) {
      this.lastPushed.delete(areaCode);
      return;
    }
    const stats = await this.stats(areaCode);
    if (this.closed || stats.seq <= (this.lastPushed.get(areaCode) ?? -1)) return;
    this.lastPushed.set(areaCode, stats.seq);
    this.deps.pushes.publishLocal({ type: "area", topic, seq: stats.seq, stats });
  }

  /**
   * One sample of the busiest areas, plus the areas of the previous sample that emptied since
   * (so a chart sees the drop to zero once, and then nothing for an empty area).
   */
  private async sample(at: number): Promise<void> {
    const overview = await this.deps.registry.areas(MAX_SAMPLED_AREAS);
    const live = new Set(overview.areas.map((area) => area.areaCode));
    const codes = new Set([...live, ...this.sampled]);
    this.sampled = live;
    const iso = new Date(at).toISOString();
    const samples = await Promise.all(
      [...codes].map(async (areaCode) => {
        const { total, modes } = await this.deps.registry.stats(areaCode);
        return { areaCode, at: iso, total, modes };
      }),
    );
    if (this.closed) return;
    await this.deps.history.recordSamples(samples);
    await this.deps.history.pruneSamples(new Date(at - this.deps.settings.historyMs).toISOString());
  }

  private untilNextSample(): number {
    const period = this.deps.settings.sampleMs;
    return period - (this.now() % period);
  }

  private schedule(task: () => void, delayMs: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.splice(this.timers.indexOf(timer), 1);
      task();
    }, delayMs);
    timer.unref();
    this.timers.push(timer);
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}
