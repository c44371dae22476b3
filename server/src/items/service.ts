import { HoardError, type ItemDefinition, type Kit, RANDOM_CLASS, type StoredItem } from "@hoard/protocol";
import { canonicalJson, sha256Hex } from "../lib/canonical";
import type { Store } from "../store/port";

/** An item's id: the SHA-256 of its canonical JSON (keys sorted), so equal definitions share one id. */
export function itemId(definition: ItemDefinition): string {
  return sha256Hex(canonicalJson(definition));
}

/** How many item ids are remembered as defined (a definition never changes nor goes away). */
const KNOWN_IDS = 100_000;

export class ItemService {
  private readonly known = new Set<string>();

  constructor(private readonly store: Store) {}

  async create(definition: ItemDefinition): Promise<{ item: StoredItem; created: boolean }> {
    return this.store.saveItem({ id: itemId(definition), definition, createdAt: new Date().toISOString() });
  }

  async get(id: string): Promise<StoredItem> {
    const item = (await this.store.getItems([id])).get(id);
    if (!item) throw new HoardError("ITEM_NOT_FOUND", undefined, { details: { id } });
    return item;
  }

  async list(page: { after?: string | undefined; limit?: number | undefined }) {
    const limit = page.limit ?? 100;
    const items = await this.store.listItems({ after: page.after, limit });
    return { items, next: items.length === limit ? (items.at(-1)?.id ?? null) : null };
  }

  /** Throws ITEM_NOT_FOUND naming every id that is not defined. */
  async requireDefined(ids: readonly string[]): Promise<void> {
    const unknown = ids.filter((id) => !this.known.has(id));
    if (unknown.length === 0) return;
    const found = await this.store.getItems(unknown);
    const missing = unknown.filter((id) => !found.has(id));
    if (missing.length > 0) throw new HoardError("ITEM_NOT_FOUND", `unknown item ${missing.join(", ")}`, { details: { missing } });
    if (this.known.size + unknown.length > KNOWN_IDS) this.known.clear();
    for (const id of unknown) this.known.add(id);
  }

  async putKit(kit: Kit): Promise<Kit> {
    if (kit.name === RANDOM_CLASS) throw new HoardError("KIT_NAME_RESERVED", undefined, { details: { name: kit.name } });
    await this.requireDefined([...new Set((kit.items ?? []).map((item) => item.itemId))]);
    if (kit.loot !== undefined && !(await this.store.lootTables.get([kit.loot])).has(kit.loot)) {
      throw new HoardError("LOOT_TABLE_NOT_FOUND", `unknown loot table ${kit.loot}`, { details: { id: kit.loot } });
    }
    await this.store.saveKit(kit);
    return kit;
  }

  async getKit(name: string): Promise<Kit> {
    const kit = await this.store.getKit(name);
    if (!kit) throw new HoardError("KIT_NOT_FOUND", undefined, { details: { name } });
    return kit;
  }

  listKits(): Promise<Kit[]> {
    return this.store.listKits();
  }
}
