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
import type { StateLimits } from "../config";
import type { Store } from "../store/port";
import type { Publisher } from "../subscriptions/topics";
import { PriceBook } from "./pricing";
import { addLine, cartTotals, checkout, clearCart, PricesNotLoaded, removeLine, setLineCount, withCartChange } from "./rules";

/** Records of this kind are order receipts, one per checkout, listed per player. */
const ORDER_RECORD = "order";
/** How many times a checkout loads prices again when the cart gained items meanwhile. */
const PRICE_LOADS = 3;

export interface CartDeps {
  store: Store;
  publisher: Publisher;
  /** How far a player's state may grow (checkout grants through the inventory rules). */
  limits: StateLimits;
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
    // Loaded before the commit; the commit's clock (the server's) judges the sale window.
    const price = (await this.deps.store.shop.pricesOf([input.itemId])).find((entry) => entry.currency === input.currency);
    return this.edit(actor, "cart:add", input, (player, at) => addLine(player, input, price, at));
  }

  update(actor: Actor, input: ParsedInput<"cart:update">): Promise<CartMutation> {
    return this.edit(actor, "cart:update", input, (player) => setLineCount(player, input.itemId, input.itemCount));
  }

  remove(actor: Actor, input: ParsedInput<"cart:remove">): Promise<CartMutation> {
    return this.edit(actor, "cart:remove", input, (player) => removeLine(player, input.itemId));
  }

  clear(actor: Actor, input: ParsedInput<"cart:clear">): Promise<CartMutation> {
    return this.edit(actor, "cart:clear", input, (player) => clearCart(player));
  }

  /**
   * One atomic commit: price every line again, debit, grant, empty the cart, write the receipt.
   * Prices are loaded for the cart as read just before; when the cart gained an item in
   * between, the rules say so and the prices are loaded again (at most PRICE_LOADS times).
   */
  async checkout(actor: Actor, input: ParsedInput<"cart:checkout">): Promise<EventOutput<"cart:checkout">> {
    for (let load = 1; ; load++) {
      const book = await this.loadPrices(input.playerId);
      try {
        return await this.commitCheckout(actor, input, book);
      } catch (error) {
        if (!(error instanceof PricesNotLoaded)) throw error;
        if (load >= PRICE_LOADS) throw new HoardError("PLAYER_CONFLICT", "the cart kept changing during checkout; retry", { cause: error });
      }
    }
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
      apply: (players, at) => {
        const plan = checkout(playerIn(players, input.playerId), book, { opId: input.opId, at, limits: this.deps.limits });
        if (plan.outcome === "repriced") {
          // A committed refusal: the cart shows the new prices to every subscriber, and a
          // repeat of this opId answers CART_PRICE_CHANGED again instead of charging.
          const refusal = new HoardError("CART_PRICE_CHANGED", `${plan.repriced.length} line(s) changed price; nothing was charged`, {
            details: { ...viewOf(plan.player), lines: plan.repriced },
          });
          return { writes: [{ player: plan.player, ops: [], changes: plan.changes }], result: {}, refusal };
        }
        return {
          writes: [{ player: plan.player, ops: plan.ops, changes: plan.changes }],
          records: [{ kind: ORDER_RECORD, id: plan.order.orderId, playerIds: [plan.order.playerId], at, data: plan.order }],
          result: { order: plan.order },
        };
      },
    });
    const { order } = committed.result;
    if (!order) throw new Error("a checkout that was not refused has an order");
    return { order, replayed: committed.replayed };
  }

  /** A cart-only commit; a rule that returns no change commits nothing (clearing an empty cart). */
  private async edit(
    actor: Actor,
    kind: string,
    input: { playerId: string; opId: string },
    rule: (player: Player, at: string) => CartChange | undefined,
  ): Promise<CartMutation> {
    const committed = await commitAndPublish<CartMutation>(this.deps, {
      actor,
      kind,
      input,
      playerIds: [input.playerId],
      apply: (players, at) => {
        const player = playerIn(players, input.playerId);
        const change = rule(player, at);
        if (!change) return { writes: [], result: mutationResult(player, { lines: {} }) };
        const next = withCartChange(player, change, at);
        return { writes: [{ player: next.player, ops: [], changes: next.changes }], result: mutationResult(next.player, change) };
      },
    });
    return committed.replayed ? { ...committed.result, replayed: true } : committed.result;
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
