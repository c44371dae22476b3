import type { HoardClient } from "@hoard/client-sdk";
import { askToConfirm } from "../../lib/confirm";
import { errorBox, flash, h, replaceChildren, setText } from "../../lib/dom";
import { formatNumber } from "../../lib/format";
import { type KeyedList, keyedList } from "../../lib/keyed";
import { type CellAction, cellActionLabels, cellActions, cellChange, cellConfirmation } from "./cell-actions-model";

/**
 * The partitions of one key's day (`stock.read` of that day), shown when the operator clicks a
 * cell and read again whenever a change of that key covers the day. An admin adjusts that day
 * from here (acquire, sell, set partitions) after a confirmation naming the key, day and units.
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
  private partitions: Record<string, number> = {};
  private request = 0;

  constructor(
    private readonly hoard: HoardClient,
    canAct = false,
  ) {
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
      canAct ? this.actions() : null,
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
      this.partitions = { ...(day?.partitions ?? {}) };
      const partitions = Object.entries(this.partitions).sort(([a], [b]) => a.localeCompare(b));
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

  /** The admin's adjustments of the selected day; the grid and this panel follow from the pushes. */
  private actions(): HTMLElement {
    const kind = h(
      "select",
      { name: "stock-action", "data-testid": "stock-action" },
      cellActions.map((action) => h("option", { value: action }, cellActionLabels[action])),
    );
    const amount = h("input", { name: "amount", inputmode: "numeric", autocomplete: "off", placeholder: "units" });
    const partition = h("input", { name: "partition", autocomplete: "off", placeholder: "default" });
    const partitions = h("input", { name: "partitions", autocomplete: "off", placeholder: "p0=5 p1=3" });
    const review = h("div", { class: "action-review", hidden: true });
    const outcome = h("div", { "aria-live": "polite" });
    const fields = () => {
      const setting = kind.value === "setPartitions";
      for (const input of [amount, partition]) (input.parentElement as HTMLElement).hidden = setting;
      (partitions.parentElement as HTMLElement).hidden = !setting;
      if (setting && partitions.value === "")
        partitions.value = Object.entries(this.partitions)
          .map(([name, count]) => `${name}=${count}`)
          .join(" ");
    };
    kind.addEventListener("change", fields);
    const form = h(
      "form",
      {
        class: "stock-actions",
        "data-testid": "stock-actions",
        onsubmit: (event: Event) => {
          event.preventDefault();
          const selected = this.selected;
          if (!selected) return;
          const made = cellChange(kind.value as CellAction, {
            amount: amount.value,
            partition: partition.value,
            partitions: partitions.value,
          });
          if ("problem" in made) {
            replaceChildren(outcome, h("div", { class: "error-box", role: "alert" }, made.problem));
            return;
          }
          const { key, day } = selected;
          const range = { from: day, to: day };
          const change = made.change;
          askToConfirm(review, outcome, {
            question: cellConfirmation(key, day, change, this.partitions),
            testId: "stock",
            run: async () => {
              const done =
                change.type === "setPartitions"
                  ? await this.hoard.stock.setPartitions(key, { ...range, partitions: change.partitions })
                  : change.type === "acquire"
                    ? await this.hoard.stock.acquire(key, {
                        ...range,
                        amount: change.amount,
                        ...(change.partition ? { partition: change.partition } : {}),
                      })
                    : await this.hoard.stock.sell(key, {
                        ...range,
                        amount: change.amount,
                        ...(change.partition ? { partition: change.partition } : {}),
                      });
              return `Done: ${key} is at version ${done.version}.`;
            },
          });
        },
      },
      h("label", null, h("span", null, "Adjust this day"), kind),
      h("label", null, h("span", null, "Units"), amount),
      h("label", null, h("span", null, "Partition"), partition),
      h("label", { hidden: true }, h("span", null, "Partitions"), partitions),
      h("button", { type: "submit", class: "primary" }, "Review…"),
    );
    return h("div", { class: "stock-adjust" }, form, review, outcome);
  }
}
