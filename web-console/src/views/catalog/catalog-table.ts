import { h } from "../../lib/dom";

/** A table of the Catalog page: titled columns (those in `numeric` right-aligned) over `body`, scrolling sideways when narrow. */
export function catalogTable(heads: readonly string[], body: HTMLElement, numeric: readonly number[] = []): HTMLElement {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "catalog-table" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          heads.map((label, i) => h("th", numeric.includes(i) ? { class: "num" } : null, label)),
        ),
      ),
      body,
    ),
  );
}
