import type { HoardClient, TradeBundleInput } from "@hoard/client-sdk";
import { catalog, defineItems, heroes, heroesReady, type ItemIds, keyOf } from "../catalog";
import { Dice, every, type Traffic, type TrafficStats } from "../simulator";

/**
 * Trade traffic between the heroes: mostly fair swaps of an item for about its value in gold,
 * run by the game servers as direct trades or proposed as offers that the other side accepts or
 * declines; now and then a deliberately lopsided one (a ruby for a few coins, a purse for a loaf
 * of bread) that the node flags as suspicious; and some that fail on funds, as real players' do.
 */
export const tradeTraffic: Traffic = {
  name: "trades",
  async run(ctx) {
    const dice = new Dice(Number(process.env.HOARD_DEMO_SEED ?? Date.now()) + 5);
    const [gm] = ctx.servers;
    if (!gm) throw new Error("the trade traffic needs a server connection");
    if (!(await heroesReady(gm, ctx.signal))) return;
    const items = await defineItems(gm);

    await every(900, ctx.signal, async () => {
      const [seller, buyer] = twoHeroes(dice);
      const stack = await someStack(gm, seller, dice);
      if (!stack) return;
      const value = catalog[keyOf(items, stack.itemId) ?? "bread"].value;
      const quantity = Math.min(stack.quantity, dice.int(1, 3));
      const give: TradeBundleInput = { items: [{ category: "bag", itemId: stack.itemId, quantity }] };
      const fair = Math.max(1, Math.round(value * quantity * (0.8 + dice.next() * 0.4)));
      const server = dice.pick(ctx.servers);
      const roll = dice.next();
      if (roll < 0.1) {
        // Lopsided on purpose: the admin feed should flag these.
        await ctx.stats.count(server.trades.execute(seller, buyer, lopsided(dice, items, give)));
      } else if (roll < 0.35) {
        await offer(ctx.stats, server, dice, { seller, buyer, give, want: { currencies: { gold: fair } } });
      } else {
        await ctx.stats.count(server.trades.execute(seller, buyer, { give, want: { currencies: { gold: fair } } }));
      }
    });
  },
};

function twoHeroes(dice: Dice): [string, string] {
  const a = dice.pick(heroes);
  let b = dice.pick(heroes);
  while (b === a) b = dice.pick(heroes);
  return [a, b];
}

/** A stack the player holds in its bag now (read through the SDK, so trades mostly succeed). */
async function someStack(gm: HoardClient, playerId: string, dice: Dice): Promise<{ itemId: string; quantity: number } | undefined> {
  const state = await gm.players.get(playerId).catch(() => undefined);
  const stacks = Object.entries(state?.player.inventories.bag?.stacks ?? {});
  if (stacks.length === 0) return undefined;
  const [itemId, quantity] = dice.pick(stacks);
  return { itemId, quantity };
}

function lopsided(dice: Dice, items: ItemIds, give: TradeBundleInput): { give: TradeBundleInput; want: TradeBundleInput } {
  if (dice.chance(0.5)) return { give, want: { currencies: { gold: dice.int(1, 3) } } };
  // The other way round: a purse of gold for a loaf of bread (refused when the purse is short).
  return { give: { currencies: { gold: dice.int(150, 300) } }, want: { items: [{ category: "bag", itemId: items.bread, quantity: 1 }] } };
}

/** An offer from the seller (made by a game server on its behalf), then the buyer's answer. */
async function offer(
  stats: TrafficStats,
  server: HoardClient,
  dice: Dice,
  deal: { seller: string; buyer: string; give: TradeBundleInput; want: TradeBundleInput },
): Promise<void> {
  const proposed = await stats.count(
    server.trades.propose(deal.buyer, { give: deal.give, want: deal.want }, { from: deal.seller, expiresIn: 120 }),
  );
  if (!proposed) return;
  const id = proposed.offer.id;
  const answer = dice.next();
  if (answer < 0.7) await stats.count(server.trades.accept(id));
  else if (answer < 0.85) await stats.count(server.trades.decline(id));
  else await stats.count(server.trades.cancel(id));
}
