import type { Kit } from "@hoard/client-sdk";
import { askToConfirm } from "../../lib/confirm";
import { h, replaceChildren } from "../../lib/dom";
import { formatNumber } from "../../lib/format";
import type { ViewContext } from "../../view";
import { kitConfirmation, kitItemsText, parseCurrencies, parseKitItems } from "./catalog-model";
import { catalogTable } from "./catalog-table";
import type { ItemBook } from "./catalog-view";
import { sectionLoad } from "./read-all";

/** Kits (what players of a class start with); an admin creates or replaces one after a confirmation. */
export function kitsSection(ctx: ViewContext, book: ItemBook): { el: HTMLElement } {
  const body = h("tbody");
  const problem = h("div");
  let kits: Kit[] = [];
  const form = ctx.canAct
    ? kitForm(
        ctx,
        book,
        () => kits,
        () => load(),
      )
    : undefined;
  const draw = () =>
    replaceChildren(
      body,
      kits.map((kit) =>
        h(
          "tr",
          { "data-kit": kit.name },
          h("td", null, kit.name),
          h("td", null, kit.starter ? "starter" : "—"),
          h(
            "td",
            null,
            Object.entries(kit.currencies ?? {})
              .map(([currency, amount]) => `${formatNumber(amount)} ${currency}`)
              .join(", ") || "—",
          ),
          h(
            "td",
            null,
            (kit.items ?? []).map((line) => `${formatNumber(line.quantity)} × ${book.name(line.itemId)} → ${line.category}`).join("; ") ||
              "—",
          ),
          form
            ? h("td", { class: "row-actions" }, h("button", { type: "button", class: "link", onclick: () => form.edit(kit) }, "Edit"))
            : null,
        ),
      ),
    );
  const load = sectionLoad(
    problem,
    async () => (await ctx.hoard.kits.list()).kits,
    (read) => {
      kits = read;
      draw();
    },
  );
  book.onChange(draw);
  void load();
  const heads = ["Kit", "Class", "Currencies", "Items", ...(form ? [""] : [])];
  return {
    el: h("section", { class: "card", "data-testid": "kits-section" }, h("h3", null, "Kits"), problem, catalogTable(heads, body), form?.el),
  };
}

function kitForm(ctx: ViewContext, book: ItemBook, current: () => Kit[], reload: () => Promise<void>) {
  const name = h("input", { name: "kit", placeholder: "warrior", autocomplete: "off" });
  const starter = h("input", { type: "checkbox", name: "starter" });
  const currencies = h("input", { name: "currencies", placeholder: "gold=100 gems=5", autocomplete: "off" });
  const items = h("textarea", { name: "items", placeholder: "bag 3 Potion\nequipment.weapons 1 Sword" });
  const review = h("div", { class: "action-review", hidden: true });
  const outcome = h("div", { "aria-live": "polite" });
  const fail = (text: string) => replaceChildren(outcome, h("div", { class: "error-box", role: "alert" }, text));
  const el = h(
    "div",
    null,
    h(
      "form",
      {
        class: "catalog-form",
        "data-testid": "kit-form",
        onsubmit: (event: Event) => {
          event.preventDefault();
          const kitName = name.value.trim();
          if (!/^[a-z][a-z0-9_]{0,31}$/.test(kitName)) return fail("The kit's name is a lower-case name, e.g. warrior.");
          const money = parseCurrencies(currencies.value);
          if ("problem" in money) return fail(money.problem);
          const lines = parseKitItems(items.value, (text) => book.idOf(text));
          if ("problem" in lines) return fail(lines.problem);
          const kit: Kit = {
            name: kitName,
            ...(starter.checked ? { starter: true } : {}),
            ...(Object.keys(money.currencies).length ? { currencies: money.currencies } : {}),
            ...(lines.length ? { items: lines } : {}),
          };
          const exists = current().some((known) => known.name === kitName);
          askToConfirm(review, outcome, {
            question: kitConfirmation(kit, (id) => book.name(id), exists),
            detail: "Players created with this class from now on get it; players created before keep what they got.",
            testId: "kit",
            run: async () => {
              await ctx.hoard.kits.put(kit);
              await reload();
              return `Kit ${kit.name} saved.`;
            },
          });
        },
      },
      h("label", null, "Kit", name),
      h("label", null, h("span", null, "Starter (players may pick it)"), starter),
      h("label", null, "Currencies", currencies),
      h("label", null, "Items, one a line: category quantity item", items),
      h("button", { type: "submit", class: "primary" }, "Review…"),
    ),
    review,
    outcome,
  );
  return {
    el,
    edit(kit: Kit) {
      name.value = kit.name;
      starter.checked = kit.starter === true;
      currencies.value = Object.entries(kit.currencies ?? {})
        .map(([currency, amount]) => `${currency}=${amount}`)
        .join(" ");
      // A name that names one definition reads better; otherwise the id is what identifies it.
      items.value = kitItemsText(kit, (id) => (book.idOf(book.name(id)) === id ? book.name(id) : id));
      name.focus();
    },
  };
}
