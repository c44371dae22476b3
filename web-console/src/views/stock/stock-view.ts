import "./stock.css";
import { h, replaceChildren, setText } from "../../lib/dom";
import type { ConsoleView } from "../../view";
import { LiveStockGrid } from "./stock-grid";

const pageSize = 50;
const dayChoices = [7, 14, 28, 56, 92];
const prefixPattern = /^(?:[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?:\/[A-Za-z0-9][A-Za-z0-9_.-]{0,63}){0,7})?$/;

/**
 * `#/stock/<prefix>`: the origin's all-in-one page. Keys under a prefix × days, live, with the
 * partitions of a clicked cell and the oversells as they happen. The prefix is the route (so a
 * link opens the same grid); the first day, the span and the page are the page's own.
 */
export const stockView: ConsoleView = {
  id: "stock",
  title: "Stock",
  summary: "Units per key and day under a prefix, live: cells flash as they change, oversold days are red.",
  mount(host, ctx, params) {
    let prefix = params.join("/");
    let from = todayUtc();
    let days = 14;
    /** Cursors of the pages before the one shown (to go back). */
    let pages: (string | undefined)[] = [undefined];
    let grid: LiveStockGrid | undefined;

    const prefixInput = h("input", {
      type: "search",
      id: "stock-prefix",
      placeholder: "all keys, or e.g. acme/bolts",
      autocomplete: "off",
      spellcheck: "false",
      value: prefix,
    });
    const fromInput = h("input", { type: "date", id: "stock-from", value: from, required: true });
    const daysSelect = h(
      "select",
      { id: "stock-days" },
      dayChoices.map((n) => h("option", { value: n, ...(n === days ? { selected: true } : {}) }, `${n} days`)),
    );
    const previous = h("button", { type: "button", class: "link", disabled: true }, "‹ Previous keys");
    const next = h("button", { type: "button", class: "link", disabled: true }, "Next keys ›");
    const pageLabel = h("span", { class: "muted small" });
    const hint = h("span", { class: "muted small", role: "status" });
    const pager = h("div", { class: "pager", hidden: true }, previous, pageLabel, next);
    const gridHost = h("div");

    const open = () => {
      grid?.close();
      const after = pages.at(-1);
      grid = new LiveStockGrid(ctx, {
        prefix,
        from,
        days,
        pageSize,
        ...(after ? { after } : {}),
        onPage: (cursor, shown) => {
          next.disabled = cursor === null;
          next.dataset.cursor = cursor ?? "";
          previous.disabled = pages.length <= 1;
          // One page only: no pager at all.
          pager.hidden = previous.disabled && next.disabled;
          setText(pageLabel, `page ${pages.length} · ${shown} keys`);
        },
      });
      replaceChildren(gridHost, grid.el);
      void grid.start();
    };

    prefixInput.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      const value = prefixInput.value.trim().replace(/^\/+|\/+$/g, "");
      if (!prefixPattern.test(value)) {
        setText(hint, "A prefix is whole key segments: letters, digits, _ . -, separated by /.");
        return;
      }
      setText(hint, "");
      ctx.navigate("stock", ...(value ? value.split("/") : []));
    });
    fromInput.addEventListener("change", () => {
      if (!fromInput.value) return;
      from = fromInput.value;
      pages = [undefined];
      open();
    });
    daysSelect.addEventListener("change", () => {
      days = Number(daysSelect.value);
      open();
    });
    next.addEventListener("click", () => {
      if (!next.dataset.cursor) return;
      pages.push(next.dataset.cursor);
      open();
    });
    previous.addEventListener("click", () => {
      if (pages.length <= 1) return;
      pages.pop();
      open();
    });

    host.append(
      h(
        "div",
        { class: "stock-controls card" },
        h("label", { for: "stock-prefix" }, "Key prefix", prefixInput),
        h("label", { for: "stock-from" }, "From", fromInput),
        h("label", { for: "stock-days" }, "Span", daysSelect),
        pager,
        hint,
      ),
      gridHost,
    );
    open();

    return {
      update(nextParams) {
        const nextPrefix = nextParams.join("/");
        if (nextPrefix === prefix) return;
        prefix = nextPrefix;
        prefixInput.value = prefix;
        pages = [undefined];
        open();
      },
      unmount() {
        grid?.close();
      },
    };
  },
};

/** Today as the node counts days (UTC). */
function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}
