import {
  type Actor,
  DEFAULT_OFFER_SECONDS,
  type EventOutput,
  type HistoryEntry,
  HoardError,
  type ParsedInput,
  type Player,
  type TradeBundle,
  type TradeOffer,
  type TradeRecord,
  topicOf,
} from "@hoard/protocol";
import { commitAndPublish } from "../commit/kernel";
import type { CommitPlan, DomainRecord, GuardRef, Guards } from "../commit/plan";
import type { StateLimits } from "../config";
import type { ItemService } from "../items/service";
import { sha256Hex } from "../lib/canonical";
import { everyInterval } from "../lib/periodic";
import type { Logger } from "../log";
import { opKey, type Store } from "../store/port";
import type { Publisher } from "../subscriptions/topics";
import { mayRead, offerAt } from "./offers";
import {
  acceptPlan,
  executePlan,
  expirePlan,
  feedRefs,
  offerRef,
  proposePlan,
  settlePlan,
  type TradeContext,
  type TradeResult,
} from "./plans";
import { TRADE_RECORD, TRADE_REVERSAL_RECORD } from "./port";
import { bundleValue, type ItemValues, imbalance, type SwapTerms } from "./rules";

export interface TradeDeps {
  store: Store;
  items: ItemService;
  publisher: Publisher;
  log: Logger;
  /** An executed trade with an imbalance above this is suspicious (HOARD_TRADE_IMBALANCE_THRESHOLD). */
  imbalanceThreshold: number;
  /** How far a player's state may grow (the inventory rules judge both sides). */
  limits: StateLimits;
}

/** Who settles lapsed offers: the node itself. Its op ids are `expire:{tradeId}`, the same on every node. */
const SWEEPER: Actor = { role: "server", sub: "hoard-expiry" };
const SWEEP_BATCH = 100;

/**
 * Trades: load (offer terms, item values) → pure plans inside one commit over both players →
 * publish after the commit → ack, or throw the committed refusal.
 */
export class TradeService {
  constructor(private readonly deps: TradeDeps) {}

  async propose(actor: Actor, input: ParsedInput<"trades:propose">): Promise<EventOutput<"trades:propose">> {
    const from = input.from ?? (actor.role === "player" ? actor.sub : undefined);
    if (from === undefined) throw new HoardError("VALIDATION_FAILED", "from: name the proposing player when using a server or admin token");
    const values = await this.values([input.give, input.want]);
    const id = derivedId("offer", actor, input.opId);
    const fields = {
      id,
      from,
      to: input.to,
      give: input.give,
      want: input.want,
      into: input.into,
      expiresIn: input.expiresIn ?? DEFAULT_OFFER_SECONDS,
      proposedBy: actor,
    };
    const { result, replayed } = await this.commit({
      actor,
      kind: "trades:propose",
      input,
      playerIds: [from, input.to],
      guards: [offerRef(id), ...feedRefs([from, input.to], false)],
      values,
      plan: (ctx, players, guards) => proposePlan(fields, ctx, players, guards),
    });
    return { offer: required(result.offer), replayed };
  }

  async accept(actor: Actor, input: ParsedInput<"trades:accept">): Promise<EventOutput<"trades:accept">> {
    const offer = await this.requireOffer(input.tradeId);
    const values = await this.values([offer.give, offer.want]);
    const { result, replayed } = await this.commit({
      actor,
      kind: "trades:accept",
      input,
      playerIds: [offer.from, offer.to],
      guards: [offerRef(offer.id), ...feedRefs([offer.from, offer.to], this.mayBeSuspicious(offer, values))],
      values,
      plan: (ctx, players, guards) => acceptPlan({ tradeId: offer.id, into: input.into }, ctx, players, guards),
    });
    return { offer: required(result.offer), trade: required(result.trade), replayed };
  }

  decline(actor: Actor, input: ParsedInput<"trades:decline">): Promise<EventOutput<"trades:decline">> {
    return this.settle(actor, "decline", input);
  }

  cancel(actor: Actor, input: ParsedInput<"trades:cancel">): Promise<EventOutput<"trades:cancel">> {
    return this.settle(actor, "cancel", input);
  }

