import {
  type Actor,
  HoardError,
  type Player,
  SUSPICIOUS_TRADES_KEY,
  type TradeEventKind,
  type TradeOffer,
  type TradeOutcome,
  type TradeReason,
  type TradeRecord,
  type WireError,
} from "@hoard/protocol";
import { type CommitPlan, type DomainRecord, type Guarded, type GuardRef, type Guards, guardKey, type PlayerWrite } from "../commit/plan";
import type { StateLimits } from "../inventory/rules";
import {
  expiredError,
  isLapsed,
  type NewOffer,
  newOffer,
  type OfferAction,
  offerTerms,
  requireParty,
  requirePending,
  settle,
} from "./offers";
import { FEED_GUARD, OFFER_GUARD, TRADE_RECORD } from "./port";
import {
  bundleValue,
  type ItemValues,
  imbalance,
  isTradeRefusal,
  requireAffordable,
  type SwapTerms,
  shownImbalance,
  swap,
  type TradeRefusal,
} from "./rules";

/**
 * The `apply` of every trade commit: pure functions of the players and guards read inside the
 * transaction. Each returns the player writes, the guard writes (offer status, feed sequences),
 * the trade record and a result saying what to push, or a refusal. A refusal that belongs in
 * the record (a failed accept or direct trade) is returned, not thrown, so its record commits;
 * the service throws it to the caller afterwards.
 */

/** One push to send after the commit: `trades/{key}` at `seq`. */
export interface FeedPush {
  key: string;
  seq: number;
  event: TradeEventKind;
}

/** Stored under the op id and replayed to a repeat of it. */
export interface TradeResult {
  offer?: TradeOffer;
  trade?: TradeRecord;
  /** The refusal the caller gets (its record, when there is one, is committed). */
  refused?: WireError;
  pushes: FeedPush[];
}

/** What every plan needs besides the stored state. */
export interface TradeContext {
  actor: Actor;
  opId: string;
  at: string;
  /** The id of the record this commit writes, if it writes one. */
  recordId: string;
  values: ItemValues;
  /** Imbalance above which an executed trade is suspicious. */
  threshold: number;
  /** How far each party's state may grow. */
  limits: StateLimits;
}

export function offerRef(id: string): GuardRef {
  return { kind: OFFER_GUARD, id };
}

/** The feeds a trade between these players may bump, with the admin feed when it could be suspicious. */
export function feedRefs(playerIds: readonly string[], mayBeSuspicious: boolean): GuardRef[] {
  const keys = [...new Set(playerIds), ...(mayBeSuspicious ? [SUSPICIOUS_TRADES_KEY] : [])];
  return keys.map((id) => ({ kind: FEED_GUARD, id }));
}

export function proposePlan(fields: NewOffer, ctx: TradeContext, players: ReadonlyMap<string, Player>, guards: Guards) {
  const plan = new PlanBuilder(guards);
  // The offer id comes from the op id: it exists only if this op ran before and its result was pruned.
  if (guards.has(guardKey(offerRef(fields.id)))) throw new HoardError("OP_ID_EXPIRED", undefined, { details: { opId: ctx.opId } });
  if (fields.from === fields.to) throw new HoardError("TRADE_SELF", undefined, { details: { playerId: fields.from } });
  const from = requirePlayer(players, fields.from);
  requirePlayer(players, fields.to);
  requireAffordable(from, fields.give, ctx.at, ctx.limits);
  const offer = newOffer(fields, ctx.at);
  plan.putOffer(offer);
  plan.announce("proposed", [offer.from, offer.to]);
  return plan.done({ offer });
}

