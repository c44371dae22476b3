import { randomBytes } from "node:crypto";
import {
  type AppliedOp,
  type ClassPickedOp,
  type EventOutput,
  HoardError,
  type InventoryOp,
  LOOT_LIMITS,
  type LootDrawnOp,
  type LootTable,
  type ParsedInput,
  type StoredLootTable,
} from "@hoard/protocol";
import type { ItemService } from "../items/service";
import { canonicalJson } from "../lib/canonical";
import type { Store } from "../store/port";
import { checkLootTable, drawLoot, lootTableId, nestedTableIds, pickClass } from "./rules";

/** How many tables (each with the tables below it) are kept parsed and checked: they never change. */
const CACHED_TREES = 10_000;

/** Loot tables: define (checked), read, draw for an inventory batch, and replay a logged draw. */
export class LootService {
  /** A root table's id → it and every table below it, checked. */
  private readonly trees = new Map<string, ReadonlyMap<string, LootTable>>();

  constructor(private readonly deps: { store: Store; items: ItemService }) {}

  async create(table: LootTable): Promise<EventOutput<"loot:create">> {
    const id = lootTableId(table);
    await this.loadTree(id, table);
    const items = [...(table.guaranteed ?? []), ...table.entries].flatMap((reward) => (reward.type === "item" ? [reward.itemId] : []));
    await this.deps.items.requireDefined([...new Set(items)]);
    const saved = await this.deps.store.lootTables.save({ id, definition: table, createdAt: new Date().toISOString() });
    return { table: saved.table, created: saved.created };
  }

  async get(id: string): Promise<StoredLootTable> {
    const table = (await this.deps.store.lootTables.get([id])).get(id);
    if (!table) throw new HoardError("LOOT_TABLE_NOT_FOUND", undefined, { details: { id } });
    return table;
  }

  async list(page: ParsedInput<"loot:list">): Promise<EventOutput<"loot:list">> {
    const limit = page.limit ?? 100;
    const tables = await this.deps.store.lootTables.list({ after: page.after, limit });
    return { tables, next: tables.length === limit ? (tables.at(-1)?.id ?? null) : null };
  }

  /**
   * Resolves a batch before its commit: every `grantLoot` becomes its `lootDrawn` record, drawn
   * here with a fresh seed from the node's CSPRNG (the caller never supplies nor sees it first).
   * Drawn once per request, outside the transaction, so an engine's retry of the commit applies
   * the same outcome. Other ops pass through as they are.
   */
  async draw(ops: readonly InventoryOp[]): Promise<{ ops: AppliedOp[]; draws: LootDrawnOp[] }> {
    const grants = ops.filter((op) => op.type === "grantLoot");
    if (grants.length === 0) return { ops: [...ops], draws: [] };
    if (grants.length > LOOT_LIMITS.grantsPerBatch) {
      throw new HoardError("LOOT_BATCH_TOO_LARGE", `a batch draws from at most ${LOOT_LIMITS.grantsPerBatch} loot tables`, {
        details: { limit: LOOT_LIMITS.grantsPerBatch, count: grants.length },
      });
    }
    const draws: LootDrawnOp[] = [];
    const logged: AppliedOp[] = [];
    for (const op of ops) {
      if (op.type !== "grantLoot") {
        logged.push(op);
        continue;
      }
      const seed = newSeed();
      const drawn: LootDrawnOp = {
        type: "lootDrawn",
        tableId: op.tableId,
        seed,
        outcome: drawLoot(op.tableId, await this.treeOf(op.tableId), seed),
      };
      draws.push(drawn);
      logged.push(drawn);
    }
    return { ops: logged, draws };
  }

  /** A random class among the starter kits' names (sorted), from a fresh seed, as the op log records it. */
  pickClass(starters: readonly string[]): ClassPickedOp {
    const seed = newSeed();
    return { type: "classPicked", class: pickClass(starters, seed), seed, starters: [...starters] };
  }

  /** Draws again from the table and seed of every `lootDrawn` op of one op log entry, and compares with what was logged. */
  async replay(input: ParsedInput<"loot:replay">): Promise<EventOutput<"loot:replay">> {
    const { playerId, version } = input;
    const [entry] = await this.deps.store.readHistory(playerId, { sinceVersion: version - 1, limit: 1 });
    if (entry?.version !== version) {
      throw new HoardError("INVENTORY_ENTRY_NOT_FOUND", `${playerId} has no version ${version}`, { details: { playerId, version } });
    }
    const logged = entry.ops.filter((op) => op.type === "lootDrawn");
    const picked = entry.ops.find((op) => op.type === "classPicked");
    if (logged.length === 0 && !picked)
      throw new HoardError("LOOT_NO_DRAW", undefined, { details: { playerId, version, kind: entry.kind } });
    const draws = [];
    for (const op of logged) {
      const replayed = drawLoot(op.tableId, await this.treeOf(op.tableId), op.seed);
      draws.push({
        tableId: op.tableId,
        seed: op.seed,
        logged: op.outcome,
        replayed,
        matches: canonicalJson(replayed) === canonicalJson(op.outcome),
      });
    }
    let classPick: EventOutput<"loot:replay">["classPick"];
    if (picked) {
      const replayed = pickClass(picked.starters, picked.seed);
      classPick = { seed: picked.seed, starters: picked.starters, logged: picked.class, replayed, matches: replayed === picked.class };
    }
    const matches = draws.every((draw) => draw.matches) && (classPick?.matches ?? true);
    return { playerId, version, matches, draws, ...(classPick ? { classPick } : {}) };
  }

  /** A stored table and every table below it, checked, from memory after the first time. */
  private async treeOf(id: string): Promise<ReadonlyMap<string, LootTable>> {
    const cached = this.trees.get(id);
    if (cached) return cached;
    const tree = await this.loadTree(id, (await this.get(id)).definition);
    if (this.trees.size >= CACHED_TREES) this.trees.clear();
    this.trees.set(id, tree);
    return tree;
  }

  /** The table and every table below it, read level by level (at most LOOT_LIMITS.depth + 1 reads), then checked. */
  private async loadTree(id: string, root: LootTable): Promise<ReadonlyMap<string, LootTable>> {
    const tree = new Map<string, LootTable>([[id, root]]);
    let level = nestedTableIds(root);
    for (let depth = 0; level.length > 0 && depth <= LOOT_LIMITS.depth; depth++) {
      const wanted = level.filter((nested) => !tree.has(nested));
      const found = wanted.length === 0 ? new Map<string, StoredLootTable>() : await this.deps.store.lootTables.get(wanted);
      for (const [nested, stored] of found) tree.set(nested, stored.definition);
      level = [...found.values()].flatMap((stored) => nestedTableIds(stored.definition));
    }
    checkLootTable(root, tree);
    return tree;
  }
}

/** A draw's seed: 128 bits from the node's CSPRNG, made at the moment of the draw. */
function newSeed(): string {
  return randomBytes(16).toString("hex");
}
