import { errorBox, h, replaceChildren } from "../../lib/dom";
import { formatNumber, shortId, timeAgo } from "../../lib/format";
import type { ViewContext } from "../../view";
import { filterItems } from "./catalog-model";
import { catalogTable } from "./catalog-table";
import type { ItemBook } from "./catalog-view";

/** Item definitions, searched by name; an admin adds one (immutable and idempotent: no confirmation needed). */
export function itemsSection(ctx: ViewContext, book: ItemBook): { el: HTMLElement } {
  const search = h("input", { type: "search", id: "item-search", placeholder: "Name contains…", autocomplete: "off" });
  const status = h("p", { class: "muted small", role: "status", "data-testid": "items-status" });
  const body = h("tbody");
  const draw = () => {
    const shown = filterItems(book.items, search.value);
    replaceChildren(
      body,
      shown
        .slice(0, 200)
        .map((item) =>
          h(
            "tr",
            { "data-item-row": item.id },
            h("td", { class: "item" }, item.definition.name),
            h("td", null, item.definition.kind ?? "—"),
            h("td", { class: "num" }, item.definition.value === undefined ? "—" : formatNumber(item.definition.value)),
            h("td", null, h("code", { title: item.id }, shortId(item.id, 12))),
            h("td", { title: item.createdAt }, timeAgo(item.createdAt)),
          ),
        ),
    );
    status.textContent = `${shown.length} of ${book.items.length} definitions${shown.length > 200 ? " (first 200 shown)" : ""}`;
  };
  search.addEventListener("input", draw);
  book.onChange(draw);

  const outcome = h("div", { "aria-live": "polite" });
  const form = ctx.canAct ? createForm(ctx, book, outcome) : null;
  const el = h(
    "section",
    { class: "card", "data-testid": "items-section" },
    h("h3", null, "Item definitions"),
    h("label", { for: "item-search", class: "sr-only" }, "Search item definitions by name"),
    search,
    status,
    catalogTable(["Name", "Kind", "Value", "Id (SHA-256)", "Created"], body, [2]),
    form,
    outcome,
  );
  return { el };
}

function createForm(ctx: ViewContext, book: ItemBook, outcome: HTMLElement): HTMLElement {
  const name = h("input", { name: "name", maxlength: 128, required: true, autocomplete: "off" });
  const kind = h("input", { name: "kind", maxlength: 64, autocomplete: "off" });
  const value = h("input", { name: "value", inputmode: "numeric", autocomplete: "off" });
  return h(
    "form",
    {
      class: "catalog-form",
      "data-testid": "item-create",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const worth = value.value.trim() === "" ? undefined : Number(value.value);
        if (worth !== undefined && !(Number.isFinite(worth) && worth >= 0)) {
          replaceChildren(outcome, h("div", { class: "error-box", role: "alert" }, "The value must be a number ≥ 0."));
          return;
        }
        try {
          const { item, created } = await ctx.hoard.items.create({
            name: name.value.trim(),
            ...(kind.value.trim() ? { kind: kind.value.trim() } : {}),
            ...(worth === undefined ? {} : { value: worth }),
          });
          replaceChildren(
            outcome,
            h(
              "p",
              { class: "muted small", role: "status" },
              `${created ? "Created" : "Already defined (same definition, same id)"}: ${item.definition.name} ${shortId(item.id, 12)}.`,
            ),
          );
          await book.reload();
        } catch (error) {
          replaceChildren(outcome, errorBox(error));
        }
      },
    },
    h("label", null, "Name", name),
    h("label", null, "Kind", kind),
    h("label", null, "Value", value),
    h("button", { type: "submit", class: "primary" }, "Add definition"),
  );
}
