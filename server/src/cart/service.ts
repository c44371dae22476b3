import {
  type Actor,
  type CartChange,
  type CartView,
  type EventOutput,
  HoardError,
  type Order,
  type ParsedInput,
  type Player,
} from "@hoard/protocol";
import { commitAndPublish } from "../commit/kernel";
import type { Guards } from "../commit/plan";
import type { StateLimits } from "../config";
import type { Store } from "../store/port";
import type { Publisher } from "../subscriptions/topics";
import { PriceBook } from "./pricing";
import { addLine, cartTotals, checkout, clearCart, removeLine, setLineCount, withCartChange } from "./rules";
import { holdFor, NotLoaded, SupplyLedger, supplyRefs } from "./supply";

/** Records of this kind are order receipts, one per checkout, listed per player. */
const ORDER_RECORD = "order";
/** How many times a cart commit loads prices and supplies again when the cart gained items meanwhile. */
const LOADS = 3;

export interface CartDeps {
  store: Store;
  publisher: Publisher;
  /** How far a player's state may grow (checkout grants through the inventory rules). */
  limits: StateLimits;
  /** The longest a cart line may hold limited units (HOARD_CART_MAX_RESERVATION_MS). */
  maxReservationMs: number;
}

type CartMutation = EventOutput<"cart:add">;
/** Stored under the checkout's opId, so a repeat answers exactly as the first call did (a repriced cart has no order: it is refused). */
type CheckoutResult = { order?: Order };

/**
 * Carts and checkout: load prices → cart rules → one player commit → publish. A cart change
 * is an ordinary versioned commit of the player (op log kind = the event name), so it is
 * pushed on `inventory/{playerId}` and survives restarts with the player.
 */
export class CartService {
  constructor(private readonly deps: CartDeps) {}

  async get(playerId: string): Promise<CartView> {
    const player = await this.deps.store.getPlayer(playerId);
    if (!player) throw playerNotFound(playerId);
    return viewOf(player);
  }

  async add(actor: Actor, input: ParsedInput<"cart:add">): Promise<CartMutation> {
    const { maxReservationMs } = this.deps;
    if (input.reserveForMs !== undefined && input.reserveForMs > maxReservationMs) {
      throw new HoardError("CART_LIMIT_EXCEEDED", `a reservation lasts at most ${maxReservationMs} ms on this node`, {
        details: { reserveForMs: input.reserveForMs, max: maxReservationMs },
      });
    }
    // Loaded before the commit; the commit's clock (the server's) judges the sale window.
    const price = (await this.deps.store.shop.pricesOf([input.itemId])).find((entry) => entry.currency === input.currency);
    return this.edit(actor, "cart:add", input, [input.itemId], (player, at, supplies) => addLine(player, input, price, at, supplies));
  }

  update(actor: Actor, input: ParsedInput<"cart:update">): Promise<CartMutation> {
    return this.edit(actor, "cart:update", input, [input.itemId], (player) => setLineCount(player, input.itemId, input.itemCount));
  }

  remove(actor: Actor, input: ParsedInput<"cart:remove">): Promise<CartMutation> {
    return this.edit(actor, "cart:remove", input, [input.itemId], (player) => removeLine(player, input.itemId));
  }

  /** Releases what the lines held: their supplies are loaded for the cart as read just before (again if it gained lines). */
  clear(actor: Actor, input: ParsedInput<"cart:clear">): Promise<CartMutation> {
    return withLoads(async () => {
      const itemIds = Object.keys((await this.deps.store.getPlayer(input.playerId))?.cart?.lines ?? {});
      return this.edit(actor, "cart:clear", input, itemIds, (player) => clearCart(player));
    });
  }

  /**
   * One atomic commit: price every line again, debit, grant, sell what is limited, empty the
   * cart, write the receipt. Prices and supplies are loaded for the cart as read just before;
   * when the cart gained an item in between, the rules say so and they are loaded again (at
   * most LOADS times).
   */
  checkout(actor: Actor, input: ParsedInput<"cart:checkout">): Promise<EventOutput<"cart:checkout">> {
    return withLoads(async () => this.commitCheckout(actor, input, await this.loadPrices(input.playerId)));
  }

  async orders(input: ParsedInput<"cart:orders">): Promise<EventOutput<"cart:orders">> {
    await this.get(input.playerId);
    const limit = input.limit ?? 100;
    const after = parseCursor(input.after);
    const records = await this.deps.store.listRecords(ORDER_RECORD, { playerId: input.playerId, limit, ...(after ? { after } : {}) });
    const last = records.at(-1);
    return {
      orders: records.map((record) => record.data as Order),
      next: records.length === limit && last ? `${last.at}|${last.id}` : null,
    };
  }

