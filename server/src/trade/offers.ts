import { type Actor, HoardError, type OfferStatus, type TradeBundle, type TradeOffer } from "@hoard/protocol";
import type { SwapTerms, TradeRefusal } from "./rules";

/**
 * Pure offer rules. An offer's terms never change; its status leaves `pending` once. Expiry is
 * judged against the commit's time (the server clock), never the caller's.
 */

export interface NewOffer {
  id: string;
  from: string;
  to: string;
  give: TradeBundle;
  want: TradeBundle;
  into?: string | undefined;
  expiresIn: number;
  proposedBy: Actor;
}

export function newOffer(fields: NewOffer, at: string): TradeOffer {
  const offer: TradeOffer = {
    id: fields.id,
    from: fields.from,
    to: fields.to,
    give: fields.give,
    want: fields.want,
    status: "pending",
    proposedBy: fields.proposedBy,
    createdAt: at,
    expiresAt: new Date(Date.parse(at) + fields.expiresIn * 1000).toISOString(),
  };
  if (fields.into !== undefined) offer.into = fields.into;
  return offer;
}

/** Pending but past its expiry: it will never execute, whether or not the sweep has settled it yet. */
export function isLapsed(offer: TradeOffer, at: string): boolean {
  return offer.status === "pending" && at >= offer.expiresAt;
}

/** The offer as a reader should see it at `at`: a lapsed offer reads `expired`. */
export function offerAt(offer: TradeOffer, at: string): TradeOffer {
  return isLapsed(offer, at) ? { ...offer, status: "expired" } : offer;
}

export type OfferAction = "accept" | "decline" | "cancel";

/** The recipient accepts or declines; the proposer cancels. */
const actingParty: Record<OfferAction, "from" | "to"> = { accept: "to", decline: "to", cancel: "from" };

/** A player acts only as its own party; server and admin tokens act for the party. */
export function requireParty(offer: TradeOffer, actor: Actor, action: OfferAction): void {
  const party = actingParty[action];
  if (actor.role === "player" && actor.sub !== offer[party]) {
    const who = party === "to" ? "the recipient" : "the proposer";
    throw new HoardError("TRADE_NOT_A_PARTY", `only ${who} may ${action} this offer`, { details: { tradeId: offer.id, party } });
  }
}

/** Players may read the offers they are party to; servers and admins read any. */
export function mayRead(offer: TradeOffer, actor: Actor): boolean {
  return actor.role !== "player" || actor.sub === offer.from || actor.sub === offer.to;
}

/** An offer settled as expired says so (whether the sweep or a reader got there first); any other settled one is settled. */
export function requirePending(offer: TradeOffer): void {
  if (offer.status === "expired") throw expiredError(offer);
  if (offer.status !== "pending") {
    throw new HoardError("TRADE_ALREADY_SETTLED", `the offer is already ${offer.status}`, {
      details: { tradeId: offer.id, status: offer.status },
    });
  }
}

export function expiredError(offer: TradeOffer): TradeRefusal {
  return new HoardError("TRADE_EXPIRED", `the offer expired at ${offer.expiresAt}`, {
    details: { tradeId: offer.id, expiresAt: offer.expiresAt },
  }) as TradeRefusal;
}

export function settle(offer: TradeOffer, status: Exclude<OfferStatus, "pending">, at: string, tradeRecordId?: string): TradeOffer {
  return { ...offer, status, settledAt: at, ...(tradeRecordId === undefined ? {} : { tradeRecordId }) };
}

/** The swap an offer stands for; the recipient chooses where what it receives lands. */
export function offerTerms(offer: TradeOffer, recipientInto?: string): SwapTerms {
  return { from: offer.from, to: offer.to, give: offer.give, want: offer.want, fromInto: offer.into, toInto: recipientInto };
}
