import type { CartView, HoardClient } from "@hoard/client-sdk";
import { defineItems, heroes, heroesReady, type ItemIds, type ItemKey } from "../catalog";
import { Dice, every, type Traffic, type TrafficContext } from "../simulator";

/**
 * Shop traffic: a small catalog (one item on a rolling special sale), and heroes filling carts
 * (add, change a count, drop a line) and checking out, some with their own player tokens.
 * Prices are taken from the shop, as a game client would; a sale that ends under a cart makes
 * the next checkout answer CART_PRICE_CHANGED, and the cart is checked out again.
 */
const prices: Partial<Record<ItemKey, number>> = {
  potion: 6,
  elixir: 14,
  bread: 1,
  torch: 3,
  arrow: 1,
  sword: 90,
  bow: 70,
  shield: 55,
};
/** The sale item; each sale runs a minute, the next starts half a minute after it ended. */
const onSale: ItemKey = "elixir";
const saleMs = 60_000;
const pauseMs = 30_000;

export const cartTraffic: Traffic = {
  name: "cart",
  async run(ctx) {
    const dice = new Dice(Number(process.env.HOARD_DEMO_SEED ?? Date.now()) + 7);
    const [gm] = ctx.servers;
    if (!gm) throw new Error("the cart traffic needs a server connection");
    if (!(await heroesReady(gm, ctx.signal))) return;
    const items = await defineItems(gm);
    for (const [key, price] of Object.entries(prices) as [ItemKey, number][]) await gm.shop.put({ itemId: items[key], price });
    const shop = new Shop(gm, items);

    // Two shoppers act themselves; the rest are served by the game servers.
    const own = new Map<string, HoardClient>();
    for (const id of ["dorian", "elva"]) own.set(id, await ctx.connectAs("player", id));

    await every(700, ctx.signal, async () => {
      await shop.tick();
      const playerId = dice.chance(0.3) ? dice.pick([...own.keys()]) : dice.pick(heroes);
      const client = own.get(playerId) ?? dice.pick(ctx.servers);
      const cart = await client.cart.get(playerId).catch(() => undefined);
      if (!cart) return;
      const lines = Object.keys(cart.cart.lines).length;
      const roll = dice.next();
      if (lines === 0 || (lines < 4 && roll < 0.55)) await add(ctx, client, shop, dice, playerId);
      else if (roll < 0.7) await change(ctx, client, dice, cart);
      else await checkout(ctx, client, cart);
    });
  },
};

/** The catalog as the simulator last read it. */
class Shop {
  private current = new Map<string, number>();
  private saleEnds = 0;
  private nextSale = 0;

  constructor(
    private readonly gm: HoardClient,
    readonly items: ItemIds,
  ) {}

  /** Starts a sale when one is due; reads the prices again when one ended. */
  async tick(): Promise<void> {
    const now = Date.now();
    if (now >= this.nextSale) await this.startSale(now);
    else if (this.saleEnds !== 0 && now >= this.saleEnds) {
      this.saleEnds = 0;
      await this.refresh();
    }
  }

  private async startSale(now: number): Promise<void> {
    this.saleEnds = now + saleMs;
    this.nextSale = this.saleEnds + pauseMs;
    const regular = prices[onSale] ?? 1;
    await this.gm.shop.put({
      itemId: this.items[onSale],
      price: regular,
      sale: { price: Math.ceil(regular * 0.6), expiresAt: new Date(this.saleEnds).toISOString() },
    });
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const { entries } = await this.gm.shop.list({ limit: 100 });
    this.current = new Map(entries.map((entry) => [entry.itemId, entry.current.price]));
  }

  price(itemId: string): number | undefined {
    return this.current.get(itemId);
  }

  itemIds(): string[] {
    return [...this.current.keys()];
  }
}

async function add(ctx: TrafficContext, client: HoardClient, shop: Shop, dice: Dice, playerId: string): Promise<void> {
  const itemId = dice.pick(shop.itemIds());
  const offeredPrice = shop.price(itemId);
  if (offeredPrice === undefined) return;
  const itemCount = itemId === shop.items.arrow ? dice.int(10, 40) : dice.int(1, 3);
  const outcome = await ctx.stats.attempt(client.cart.add(playerId, { itemId, offeredPrice, itemCount }));
  if (!outcome.ok && outcome.code === "CART_PRICE_CHANGED") await shop.refresh();
}

async function change(ctx: TrafficContext, client: HoardClient, dice: Dice, cart: CartView): Promise<void> {
  const lines = Object.entries(cart.cart.lines);
  if (lines.length === 0) return;
  const [itemId, line] = dice.pick(lines);
  if (dice.chance(0.4)) await ctx.stats.count(client.cart.remove(cart.playerId, itemId));
  else await ctx.stats.count(client.cart.update(cart.playerId, itemId, Math.max(1, line.itemCount + dice.int(-1, 2))));
}

/** Checks out as a player would: a price change is paid at the new price, a cart too dear loses its dearest line. */
async function checkout(ctx: TrafficContext, client: HoardClient, cart: CartView): Promise<void> {
  const outcome = await ctx.stats.attempt(client.cart.checkout(cart.playerId));
  if (outcome.ok) return;
  if (outcome.code === "CART_PRICE_CHANGED") await ctx.stats.count(client.cart.checkout(cart.playerId));
  else if (outcome.code === "WALLET_INSUFFICIENT_FUNDS") {
    const [dearest] = Object.entries(cart.cart.lines).sort(([, a], [, b]) => b.itemCount * b.offeredPrice - a.itemCount * a.offeredPrice);
    if (dearest) await ctx.stats.count(client.cart.remove(cart.playerId, dearest[0]));
  } else if (outcome.code === "INVENTORY_CAPACITY_EXCEEDED") await ctx.stats.count(client.cart.clear(cart.playerId));
}
