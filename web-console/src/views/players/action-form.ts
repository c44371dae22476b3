import type { HoardClient } from "@hoard/client-sdk";
import { askToConfirm } from "../../lib/confirm";
import { errorBox, h, replaceChildren } from "../../lib/dom";
import type { ItemNames } from "../../lib/item-names";
import {
  type ActionKind,
  actionKinds,
  actionLabels,
  actionOp,
  confirmation,
  disconnectConfirmation,
  type Field,
  type FormValues,
  fieldsOf,
} from "./actions-model";
import "./actions.css";

const fieldLabels: Record<Field, string> = {
  category: "Category",
  itemId: "Item",
  quantity: "Quantity",
  currency: "Currency",
  amount: "Amount",
  name: "Metric",
  value: "Value",
  capacity: "Capacity (empty = unlimited)",
};

/**
 * The operator's actions on one player (admin tokens only; the panel does not build it for a
 * viewer), disconnecting it included: pick an action, fill it in with a reason, review a confirmation that names the
 * player and the amounts, then confirm. The change is an ordinary commit: it shows up in the
 * history and the state through the watch, like any other.
 */
export class ActionForm {
  readonly el: HTMLElement;
  private readonly kind: HTMLSelectElement;
  private readonly inputs = new Map<Field | "reason", HTMLInputElement | HTMLSelectElement>();
  private readonly rows = new Map<Field, HTMLElement>();
  private readonly outcome = h("div", { class: "action-outcome", "aria-live": "polite" });
  private readonly review = h("div", { class: "action-review", hidden: true });
  private readonly itemSelect: HTMLSelectElement;

  constructor(private readonly options: { hoard: HoardClient; playerId: string; names: ItemNames }) {
    this.kind = h(
      "select",
      { name: "action", "data-testid": "action-kind", onchange: () => this.showFields() },
      actionKinds.map((kind) => h("option", { value: kind }, actionLabels[kind])),
    );
    this.itemSelect = h("select", { name: "itemId" });
    const fields = (Object.keys(fieldLabels) as Field[]).map((field) => {
      const input =
        field === "itemId"
          ? this.itemSelect
          : h("input", { name: field, autocomplete: "off", ...(field === "category" ? { value: "bag" } : {}) });
      this.inputs.set(field, input);
      const row = h("label", { class: "action-field" }, h("span", null, fieldLabels[field]), input);
      this.rows.set(field, row);
      return row;
    });
    const reason = h("input", {
      name: "reason",
      maxlength: 500,
      placeholder: "why (kept in the history)",
      autocomplete: "off",
    });
    this.inputs.set("reason", reason);
    const form = h(
      "form",
      {
        class: "action-form",
        "data-testid": "action-form",
        onsubmit: (event: Event) => {
          event.preventDefault();
          this.prepare();
        },
      },
      h("label", { class: "action-field" }, h("span", null, "Action"), this.kind),
      fields,
      h("label", { class: "action-field wide" }, h("span", null, "Reason"), reason),
      h("div", { class: "action-buttons" }, h("button", { type: "submit", class: "primary" }, "Review…")),
    );
    this.el = h("section", { class: "card player-actions" }, h("h3", null, "Act on ", options.playerId), form, this.review, this.outcome);
    this.showFields();
    void this.loadItems();
  }

  private showFields(): void {
    const shown = new Set(fieldsOf[this.kind.value as ActionKind]);
    for (const [field, row] of this.rows) row.hidden = !shown.has(field);
    this.review.hidden = true;
  }

  /** Item definitions to pick from, by name (the first page; the console's demo has a handful). */
  private async loadItems(): Promise<void> {
    try {
      const { items } = await this.options.hoard.items.list({ limit: 500 });
      const sorted = [...items].sort((a, b) => a.definition.name.localeCompare(b.definition.name));
      replaceChildren(
        this.itemSelect,
        sorted.map((item) => h("option", { value: item.id }, `${item.definition.name} (${item.id.slice(0, 8)})`)),
      );
    } catch (error) {
      replaceChildren(this.outcome, errorBox(error));
    }
  }

  private values(): FormValues {
    const values: FormValues = {};
    for (const [field, input] of this.inputs) values[field] = input.value;
    return values;
  }

  /** Builds the op, then asks for confirmation naming the player and the amounts. */
  private prepare(): void {
    replaceChildren(this.outcome);
    const made = actionOp(this.kind.value as ActionKind, this.values());
    if ("problem" in made) {
      replaceChildren(this.outcome, h("div", { class: "error-box", role: "alert" }, made.problem));
      return;
    }
    const itemName = (id: string) => this.options.names.name(id) ?? this.itemSelect.selectedOptions[0]?.textContent ?? id;
    askToConfirm(this.review, this.outcome, {
      question: "op" in made ? confirmation(this.options.playerId, made.op, itemName) : disconnectConfirmation(this.options.playerId),
      detail: `Reason: ${made.reason}`,
      testId: "action",
      run: async () => {
        const { playerId, hoard } = this.options;
        const done =
          "op" in made
            ? `Done: version ${(await hoard.inventory.apply(playerId, [made.op], { reason: made.reason })).version}.`
            : `Done: ${(await hoard.players.disconnect(playerId, made.reason)).connections} connection(s) closed.`;
        (this.inputs.get("reason") as HTMLInputElement).value = "";
        return done;
      },
    });
  }
}
