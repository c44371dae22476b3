import type { Changes, HoardClient, InventoryOp } from "@hoard/client-sdk";
import { catalog, defineItems, heroes, type ItemIds, type ItemKey, keyOf } from "../catalog";
import { Dice, every, type Traffic, type TrafficContext } from "../simulator";

/**
 * Inventory traffic: item definitions and class kits, a few dozen players (more join over
 * time), then a steady stream of grants, consumes, moves, metrics and gold. Three "hot"
 * players get a third of it, and they consume and move with their own player tokens, so the
 * audit trail shows game servers and players side by side.
 */
const classes = ["warrior", "ranger", "mage"] as const;
/** Where equipment goes when a player equips it. */
const slots: Partial<Record<ItemKey, string>> = {
  sword: "equipment.weapons",
  bow: "equipment.weapons",
  shield: "equipment.armor",
  arrow: "quiver",
};

export const inventoryTraffic: Traffic = {
  name: "inventory",
  async run(ctx) {
    const dice = new Dice(Number(process.env.HOARD_DEMO_SEED ?? Date.now()));
    const [gm] = ctx.servers;
    if (!gm) throw new Error("the inventory traffic needs a server connection");
    const items = await defineItems(gm);
    await defineKits(gm, items);

    const players = new Map<string, Mirror>();
    const join = async (id: string, i: number) => {
      const name = `${id[0]?.toUpperCase()}${id.slice(1)}`;
      await ctx.stats.count(gm.players.create({ id, name, class: classes[i % classes.length] }));
      const state = await gm.players.get(id).catch(() => undefined);
      if (!state) return;
      const mirror = new Mirror(state.player.inventories);
      players.set(id, mirror);
      if (state.player.inventories.bag?.capacity === undefined)
        await send(ctx, gm, id, [{ type: "setCapacity", category: "bag", capacity: 400 }], mirror);
    };
    for (const [i, id] of heroes.entries()) await join(id, i);

    // The hot players also act themselves, with their own tokens.
    const hot = heroes.slice(0, 3);
    const own = new Map<string, HoardClient>();
    for (const id of hot) own.set(id, await ctx.connectAs("player", id));

    let newcomers = 0;
    let lastJoin = Date.now();
    await every(40, ctx.signal, async () => {
      if (Date.now() - lastJoin > 10_000 && newcomers < 150) {
        lastJoin = Date.now();
        newcomers++;
        await join(`${dice.pick(heroes)}-${String(newcomers).padStart(3, "0")}`, newcomers);
      }
      const id = dice.chance(0.35) ? dice.pick(hot) : dice.pick([...players.keys()]);
      const mirror = players.get(id);
      if (!mirror) return;
      const play = chooseOp(dice, mirror, items);
      if (!play) return;
      const self = own.get(id);
      const client = play.byPlayer && self && dice.chance(0.6) ? self : dice.pick(ctx.servers);
      await send(ctx, client, id, play.ops, mirror);
    });
  },
};

async function send(ctx: TrafficContext, client: HoardClient, playerId: string, ops: InventoryOp[], mirror: Mirror): Promise<void> {
  const result = await ctx.stats.count(client.inventory.apply(playerId, ops));
  if (result) mirror.apply(result.changes);
}

async function defineKits(gm: HoardClient, items: ItemIds): Promise<void> {
  await gm.kits.put({
    name: "warrior",
    starter: true,
    currencies: { gold: 50 },
    items: [
      { itemId: items.sword, category: "bag", quantity: 1 },
      { itemId: items.shield, category: "bag", quantity: 1 },
      { itemId: items.potion, category: "bag", quantity: 3 },
    ],
  });
  await gm.kits.put({
    name: "ranger",
    starter: true,
    currencies: { gold: 40 },
    items: [
      { itemId: items.bow, category: "bag", quantity: 1 },
      { itemId: items.arrow, category: "bag", quantity: 40 },
      { itemId: items.potion, category: "bag", quantity: 2 },
    ],
  });
  await gm.kits.put({
    name: "mage",
    starter: true,
    currencies: { gold: 60 },
    items: [
      { itemId: items.elixir, category: "bag", quantity: 2 },
      { itemId: items.ruby, category: "bag", quantity: 1 },
    ],
  });
}