  private async loadPrices(playerId: string): Promise<PriceBook> {
    const player = await this.deps.store.getPlayer(playerId);
    const itemIds = Object.keys(player?.cart?.lines ?? {});
    return new PriceBook({ itemIds, entries: await this.deps.store.shop.pricesOf(itemIds) });
  }

  private async commitCheckout(actor: Actor, input: ParsedInput<"cart:checkout">, book: PriceBook): Promise<EventOutput<"cart:checkout">> {
    const committed = await commitAndPublish<CheckoutResult>(this.deps, {
      actor,
      kind: "cart:checkout",
      input,
      playerIds: [input.playerId],
      guards: supplyRefs(book.itemIds),
      apply: (players, at, guards) => {
        const supplies = new SupplyLedger(guards, book);
        const plan = checkout(playerIn(players, input.playerId), book, { opId: input.opId, at, limits: this.deps.limits, supplies });
        if (plan.outcome === "repriced") {
          // A committed refusal: the cart shows the new prices to every subscriber, and a
          // repeat of this opId answers CART_PRICE_CHANGED again instead of charging.
          const refusal = new HoardError("CART_PRICE_CHANGED", `${plan.repriced.length} line(s) changed price; nothing was charged`, {
            details: { ...viewOf(plan.player), lines: plan.repriced },
          });
          return { writes: [{ player: plan.player, ops: [], changes: plan.changes }], guards: supplies.writes(), result: {}, refusal };
        }
        return {
          writes: [{ player: plan.player, ops: plan.ops, changes: plan.changes }],
          guards: supplies.writes(),
          records: [{ kind: ORDER_RECORD, id: plan.order.orderId, playerIds: [plan.order.playerId], at, data: plan.order }],
          result: { order: plan.order },
        };
      },
    });
    const { order } = committed.result;
    if (!order) throw new Error("a checkout that was not refused has an order");
    return { order, replayed: committed.replayed };
  }

  /**
   * A cart-only commit, with the supplies of `itemIds` (the lines it may change) held or
   * released as the change says; a rule that returns no change commits nothing (clearing an
   * empty cart).
   */
  private async edit(
    actor: Actor,
    kind: string,
    input: { playerId: string; opId: string },
    itemIds: readonly string[],
    rule: (player: Player, at: string, supplies: SupplyLedger) => CartChange | undefined,
  ): Promise<CartMutation> {
    const committed = await commitAndPublish<CartMutation>(this.deps, {
      actor,
      kind,
      input,
      playerIds: [input.playerId],
      guards: supplyRefs(itemIds),
      apply: (players, at, guards: Guards) => {
        const player = playerIn(players, input.playerId);
        const supplies = new SupplyLedger(guards, new Set(itemIds));
        const change = rule(player, at, supplies);
        if (!change) return { writes: [], result: mutationResult(player, { lines: {} }) };
        holdFor(supplies, player.cart, change);
        const next = withCartChange(player, change, at);
        return {
          writes: [{ player: next.player, ops: [], changes: next.changes }],
          guards: supplies.writes(),
          result: mutationResult(next.player, change),
        };
      },
    });
    return committed.replayed ? { ...committed.result, replayed: true } : committed.result;
  }
}

/** Runs a cart commit again (at most LOADS times) when the cart gained an item after the service loaded what it needs. */
async function withLoads<T>(attempt: () => Promise<T>): Promise<T> {
  for (let load = 1; ; load++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof NotLoaded)) throw error;
      if (load >= LOADS) throw new HoardError("PLAYER_CONFLICT", "the cart kept changing; retry", { cause: error });
    }
  }
}

function viewOf(player: Player): CartView {
  return { playerId: player.id, version: player.version, cart: player.cart ?? { lines: {} }, totals: cartTotals(player.cart) };
}

function mutationResult(player: Player, change: CartChange): CartMutation {
  return { playerId: player.id, version: player.version, changes: change, totals: cartTotals(player.cart), replayed: false };
}

function playerIn(players: ReadonlyMap<string, Player>, playerId: string): Player {
  const player = players.get(playerId);
  if (!player) throw playerNotFound(playerId);
  return player;
}

function playerNotFound(playerId: string): HoardError {
  return new HoardError("PLAYER_NOT_FOUND", undefined, { details: { playerId } });
}

/** Order cursors are `{at}|{orderId}` of the last order of the previous page. */
function parseCursor(cursor: string | undefined): { at: string; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const bar = cursor.indexOf("|");
  if (bar < 0) throw new HoardError("VALIDATION_FAILED", "after: not a cursor from a previous page");
  return { at: cursor.slice(0, bar), id: cursor.slice(bar + 1) };
}
