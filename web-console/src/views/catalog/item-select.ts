import { h, replaceChildren } from "../../lib/dom";
import type { ItemBook } from "./catalog-view";

/** A form's item picker: every definition of the book by name (and short id), kept up to date when the book reloads. */
export function itemSelect(book: ItemBook): HTMLSelectElement {
  const select = h("select", { name: "itemId" });
  book.onChange(() => {
    const chosen = select.value;
    replaceChildren(
      select,
      [...book.items]
        .sort((a, b) => a.definition.name.localeCompare(b.definition.name))
        .map((stored) => h("option", { value: stored.id }, `${stored.definition.name} (${stored.id.slice(0, 8)})`)),
    );
    if (chosen) select.value = chosen;
  });
  return select;
}
