import "./catalog.css";
import type { StoredItem } from "@hoard/client-sdk";
import { errorBox, h, replaceChildren } from "../../lib/dom";
import type { ConsoleView } from "../../view";
import { itemsSection } from "./items-section";
import { kitsSection } from "./kits-section";
import { lootSection } from "./loot-section";
import { readAll } from "./read-all";
import { shopSection } from "./shop-section";
import { supplySection } from "./supply-section";

/** The item definitions every section of the page names and picks from, loaded once per visit. */
export interface ItemBook {
  readonly items: readonly StoredItem[];
  name(itemId: string): string;
  /** An item by its exact id, or by its name when exactly one definition has it (ignoring case). */
  idOf(nameOrId: string): string | undefined;
  /** Reloads (after a definition was created) and tells the sections. */
  reload(): Promise<void>;
  onChange(listener: () => void): void;
}

/**
 * `#/catalog`: item definitions (search by name), kits, the shop's prices and sales, limited
 * supplies and loot tables. An admin creates definitions, puts kits, sets prices, sales and
 * supplies here, each after a confirmation naming what changes; a viewer sees the same page
 * without a single button.
 */
export const catalogView: ConsoleView = {
  id: "catalog",
  title: "Catalog",
  summary: "Item definitions, kits, the shop's prices, sales and limited supplies, and loot tables.",
  mount(host, ctx) {
    const problem = h("div");
    const listeners: Array<() => void> = [];
    let closed = false;
    const book: ItemBook = {
      items: [],
      name(itemId) {
        return this.items.find((item) => item.id === itemId)?.definition.name ?? `${itemId.slice(0, 8)}…`;
      },
      idOf(nameOrId) {
        const text = nameOrId.trim();
        if (this.items.some((item) => item.id === text)) return text;
        const named = this.items.filter((item) => item.definition.name.toLowerCase() === text.toLowerCase());
        return named.length === 1 ? named[0]?.id : undefined;
      },
      async reload() {
        try {
          const items = await readAll(
            (page) => ctx.hoard.items.list(page),
            (answer) => answer.items,
          );
          if (closed) return;
          (this as { items: readonly StoredItem[] }).items = items;
          problem.replaceChildren();
          for (const listener of listeners) listener();
        } catch (error) {
          if (!closed) replaceChildren(problem, errorBox(error));
        }
      },
      onChange(listener) {
        listeners.push(listener);
      },
    };
    const sections = [
      itemsSection(ctx, book),
      kitsSection(ctx, book),
      shopSection(ctx, book),
      supplySection(ctx, book),
      lootSection(ctx, book),
    ];
    host.append(
      problem,
      h(
        "div",
        { class: "catalog-layout" },
        sections.map((section) => section.el),
      ),
    );
    void book.reload();
    return {
      unmount() {
        closed = true;
      },
    };
  },
};
