import "./cart.css";
import type { Cart, CartLine, HoardClient, Order } from "@hoard/client-sdk";
import { errorBox, h, replaceChildren, setText } from "../../lib/dom";
import { clockTime, formatNumber, timeAgo } from "../../lib/format";
import type { ItemNames } from "../../lib/item-names";
import { type KeyedList, keyedList } from "../../lib/keyed";
import { cartKey, cartLineKey, cartTotals } from "./describe";

const recentOrders = 5;
/** Orders are listed oldest first; pages this large keep a long purchase history to a few calls. */
const orderPage = 500;

/**
 * The player's shop cart, drawn from the watched state (a cart is part of the player: every
 * change is a pushed commit), and the latest orders (`cart:orders`), read again after each
 * checkout the watch brings.
 */
export class CartCard {
  readonly el: HTMLElement;
  private readonly lines: KeyedList<[string, CartLine]>;
  private readonly totals = h("div", { class: "cart-totals", "data-testid": "cart-totals" });
  private readonly empty = h("p", { class: "muted small" }, "The cart is empty.");
  private readonly table: HTMLElement;
  private readonly orders = h("ol", { class: "orders", "data-testid": "orders" });
  private readonly noOrders = h("p", { class: "muted small", hidden: true }, "No orders yet.");
  private readonly problem = h("div");
  private request = 0;

  constructor(private readonly options: { hoard: HoardClient; playerId: string; names: ItemNames }) {
    const body = h("tbody");
    this.lines = keyedList(body, {
      key: ([itemId]) => cartLineKey(itemId),
      create: ([itemId]) =>
        h(
          "tr",
          { "data-key": cartLineKey(itemId), "data-testid": "cart-line" },
          h("td", { class: "item-cell" }, options.names.ref(itemId)),
          h("td", { class: "num count" }),
          h("td", { class: "num price" }),
          h("td", { class: "num line-total" }),
        ),
      update: (tr, [, line]) => {
        setText(tr.querySelector(".count") as Element, `× ${formatNumber(line.itemCount)}`);
        const price = tr.querySelector(".price") as HTMLElement;
        setText(price, `${formatNumber(line.offeredPrice)} ${line.currency}${line.specialSale ? " sale" : ""}`);
        price.classList.toggle("sale", line.specialSale);
        price.title = line.saleExpiration ? `sale price until ${line.saleExpiration}` : "regular price";
        setText(tr.querySelector(".line-total") as Element, formatNumber(line.itemCount * line.offeredPrice));
        tr.title = `into ${line.category}, added ${timeAgo(line.addedAt)}`;
        showHold(tr.querySelector(".item-cell") as HTMLElement, line.reservedUntil);
      },
    });
    this.table = h(
      "table",
      { class: "cart-lines" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          h("th", null, "Item"),
          h("th", { class: "num" }, "Count"),
          h("th", { class: "num" }, "Unit"),
          h("th", { class: "num" }, "Total"),
        ),
      ),
      body,
    );
    this.el = h(
      "section",
      { class: "card cart", "data-key": cartKey, "data-testid": "cart" },
      h("h3", null, "Cart"),
      this.table,
      this.empty,
      this.totals,
      h("h4", { class: "orders-title" }, "Recent orders"),
      this.problem,
      this.orders,
      this.noOrders,
    );
  }

  draw(cart: Cart | undefined): void {
    const lines = Object.entries(cart?.lines ?? {}).sort(([, a], [, b]) => a.addedAt.localeCompare(b.addedAt));
    this.lines.set(lines);
    this.table.hidden = lines.length === 0;
    this.empty.hidden = lines.length > 0;
    const totals = cartTotals(cart);
    replaceChildren(
      this.totals,
      totals.map(([currency, amount]) =>
        h(
          "span",
          { class: "chip", "data-currency": currency },
          h("span", { class: "chip-label" }, currency),
          h("b", null, formatNumber(amount)),
        ),
      ),
    );
  }

  /** Reads the orders again and shows the latest few, newest first. */
  async loadOrders(): Promise<void> {
    const mine = ++this.request;
    try {
      let latest: Order[] = [];
      let after: string | undefined;
      do {
        const page = await this.options.hoard.cart.orders(this.options.playerId, { limit: orderPage, ...(after ? { after } : {}) });
        latest = [...latest, ...page.orders].slice(-recentOrders);
        after = page.next ?? undefined;
      } while (after !== undefined && mine === this.request);
      if (mine !== this.request) return;
      replaceChildren(
        this.orders,
        latest.reverse().map((order) => this.order(order)),
      );
      this.noOrders.hidden = latest.length > 0;
      this.problem.replaceChildren();
    } catch (error) {
      if (mine === this.request) replaceChildren(this.problem, errorBox(error));
    }
  }

  private order(order: Order): HTMLElement {
    const units = order.lines.reduce((sum, line) => sum + line.itemCount, 0);
    const totals = Object.entries(order.totals)
      .map(([currency, amount]) => `${formatNumber(amount)} ${currency}`)
      .join(" + ");
    const items = h("div", { class: "order-items small" });
    order.lines.forEach((line, i) => {
      if (i > 0) items.append(", ");
      items.append(`${formatNumber(line.itemCount)} × `, this.options.names.ref(line.itemId));
    });
    return h(
      "li",
      { "data-order": order.orderId },
      h(
        "div",
        { class: "order-head" },
        h("b", { class: "version" }, `v${order.version}`),
        h("time", { datetime: order.at, title: order.at }, clockTime(order.at)),
        h("span", { class: "order-total" }, totals || "free"),
      ),
      h(
        "div",
        { class: "muted small" },
        `${formatNumber(units)} ${units === 1 ? "unit" : "units"} in ${order.lines.length} ${order.lines.length === 1 ? "line" : "lines"}`,
      ),
      items,
    );
  }
}

/**
 * "held until 12:34:56.789" under the item of a line that holds its units of a limited item;
 * nothing for a line that holds none (never held, or released by the node's sweep).
 */
function showHold(cell: HTMLElement, reservedUntil: string | undefined): void {
  const shown = cell.querySelector<HTMLElement>(".held");
  if (reservedUntil === undefined) {
    shown?.remove();
    return;
  }
  const marker = shown ?? cell.appendChild(h("time", { class: "held", "data-testid": "held" }));
  marker.setAttribute("datetime", reservedUntil);
  marker.title = `its units are held for this cart until ${reservedUntil}`;
  setText(marker, `held until ${clockTime(reservedUntil)}`);
}