/** One game event: the ops and whether a player could have sent them itself (consume, move). */
function chooseOp(dice: Dice, mirror: Mirror, items: ItemIds): { ops: InventoryOp[]; byPlayer: boolean } | undefined {
  const roll = dice.next();
  if (roll < 0.3) {
    const key = dice.pick(Object.keys(catalog) as ItemKey[]);
    const quantity = key === "arrow" ? dice.int(10, 30) : key === "ruby" || key === "ring" ? 1 : dice.int(1, 4);
    return { ops: [{ type: "grant", category: "bag", itemId: items[key], quantity }], byPlayer: false };
  }
  if (roll < 0.55) {
    const held = mirror.stacks("bag").filter(([itemId]) => {
      const kind = catalog[keyOf(items, itemId) ?? "ruby"].kind;
      return kind === "consumable" || kind === "food" || kind === "tool" || kind === "ammo";
    });
    if (held.length === 0) return undefined;
    const [itemId, have] = dice.pick(held);
    return { ops: [{ type: "consume", category: "bag", itemId, quantity: Math.min(have, dice.int(1, 3)) }], byPlayer: true };
  }
  if (roll < 0.7) {
    const equip = dice.chance(0.6);
    const candidates = equip
      ? mirror.stacks("bag").filter(([itemId]) => slots[keyOf(items, itemId) ?? "ruby"] !== undefined)
      : ["equipment.weapons", "equipment.armor", "quiver"].flatMap((category) => mirror.stacks(category));
    if (candidates.length === 0) return undefined;
    const [itemId, have] = dice.pick(candidates);
    const slot = slots[keyOf(items, itemId) ?? "ruby"] ?? "bag";
    const quantity = keyOf(items, itemId) === "arrow" ? Math.min(have, dice.int(5, 20)) : 1;
    return {
      ops: [{ type: "move", from: equip ? "bag" : slot, to: equip ? slot : "bag", itemId, quantity }],
      byPlayer: true,
    };
  }
  if (roll < 0.84) return { ops: [{ type: "credit", currency: "gold", amount: dice.int(5, 120) }], byPlayer: false };
  if (roll < 0.92) {
    // Some of these overdraw and are refused, as a shop purchase would be.
    return { ops: [{ type: "debit", currency: "gold", amount: dice.int(5, 90) }], byPlayer: false };
  }
  if (roll < 0.97)
    return { ops: [{ type: "incrementMetric", category: "equipment.weapons", name: "kills", by: dice.int(1, 3) }], byPlayer: false };
  return { ops: [{ type: "setMetric", category: "equipment.weapons", name: "durability", value: dice.int(20, 100) }], byPlayer: false };
}

/** The stacks the simulator believes a player holds, kept from the absolute values every commit returns. */
class Mirror {
  private readonly held = new Map<string, Map<string, number>>();

  constructor(inventories: Record<string, { stacks: Record<string, number> }>) {
    for (const [category, inventory] of Object.entries(inventories)) this.held.set(category, new Map(Object.entries(inventory.stacks)));
  }

  stacks(category: string): [string, number][] {
    return [...(this.held.get(category) ?? [])];
  }

  apply(changes: Changes): void {
    for (const [category, change] of Object.entries(changes.inventories ?? {})) {
      const stacks = this.held.get(category) ?? new Map<string, number>();
      this.held.set(category, stacks);
      for (const [itemId, quantity] of Object.entries(change.stacks ?? {})) {
        if (quantity === 0) stacks.delete(itemId);
        else stacks.set(itemId, quantity);
      }
    }
  }
}
