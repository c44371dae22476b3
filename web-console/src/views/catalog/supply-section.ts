import type { ShopSupply } from "@hoard/client-sdk";
import { askToConfirm } from "../../lib/confirm";
import { h, replaceChildren } from "../../lib/dom";
import { formatNumber } from "../../lib/format";
import type { ViewContext } from "../../view";
import { supplyConfirmation, supplyInput, supplyText } from "./catalog-model";
import { catalogTable } from "./catalog-table";
import type { ItemBook } from "./catalog-view";
import { itemSelect } from "./item-select";
import { readAll, sectionLoad } from "./read-all";

/**
 * Limited items: how many units the shop sells of each in all, how many carts hold, how many
 * were sold and what is left. An admin sets or lifts an item's supply after a confirmation that
 * names the item, the old and new supply and what is held and sold.
 */
export function supplySection(ctx: ViewContext, book: ItemBook): { el: HTMLElement } {
  const body = h("tbody");
  const problem = h("div");
  const none = h("p", { class: "muted small", hidden: true }, "No item has a limited supply.");
  const review = h("div", { class: "action-review", hidden: true });
  const outcome = h("div", { "aria-live": "polite" });
  let supplies: ShopSupply[] = [];

  const load = sectionLoad(
    problem,
    () =>
      readAll(
        (page) => ctx.hoard.shop.supplies(page),
        (answer) => answer.supplies,
      ),
    (read) => {
      supplies = read;
      draw();
    },
  );

  const form = ctx.canAct ? supplyForm() : undefined;
  function draw(): void {
    const sorted = [...supplies].sort((a, b) => book.name(a.itemId).localeCompare(book.name(b.itemId)) || a.itemId.localeCompare(b.itemId));
    none.hidden = sorted.length > 0;
    replaceChildren(
      body,
      sorted.map((entry) =>
        h(
          "tr",
          { "data-supply": entry.itemId },
          h("td", { class: "item" }, book.name(entry.itemId)),
          h("td", { class: "num", "data-testid": "supply" }, supplyText(entry.supply)),
          h("td", { class: "num", "data-testid": "held" }, formatNumber(entry.held)),
          h("td", { class: "num", "data-testid": "sold" }, formatNumber(entry.sold)),
          h("td", { class: "num", "data-testid": "available" }, supplyText(entry.available)),
          form
            ? h("td", { class: "row-actions" }, h("button", { type: "button", class: "link", onclick: () => form.edit(entry) }, "Edit"))
            : null,
        ),
      ),
    );
  }

  function supplyForm() {
    const item = itemSelect(book);
    const units = h("input", { name: "supply", inputmode: "numeric", autocomplete: "off", placeholder: "unlimited" });
    const el = h(
      "form",
      {
        class: "catalog-form",
        "data-testid": "supply-form",
        onsubmit: (event: Event) => {
          event.preventDefault();
          const made = supplyInput({ itemId: item.value, supply: units.value });
          if ("problem" in made) {
            replaceChildren(outcome, h("div", { class: "error-box", role: "alert" }, made.problem));
            return;
          }
          const name = book.name(made.itemId);
          askToConfirm(review, outcome, {
            question: supplyConfirmation(
              made,
              supplies.find((entry) => entry.itemId === made.itemId),
              name,
            ),
            detail: "What carts hold stays held (and sells at their checkout); every other sale comes from what is left.",
            testId: "supply",
            run: async () => {
              const { supply } = await ctx.hoard.shop.supply(made.itemId, made.supply);
              await load();
              return supply.supply === null
                ? `${name} is no longer limited.`
                : `${name}: ${formatNumber(supply.supply)} in all, ${supplyText(supply.available)} left.`;
            },
          });
        },
      },
      h("label", null, "Item", item),
      h("label", null, "Supply in all (empty: unlimited)", units),
      h("button", { type: "submit", class: "primary" }, "Review…"),
    );
    return {
      el,
      edit(entry: ShopSupply) {
        item.value = entry.itemId;
        units.value = entry.supply === null ? "" : String(entry.supply);
        units.focus();
      },
    };
  }

  book.onChange(draw);
  void load();
  const heads = ["Item", "Supply", "Held", "Sold", "Available", ...(form ? [""] : [])];
  return {
    el: h(
      "section",
      { class: "card", "data-testid": "supply-section" },
      h("h3", null, "Limited supply"),
      problem,
      catalogTable(heads, body, [1, 2, 3, 4]),
      none,
      form?.el,
      review,
      outcome,
    ),
  };
}
