import type { HoardClient } from "@hoard/client-sdk";
import { errorBox, flash, h, replaceChildren, setText } from "../../lib/dom";
import { formatNumber } from "../../lib/format";
import { type KeyedList, keyedList } from "../../lib/keyed";

/**
 * The partitions of one key's day (`stock.read` of that day), shown when the operator clicks a
 * cell and read again whenever a change of that key covers the day.
 */
export class CellDetail {
  readonly el: HTMLElement;
  private readonly title = h("h4", { class: "detail-key" });
  private readonly meta = h("p", { class: "muted small" });
  private readonly total = h("strong", { "data-testid": "detail-total" });
  private readonly body = h("tbody");
  /** Partition, count, and the largest count of the day (the bar scale). */
  private readonly rows: KeyedList<[string, number, number]>;
  private readonly problem = h("div");
  private readonly content: HTMLElement;
  private readonly placeholder = h("p", { class: "muted" }, "Click a cell to see its partitions.");
  private selected: { key: string; day: string } | undefined;
  private request = 0;

  constructor(private readonly hoard: HoardClient) {
    this.rows = keyedList<[string, number, number]>(this.body, {
      key: ([name]) => name,
      create: ([name]) =>
        h(
          "tr",
          { "data-partition": name },
          h("td", { class: "partition" }, name),
          h("td", { class: "num count" }),
          h("td", { class: "share-cell" }, h("span", { class: "share-bar" })),
        ),
      update: (tr, [, count, max]) => {
        const cell = tr.querySelector(".count") as Element;
        if (cell.textContent !== "" && cell.textContent !== formatNumber(count)) flash([tr]);
        setText(cell, formatNumber(count));
        tr.classList.toggle("negative", count < 0);
        (tr.querySelector(".share-bar") as HTMLElement).style.width = `${max > 0 ? Math.max(0, (count / max) * 100).toFixed(1) : 0}%`;
      },
    });
    this.content = h(
      "div",
      { hidden: true },
      this.title,
      this.meta,
      h("p", { class: "detail-total" }, "Total ", this.total),
      this.problem,
      h(
        "table",
        { class: "partitions", "data-testid": "partitions" },
        h(
          "thead",
          null,
          h(
            "tr",
            null,
            h("th", null, "Partition"),
            h("th", { class: "num" }, "Units"),
            h("th", null, h("span", { class: "sr-only" }, "Share")),
          ),
        ),
        this.body,
      ),
    );
    this.el = h(
      "section",
      { class: "card cell-detail", "data-testid": "cell-detail" },
      h("h3", null, "Partitions"),
      this.placeholder,
      this.content,
    );
  }

  get current(): { key: string; day: string } | undefined {
    return this.selected;
  }

  show(key: string, day: string): void {
    const same = this.selected?.key === key && this.selected.day === day;
    this.selected = { key, day };
    if (!same) {
      this.rows.set([]);
      setText(this.total, "…");
    }
    setText(this.title, key);
    this.placeholder.hidden = true;
    this.content.hidden = false;
    void this.read();
  }

  /** Reads the selected day again (a change covered it). */
  async read(): Promise<void> {
    const selected = this.selected;
    if (!selected) return;
    const mine = ++this.request;
    try {
      const reply = await this.hoard.stock.read(selected.key, { from: selected.day, to: selected.day });
      if (mine !== this.request) return;
      const day = reply.days[0];
      const partitions = Object.entries(day?.partitions ?? {}).sort(([a], [b]) => a.localeCompare(b));
      const max = Math.max(0, ...partitions.map(([, count]) => count));
      this.rows.set(partitions.map(([name, count]) => [name, count, max]));
      const total = day?.total ?? 0;
      if (this.total.textContent !== "…" && this.total.textContent !== formatNumber(total)) flash([this.total]);
      setText(this.total, formatNumber(total));
      this.total.classList.toggle("negative", total < 0);
      setText(
        this.meta,
        `${selected.day} · key version ${reply.version}${partitions.length === 0 ? " · no partitions on this day" : ` · ${partitions.length} partitions`}`,
      );
      this.problem.replaceChildren();
    } catch (error) {
      if (mine === this.request) replaceChildren(this.problem, errorBox(error));
    }
  }
}