export function acceptPlan(
  request: { tradeId: string; into?: string | undefined },
  ctx: TradeContext,
  players: ReadonlyMap<string, Player>,
  guards: Guards,
) {
  const plan = new PlanBuilder(guards);
  const offer = requireOffer(guards, request.tradeId);
  const terms = offerTerms(offer, request.into);
  const record = (outcome: TradeOutcome, extra?: RecordExtra) =>
    tradeRecord({ ctx, tradeId: offer.id, mode: "offer", terms }, outcome, extra);
  try {
    requireParty(offer, ctx.actor, "accept");
    requirePending(offer);
  } catch (error) {
    // Recorded (a second accept or an outsider's is worth knowing about), pushed to nobody.
    if (!isTradeRefusal(error)) throw error;
    return plan.refuse(record("refused", refusal(error)), error, { offer });
  }
  if (isLapsed(offer, ctx.at)) return plan.expire(offer, ctx.at, record);

  const from = requirePlayer(players, offer.from);
  const to = requirePlayer(players, offer.to);
  let writes: [PlayerWrite, PlayerWrite];
  try {
    writes = swap({ from, to }, terms, ctx.at, ctx.limits);
  } catch (error) {
    if (!isTradeRefusal(error)) throw error;
    // The offer stays pending: the parties may still make it good before it expires.
    const refused = record("refused", refusal(error));
    plan.announce("refused", [offer.from, offer.to]);
    return plan.refuse(refused, error, { offer });
  }
  const trade = record("executed", { versions: { from: writes[0].player.version, to: writes[1].player.version } });
  const accepted = settle(offer, "accepted", ctx.at, trade.id);
  plan.putOffer(accepted);
  plan.execute(writes, trade, "accepted");
  return plan.done({ offer: accepted, trade });
}

/** Decline (recipient) or cancel (proposer). Refusals here are thrown: nothing is recorded. */
export function settlePlan(
  request: { tradeId: string; action: Exclude<OfferAction, "accept">; note?: string | undefined },
  ctx: TradeContext,
  guards: Guards,
) {
  const plan = new PlanBuilder(guards);
  const offer = requireOffer(guards, request.tradeId);
  requireParty(offer, ctx.actor, request.action);
  requirePending(offer);
  const record = (outcome: TradeOutcome, extra?: RecordExtra) =>
    tradeRecord({ ctx, tradeId: offer.id, mode: "offer", terms: offerTerms(offer) }, outcome, extra);
  if (isLapsed(offer, ctx.at)) return plan.expire(offer, ctx.at, record);
  const status = request.action === "decline" ? "declined" : "cancelled";
  const settled = settle(offer, status, ctx.at);
  plan.putOffer(settled);
  plan.putRecord(record(status, request.note === undefined ? {} : { note: request.note }));
  plan.announce(status, [offer.from, offer.to]);
  return plan.done({ offer: settled });
}

/** The expiry sweep: settles a lapsed offer; anything else (settled meanwhile, not lapsed) is left alone. */
export function expirePlan(request: { tradeId: string }, ctx: TradeContext, guards: Guards) {
  const plan = new PlanBuilder(guards);
  const offer = requireOffer(guards, request.tradeId);
  if (!isLapsed(offer, ctx.at)) return plan.done({ offer });
  const record = (outcome: TradeOutcome, extra?: RecordExtra) =>
    tradeRecord({ ctx, tradeId: offer.id, mode: "offer", terms: offerTerms(offer) }, outcome, extra);
  const expired = settle(offer, "expired", ctx.at);
  plan.putOffer(expired);
  plan.putRecord(record("expired", refusal(expiredError(offer))));
  plan.announce("expired", [offer.from, offer.to]);
  return plan.done({ offer: expired });
}

/** A direct trade: executed at once, or refused with its record. */
export function executePlan(terms: SwapTerms, ctx: TradeContext, players: ReadonlyMap<string, Player>, guards: Guards) {
  const plan = new PlanBuilder(guards);
  const record = (outcome: TradeOutcome, extra?: RecordExtra) =>
    tradeRecord({ ctx, tradeId: ctx.recordId, mode: "direct", terms }, outcome, extra);
  const parties = [terms.from, terms.to];
  let writes: [PlayerWrite, PlayerWrite];
  try {
    const from = requirePlayer(players, terms.from);
    const to = requirePlayer(players, terms.to);
    writes = swap({ from, to }, terms, ctx.at, ctx.limits);
  } catch (error) {
    if (!isTradeRefusal(error)) throw error;
    plan.announce("refused", parties);
    return plan.refuse(record("refused", refusal(error)), error, {});
  }
  const trade = record("executed", { versions: { from: writes[0].player.version, to: writes[1].player.version } });
  plan.execute(writes, trade, "executed");
  return plan.done({ trade });
}

interface RecordExtra {
  reason?: TradeReason;
  note?: string;
  message?: string;
  versions?: { from: number; to: number };
}