  /** A direct trade (server and admin tokens): the swap at once, no offer. */
  async execute(actor: Actor, input: ParsedInput<"trades:execute">): Promise<EventOutput<"trades:execute">> {
    const terms: SwapTerms = {
      from: input.from,
      to: input.to,
      give: input.give,
      want: input.want,
      fromInto: input.fromInto,
      toInto: input.toInto,
    };
    const values = await this.values([terms.give, terms.want]);
    const { result, replayed } = await this.commit({
      actor,
      kind: "trades:execute",
      input,
      playerIds: [terms.from, terms.to],
      guards: feedRefs([terms.from, terms.to], this.mayBeSuspicious(terms, values)),
      values,
      plan: (ctx, players, guards) => executePlan(terms, ctx, players, guards),
    });
    return { trade: required(result.trade), replayed };
  }

  async get(actor: Actor, tradeId: string): Promise<EventOutput<"trades:get">> {
    const offer = await this.requireOffer(tradeId);
    if (!mayRead(offer, actor)) throw new HoardError("TRADE_NOT_A_PARTY", "only the parties may read this offer", { details: { tradeId } });
    return { offer: offerAt(offer, new Date().toISOString()) };
  }

  async list(input: ParsedInput<"trades:list">): Promise<EventOutput<"trades:list">> {
    const now = new Date().toISOString();
    const limit = input.limit ?? 100;
    const offers = await this.deps.store.trades.listOffers({
      playerId: input.playerId,
      as: input.as,
      status: input.status,
      now,
      before: decodeCursor(input.after),
      limit,
    });
    const last = offers.at(-1);
    return {
      offers: offers.map((offer) => offerAt(offer, now)),
      next: offers.length === limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  /** The player's trade records (executed, refused, settled offers), oldest first. */
  async history(input: ParsedInput<"trades:history">): Promise<EventOutput<"trades:history">> {
    const limit = input.limit ?? 100;
    const records = await this.deps.store.listRecords(TRADE_RECORD, {
      playerId: input.playerId,
      ...(input.since === undefined ? {} : { since: instant(input.since) }),
      ...(input.until === undefined ? {} : { until: instant(input.until) }),
      ...(input.after === undefined ? {} : { after: decodeCursor(input.after) }),
      limit,
    });
    const last = records.at(-1);
    return {
      trades: records.map((record) => record.data as EventOutput<"trades:history">["trades"][number]),
      next: records.length === limit && last ? encodeCursor(last.at, last.id) : null,
    };
  }

  /**
   * The executed trade an op log entry belongs to, from its trade record (its id follows from
   * the commit's caller and op id, which every entry of the commit keeps): both sides, and the
   * reversal record (same id) that the reversal's commit writes so the economy questions leave
   * the trade out.
   */
  async reversalOf(
    entry: HistoryEntry,
  ): Promise<{ sides: Array<{ playerId: string; version: number }>; record(at: string): DomainRecord }> {
    const record = await this.deps.store.getRecord(TRADE_RECORD, derivedId("record", entry.actor, entry.opId));
    const trade = record?.data as TradeRecord | undefined;
    const versions = trade?.outcome === "executed" ? trade.versions : undefined;
    const sides =
      trade && versions
        ? [
            { playerId: trade.from, version: versions.from },
            { playerId: trade.to, version: versions.to },
          ]
        : [];
    if (!sides.some((side) => side.playerId === entry.playerId && side.version === entry.version)) {
      throw new HoardError("INVENTORY_NOT_REVERSIBLE", "no executed trade record names this entry", {
        details: { playerId: entry.playerId, version: entry.version, kind: entry.kind },
      });
    }
    const { id, playerIds } = record as DomainRecord;
    return {
      sides,
      record: (at) => ({ kind: TRADE_REVERSAL_RECORD, id, playerIds, at, data: { tradeId: trade?.tradeId, reversedAt: at } }),
    };
  }

  /** The sequence of `trades/{key}` now (0 before its first event). */
  feedSeq(key: string): Promise<number> {
    return this.deps.store.trades.feedSeq(key);
  }

  /** Settles offers whose expiry has passed, a batch at a time; returns how many it looked at. */
  async expireLapsed(): Promise<number> {
    const ids = await this.deps.store.trades.listLapsedOffers(new Date().toISOString(), SWEEP_BATCH);
    // Started together, they share one group commit.
    await Promise.all(ids.map((id) => this.expire(id)));
    return ids.length;
  }

  /** Runs `expireLapsed` every `intervalMs` (never two at once); returns the function that stops it. */
  startExpirySweep(intervalMs: number): () => void {
    return everyInterval(
      intervalMs,
      () => this.expireLapsed(),
      (error) => this.deps.log.warn({ err: error }, "trade expiry sweep failed"),
    );
  }

  private async expire(tradeId: string): Promise<void> {
    const offer = await this.requireOffer(tradeId);
    const values = await this.values([offer.give, offer.want]);
    const input = { opId: `expire:${tradeId}`, tradeId };
    await this.commit({
      actor: SWEEPER,
      kind: "trades:expire",
      input,
      playerIds: [],
      guards: [offerRef(tradeId), ...feedRefs([offer.from, offer.to], false)],
      values,
      plan: (ctx, _players, guards) => expirePlan({ tradeId }, ctx, guards),
    });
  }

  private async settle(
    actor: Actor,
    action: "decline" | "cancel",
    input: ParsedInput<"trades:decline">,
  ): Promise<EventOutput<"trades:decline">> {
    const offer = await this.requireOffer(input.tradeId);
    const values = await this.values([offer.give, offer.want]);
    const { result, replayed } = await this.commit({
      actor,
      kind: `trades:${action}`,
      input,
      playerIds: [],
      guards: [offerRef(offer.id), ...feedRefs([offer.from, offer.to], false)],
      values,
      plan: (ctx, _players, guards) => settlePlan({ tradeId: offer.id, action, note: input.reason }, ctx, guards),
    });
    return { offer: required(result.offer), replayed };
  }

  /** One commit; pushes after it; a committed refusal is thrown to the caller by the kernel (again on a replay). */
  private async commit(spec: {
    actor: Actor;
    kind: string;
    input: { opId: string };
    playerIds: string[];
    guards: GuardRef[];
    values: ItemValues;
    plan: (ctx: TradeContext, players: ReadonlyMap<string, Player>, guards: Guards) => CommitPlan<TradeResult>;
  }): Promise<{ result: TradeResult; replayed: boolean }> {
    const { actor, input, values } = spec;
    const recordId = derivedId("record", actor, input.opId);
    const threshold = this.deps.imbalanceThreshold;
    const committed = await commitAndPublish<TradeResult>(this.deps, {
      actor,
      kind: spec.kind,
      input,
      playerIds: spec.playerIds,
      guards: spec.guards,
      apply: (players, at, guards) =>
        spec.plan({ actor, opId: input.opId, at, recordId, values, threshold, limits: this.deps.limits }, players, guards),
      published: (result) => this.publish(result),
    });
    return { result: committed.result, replayed: committed.replayed };
  }

  /** The trade events, after the commit and its inventory pushes. */
  private publish(result: TradeResult): void {
    const { offer, trade, pushes } = result;
    for (const push of pushes) {
      this.deps.publisher.publish({
        type: "trade",
        topic: topicOf("trades", push.key),
        seq: push.seq,
        event: push.event,
        ...(offer ? { offer } : {}),
        ...(trade ? { trade } : {}),
      });
    }
  }

  private async requireOffer(tradeId: string): Promise<TradeOffer> {
    const offer = await this.deps.store.trades.getOffer(tradeId);
    if (!offer) throw new HoardError("TRADE_NOT_FOUND", undefined, { details: { tradeId } });
    return offer;
  }

  /** Unit values of the items named (definitions are immutable, so reading them before the commit is safe). */
  private async values(bundles: readonly TradeBundle[]): Promise<ItemValues> {
    const ids = [...new Set(bundles.flatMap((bundle) => bundle.items.map((line) => line.itemId)))];
    await this.deps.items.requireDefined(ids);
    const items = await this.deps.store.getItems(ids);
    return new Map(ids.map((id) => [id, items.get(id)?.definition.value ?? 0]));
  }

  /** Whether the trade would be flagged if it executed: then the admin feed joins the commit. */
  private mayBeSuspicious(terms: { give: TradeBundle; want: TradeBundle }, values: ItemValues): boolean {
    return imbalance(bundleValue(terms.give, values), bundleValue(terms.want, values)) > this.deps.imbalanceThreshold;
  }
}

/** Ids that follow from the caller and its op id, so a replayed op names the same offer and record. */
function derivedId(purpose: string, actor: Actor, opId: string): string {
  return sha256Hex(`${purpose}|${opKey(actor, opId)}`).slice(0, 32);
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("a trade plan returned no result");
  return value;
}

/** ISO instants compare as strings only in one form: the server's own. */
function instant(value: string): string {
  return new Date(value).toISOString();
}

/** Cursors are `{at}|{id}` of the last row of the previous page. */
function encodeCursor(at: string, id: string): string {
  return `${at}|${id}`;
}

function decodeCursor(cursor: string | undefined): { at: string; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const bar = cursor.indexOf("|");
  if (bar < 0) throw new HoardError("VALIDATION_FAILED", "after: not a cursor returned by this call");
  return { at: cursor.slice(0, bar), id: cursor.slice(bar + 1) };
}
