import type { HoardClient, ItemDefinition } from "@hoard/client-sdk";

/**
 * What every domain's demo traffic shares: the item definitions and the heroes. Definitions are
 * content-addressed, so each module may define them again and gets the same ids.
 */
export const catalog = {
  potion: { name: "Healing Potion", kind: "consumable", value: 5 },
  elixir: { name: "Mana Elixir", kind: "consumable", value: 12 },
  bread: { name: "Bread", kind: "food", value: 1 },
  torch: { name: "Torch", kind: "tool", value: 2 },
  arrow: { name: "Arrow", kind: "ammo", value: 1 },
  sword: { name: "Iron Sword", kind: "weapon", value: 80, attributes: { damage: 12 } },
  bow: { name: "Oak Bow", kind: "weapon", value: 65, attributes: { damage: 9, range: 30 } },
  shield: { name: "Round Shield", kind: "armor", value: 50, attributes: { armor: 6 } },
  ruby: { name: "Ruby", kind: "gem", value: 250 },
  ring: { name: "Gold Ring", kind: "jewel", value: 120 },
} satisfies Record<string, ItemDefinition>;
export type ItemKey = keyof typeof catalog;
export type ItemIds = Record<ItemKey, string>;

// biome-ignore format: a name list reads better packed
export const heroes = [
  "aria", "bjorn", "cyra", "dorian", "elva", "finn", "gwen", "hakon", "isolde", "jarek", "kael", "lyra",
  "magnus", "nessa", "orin", "petra", "quill", "rowan", "sigrid", "talon", "ulla", "vex", "wren", "yara",
];

/** Defines every catalog item (again: the same definition keeps its id); resolves to the ids. */
export async function defineItems(gm: HoardClient): Promise<ItemIds> {
  const ids = {} as ItemIds;
  for (const [key, definition] of Object.entries(catalog) as [ItemKey, ItemDefinition][]) {
    ids[key] = (await gm.items.create(definition)).item.id;
  }
  return ids;
}

/** The catalog key of an item id. */
export function keyOf(items: ItemIds, itemId: string): ItemKey | undefined {
  return (Object.keys(items) as ItemKey[]).find((key) => items[key] === itemId);
}

/** Waits until the inventory traffic has created the heroes (other traffic acts on them). */
export async function heroesReady(gm: HoardClient, signal: AbortSignal): Promise<boolean> {
  const last = heroes.at(-1) as string;
  while (!signal.aborted) {
    if (
      await gm.players.get(last).then(
        () => true,
        () => false,
      )
    )
      return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}
