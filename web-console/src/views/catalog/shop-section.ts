import type { ShopOffer } from "@hoard/client-sdk";
import { askToConfirm } from "../../lib/confirm";
import { h, replaceChildren } from "../../lib/dom";
import { formatNumber } from "../../lib/format";
import type { ViewContext } from "../../view";
import { endSaleConfirmation, priceConfirmation, priceInput, utc } from "./catalog-model";
import { catalogTable } from "./catalog-table";
import type { ItemBook } from "./catalog-view";
import { itemSelect } from "./item-select";
import { readAll, sectionLoad } from "./read-all";

/**
 * The shop catalog: every price, its sale and what it costs now. An admin sets a price (with
 * or without a sale), edits one, ends a sale or removes an entry, each after a confirmation
 * that names the item and the amounts.
 */
export function shopSection(ctx: ViewContext, book: ItemBook): { el: HTMLElement } {
  const body = h("tbody");
  const problem = h("div");
  const review = h("div", { class: "action-review", hidden: true });
  const outcome = h("div", { "aria-live": "polite" });
  let entries: ShopOffer[] = [];
  const keyOf = (entry: { itemId: string; currency: string }) => `${entry.itemId}/${entry.currency}`;

  const load = sectionLoad(
    problem,
    () =>
      readAll(
        (page) => ctx.hoard.shop.list(page),
        (answer) => answer.entries,
      ),
    (read) => {
      entries = read;
      draw();
    },
  );

  const act = (question: string, run: () => Promise<unknown>, done: string) =>
    askToConfirm(review, outcome, {
      question,
      testId: "shop",
      run: async () => {
        await run();
        await load();
        return done;
      },
    });

  const form = ctx.canAct ? priceForm() : undefined;
  function draw(): void {
    const sorted = [...entries].sort(
      (a, b) => book.name(a.itemId).localeCompare(book.name(b.itemId)) || a.currency.localeCompare(b.currency),
    );
    replaceChildren(
      body,
      sorted.map((entry) => {
        const name = book.name(entry.itemId);
        const actions = ctx.canAct
          ? h(
              "td",
              { class: "row-actions" },
              h("button", { type: "button", class: "link", onclick: () => form?.edit(entry) }, "Edit"),
              entry.sale
                ? h(
                    "button",
                    {
                      type: "button",
                      class: "link",
                      "data-testid": "end-sale",
                      onclick: () =>
                        act(
                          endSaleConfirmation(entry, name),
                          () => ctx.hoard.shop.put({ itemId: entry.itemId, currency: entry.currency, price: entry.price }),
                          `The sale of ${name} ended.`,
                        ),
                    },
                    "End sale",
                  )
                : null,
              h(
                "button",
                {
                  type: "button",
                  class: "link",
                  onclick: () =>
                    act(
                      `Remove ${name} (${entry.currency}) from the shop? Carts holding it can no longer check it out.`,
                      () => ctx.hoard.shop.remove(entry.itemId, entry.currency),
                      `${name} removed from the shop.`,
                    ),
                },
                "Remove",
              ),
            )
          : null;
        return h(
          "tr",
          { "data-offer": keyOf(entry) },
          h("td", { class: "item" }, name),
          h("td", null, entry.currency),
          h("td", { class: "num" }, formatNumber(entry.price)),
          h("td", { "data-testid": "sale" }, entry.sale ? `${formatNumber(entry.sale.price)} until ${utc(entry.sale.expiresAt)}` : "—"),
          h(
            "td",
            { class: "num", "data-testid": "now" },
            `${formatNumber(entry.current.price)}${entry.current.specialSale ? " (sale)" : ""}`,
          ),
          actions,
        );
      }),
    );
  }

  function priceForm() {
    const item = itemSelect(book);
    const currency = h("input", { name: "currency", value: "gold", autocomplete: "off" });
    const price = h("input", { name: "price", inputmode: "numeric", autocomplete: "off" });
    const salePrice = h("input", { name: "salePrice", inputmode: "numeric", autocomplete: "off", placeholder: "none" });
    const saleEnds = h("input", { name: "saleEnds", type: "datetime-local" });
    const el = h(
      "form",
      {
        class: "catalog-form",
        "data-testid": "price-form",
        onsubmit: (event: Event) => {
          event.preventDefault();
          const made = priceInput({
            itemId: item.value,
            currency: currency.value.trim(),
            price: price.value,
            salePrice: salePrice.value,
            saleEnds: saleEnds.value,
          });
          if ("problem" in made) {
            replaceChildren(outcome, h("div", { class: "error-box", role: "alert" }, made.problem));
            return;
          }
          const before = entries.find((entry) => keyOf(entry) === keyOf(made));
          const name = book.name(made.itemId);
          act(
            priceConfirmation(made, before, name),
            () => ctx.hoard.shop.put(made),
            `${name} now costs ${formatNumber(made.price)} ${made.currency}.`,
          );
        },
      },
      h("label", null, "Item", item),
      h("label", null, "Currency", currency),
      h("label", null, "Price", price),
      h("label", null, "Sale price", salePrice),
      h("label", null, "Sale ends (your time)", saleEnds),
      h("button", { type: "submit", class: "primary" }, "Review…"),
    );
    return {
      el,
      edit(entry: ShopOffer) {
        item.value = entry.itemId;
        currency.value = entry.currency;
        price.value = String(entry.price);
        salePrice.value = entry.sale ? String(entry.sale.price) : "";
        saleEnds.value = entry.sale ? localInput(entry.sale.expiresAt) : "";
        price.focus();
      },
    };
  }

  book.onChange(draw);
  void load();
  const heads = ["Item", "Currency", "Price", "Sale", "Now", ...(ctx.canAct ? [""] : [])];
  return {
    el: h(
      "section",
      { class: "card", "data-testid": "shop-section" },
      h("h3", null, "Shop prices and sales"),
      problem,
      catalogTable(heads, body, [2, 4]),
      form?.el,
      review,
      outcome,
    ),
  };
}

/** An ISO time as a datetime-local value in the browser's time zone. */
function localInput(iso: string): string {
  const at = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}
