import { dayNumber, dayOfNumber } from "@hoard/client-sdk";
import { Dice, every, type Traffic } from "../simulator";

/**
 * Stock traffic under the `acme` prefix (what the console's stock grid opens on): eight parts
 * stocked in two warehouses for the next four weeks, customers reserving a few units over a few
 * days, restocks now and then, and once in a while an oversell with `allowNegative` (the origin's
 * behaviour) that takes a day below zero until the next restock covers it.
 */
// biome-ignore format: a key list reads better packed
const keys = [
  "acme/bolts/m4", "acme/bolts/m6", "acme/bolts/m8", "acme/nuts/m4",
  "acme/nuts/m6", "acme/gears/g12", "acme/gears/g24", "acme/springs/s1",
];
const horizonDays = 28;
const warehouses = ["warehouse-a", "warehouse-b"];

export const stockTraffic: Traffic = {
  name: "stock",
  async run(ctx) {
    const dice = new Dice(Number(process.env.HOARD_DEMO_SEED ?? Date.now()) + 11);
    const [gm] = ctx.servers;
    if (!gm) throw new Error("the stock traffic needs a server connection");
    const today = dayNumber(new Date().toISOString().slice(0, 10)) as number;
    const day = (offset: number) => dayOfNumber(today + offset);
    const span = () => {
      const start = dice.int(0, horizonDays - 1);
      return { from: day(start), to: day(Math.min(horizonDays - 1, start + dice.int(0, 3))) };
    };

    for (const key of keys) {
      const partitions = Object.fromEntries(warehouses.map((name) => [name, dice.int(8, 30)]));
      await ctx.stats.count(gm.stock.setPartitions(key, { from: day(0), to: day(horizonDays - 1), partitions }));
    }

    let tick = 0;
    await every(300, ctx.signal, async () => {
      tick++;
      const server = dice.pick(ctx.servers);
      const key = dice.pick(keys);
      if (tick % 90 === 0) {
        // An oversell, applied anyway: the grid flags the day until a restock covers it.
        const sale = day(dice.int(0, horizonDays - 1));
        const { days } = await server.stock.read(key, { from: sale, to: sale });
        const available = days[0]?.total ?? 0;
        await ctx.stats.count(server.stock.sell(key, { from: sale, to: sale, amount: available + dice.int(1, 4), allowNegative: true }));
      } else if (dice.chance(0.15)) {
        const { from } = span();
        const to = dayOfNumber(Math.min(today + horizonDays - 1, (dayNumber(from) as number) + 6));
        await ctx.stats.count(server.stock.acquire(key, { from, to, amount: dice.int(2, 10), partition: dice.pick(warehouses) }));
      } else {
        // Some of these find a day short and are refused (STOCK_INSUFFICIENT): no oversell.
        await ctx.stats.count(server.stock.sell(key, { ...span(), amount: dice.int(1, 3) }));
      }
    });
  },
};
