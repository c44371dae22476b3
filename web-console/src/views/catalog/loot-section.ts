import type { StoredLootTable } from "@hoard/client-sdk";
import { h, replaceChildren } from "../../lib/dom";
import { formatNumber, shortId } from "../../lib/format";
import type { ViewContext } from "../../view";
import { lootLines } from "./catalog-model";
import { catalogTable } from "./catalog-table";
import type { ItemBook } from "./catalog-view";
import { readAll, sectionLoad } from "./read-all";

/**
 * Loot tables, read-only: each stored table with its rolls, guaranteed rewards and weighted
 * entries (each one's chance on a roll). Tables are immutable and content-addressed, so the id
 * is the table: the short one is shown, the full one in its title.
 */
export function lootSection(ctx: ViewContext, book: ItemBook): { el: HTMLElement } {
  const body = h("tbody");
  const problem = h("div");
  const none = h("p", { class: "muted small", hidden: true }, "No loot table is defined.");
  let tables: StoredLootTable[] = [];

  function draw(): void {
    const names = new Map(tables.map((table) => [table.id, table.definition.name]));
    const sorted = [...tables].sort((a, b) => a.definition.name.localeCompare(b.definition.name) || a.id.localeCompare(b.id));
    none.hidden = sorted.length > 0;
    replaceChildren(
      body,
      sorted.map((table) =>
        h(
          "tr",
          { "data-table": table.id },
          h("td", null, h("div", { class: "item" }, table.definition.name), h("code", { title: table.id }, shortId(table.id, 12))),
          h("td", { class: "num", "data-testid": "rolls" }, formatNumber(table.definition.rolls)),
          h(
            "td",
            null,
            h(
              "ul",
              { class: "loot-lines" },
              lootLines(table.definition, { item: (id) => book.name(id), table: (id) => names.get(id) }).map((line) =>
                h(
                  "li",
                  { "data-testid": "loot-line", class: line.share === "guaranteed" ? "guaranteed" : null },
                  h("span", { class: "share" }, line.share),
                  h("span", line.tableId ? { title: line.tableId } : null, line.reward),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  const load = sectionLoad(
    problem,
    () =>
      readAll(
        (page) => ctx.hoard.loot.list(page),
        (answer) => answer.tables,
      ),
    (read) => {
      tables = read;
      draw();
    },
  );

  book.onChange(draw);
  void load();
  return {
    el: h(
      "section",
      { class: "card", "data-testid": "loot-section" },
      h("h3", null, "Loot tables"),
      problem,
      catalogTable(["Table", "Rolls", "Rewards (chance on each roll)"], body, [1]),
      none,
    ),
  };
}