function tradeRecord(
  base: { ctx: TradeContext; tradeId: string; mode: TradeRecord["mode"]; terms: SwapTerms },
  outcome: TradeOutcome,
  extra: RecordExtra = {},
): TradeRecord {
  const { ctx, terms } = base;
  const value = { give: bundleValue(terms.give, ctx.values), want: bundleValue(terms.want, ctx.values) };
  const score = imbalance(value.give, value.want);
  return {
    id: ctx.recordId,
    tradeId: base.tradeId,
    mode: base.mode,
    outcome,
    ...extra,
    from: terms.from,
    to: terms.to,
    give: terms.give,
    want: terms.want,
    value,
    imbalance: shownImbalance(score),
    suspicious: outcome === "executed" && score > ctx.threshold,
    actor: ctx.actor,
    opId: ctx.opId,
    at: ctx.at,
  };
}

function refusal(error: TradeRefusal): RecordExtra {
  return { reason: error.code, message: error.message.slice(0, 500) };
}

function requireOffer(guards: Guards, tradeId: string): TradeOffer {
  const stored = guards.get(guardKey(offerRef(tradeId)));
  if (!stored) throw new HoardError("TRADE_NOT_FOUND", undefined, { details: { tradeId } });
  return stored.data as TradeOffer;
}

function requirePlayer(players: ReadonlyMap<string, Player>, playerId: string): Player {
  const player = players.get(playerId);
  if (!player) throw new HoardError("PLAYER_NOT_FOUND", undefined, { details: { playerId } });
  return player;
}

/** Collects one commit's writes; each guard (an offer, a feed) is written at most once. */
class PlanBuilder {
  private readonly writes: PlayerWrite[] = [];
  private readonly records: DomainRecord[] = [];
  private readonly guardWrites = new Map<string, Guarded>();
  private readonly pushes: FeedPush[] = [];

  constructor(private readonly guards: Guards) {}

  putOffer(offer: TradeOffer): void {
    this.putGuard(offerRef(offer.id), offer);
  }

  putRecord(trade: TradeRecord): void {
    this.records.push({ kind: TRADE_RECORD, id: trade.id, playerIds: [...new Set([trade.from, trade.to])], at: trade.at, data: trade });
  }

  /** Bumps the feed of each key and queues its push. */
  announce(event: TradeEventKind, keys: readonly string[]): void {
    for (const key of new Set(keys)) {
      const doc = this.putGuard({ kind: FEED_GUARD, id: key }, null);
      this.pushes.push({ key, seq: doc.version, event });
    }
  }

  /** An executed swap: both players, the record, the parties' feeds and, if suspicious, the admin feed. */
  execute(writes: PlayerWrite[], trade: TradeRecord, event: TradeEventKind): void {
    this.writes.push(...writes);
    this.putRecord(trade);
    this.announce(event, [trade.from, trade.to]);
    if (trade.suspicious) this.announce("suspicious", [SUSPICIOUS_TRADES_KEY]);
  }

  /** Settles a lapsed offer as expired and refuses with TRADE_EXPIRED. */
  expire(offer: TradeOffer, at: string, record: (outcome: TradeOutcome, extra?: RecordExtra) => TradeRecord): CommitPlan<TradeResult> {
    const error = expiredError(offer);
    const expired = settle(offer, "expired", at);
    this.putOffer(expired);
    this.announce("expired", [offer.from, offer.to]);
    return this.refuse(record("expired", refusal(error)), error, { offer: expired });
  }

  /** Commits the refusal's record (and whatever was queued), and tells the service to throw it. */
  refuse(trade: TradeRecord, error: TradeRefusal, parts: { offer?: TradeOffer }): CommitPlan<TradeResult> {
    this.putRecord(trade);
    const details = typeof error.details === "object" && error.details !== null ? error.details : {};
    const refused = new HoardError(error.code, error.message, { details: { ...details, tradeRecordId: trade.id } }).toWire();
    return this.done({ ...parts, trade, refused });
  }

  done(parts: Omit<TradeResult, "pushes">): CommitPlan<TradeResult> {
    return {
      writes: this.writes,
      records: this.records,
      guards: [...this.guardWrites.values()],
      result: { ...parts, pushes: this.pushes },
    };
  }

  private putGuard(ref: GuardRef, data: unknown): Guarded {
    const key = guardKey(ref);
    if (this.guardWrites.has(key)) throw new Error(`guard ${key} written twice in one commit`);
    const doc = { ...ref, version: (this.guards.get(key)?.version ?? 0) + 1, data };
    this.guardWrites.set(key, doc);
    return doc;
  }
}
