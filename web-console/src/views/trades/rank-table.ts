import "./rank-table.css";
import { flash, h, setText } from "../../lib/dom";
import { keyedList } from "../../lib/keyed";

export interface Column<T> {
  label: string;
  /** Right-aligned, tabular figures. */
  num?: boolean;
  text(row: T): string;
  /** Makes the cell a link (e.g. to the player). */
  href?(row: T): string;
}

export interface RankTable<T> {
  readonly el: HTMLElement;
  set(rows: readonly T[]): void;
}

/**
 * A compact ranked table for the economy answers: rows keyed (a player or an item keeps its row
 * as the ranking moves), figures that changed since the last read flash.
 */
export function rankTable<T>(options: {
  title: string;
  testId: string;
  key(row: T): string;
  columns: Column<T>[];
  empty: string;
}): RankTable<T> {
  const body = h("tbody");
  const empty = h("p", { class: "muted small", hidden: true }, options.empty);
  const changed: Element[] = [];
  const rows = keyedList<T>(body, {
    key: options.key,
    create: () =>
      h(
        "tr",
        null,
        options.columns.map((column) => h("td", column.num ? { class: "num" } : null, column.href ? h("a", { href: "#" }) : null)),
      ),
    update: (tr, row) => {
      tr.dataset.key = options.key(row);
      options.columns.forEach((column, i) => {
        const cell = tr.children[i];
        if (!cell) return;
        const target = column.href ? (cell.firstElementChild as HTMLAnchorElement) : cell;
        if (column.href) target.setAttribute("href", column.href(row));
        const text = column.text(row);
        if (target.textContent !== text && target.textContent !== "" && column.num) changed.push(cell);
        setText(target, text);
      });
    },
  });
  const el = h(
    "section",
    { class: "card rank" },
    h("h3", null, options.title),
    h(
      "table",
      { class: "rank-table", "data-testid": options.testId },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          options.columns.map((column) => h("th", column.num ? { class: "num" } : null, column.label)),
        ),
      ),
      body,
    ),
    empty,
  );
  return {
    el,
    set(next) {
      rows.set(next);
      empty.hidden = next.length > 0;
      flash(changed.splice(0));
    },
  };
}
