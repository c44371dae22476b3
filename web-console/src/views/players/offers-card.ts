import type { HoardClient, TradeBundle, TradeOffer, TradeWatch } from "@hoard/client-sdk";
import { errorBox, h, replaceChildren } from "../../lib/dom";
import { clockTime, formatNumber } from "../../lib/format";
import type { ItemNames } from "../../lib/item-names";
import { type KeyedList, keyedList } from "../../lib/keyed";
import { reasonConfirm } from "./reason-confirm";

/**
 * The player's open trade offers (made or received), live from `trades/{playerId}`: a row per
 * pending offer, gone when it is accepted, declined, cancelled or expires. An admin gets a
 * "Cancel offer…" button on each (a reason and a confirmation naming both players); a viewer
 * sees the offers only.
 */
export class OffersCard {
  readonly el: HTMLElement;
  private readonly rows: KeyedList<TradeOffer>;
  private readonly empty = h("p", { class: "muted small" }, "No open offers.");
  private readonly problem = h("div");
  private watch: TradeWatch | undefined;
  private closed = false;

  constructor(private readonly options: { hoard: HoardClient; playerId: string; names: ItemNames; canAct: boolean }) {
    const list = h("ul", { class: "offers", "data-testid": "offers" });
    this.rows = keyedList<TradeOffer>(list, {
      key: (offer) => offer.id,
      create: (offer) => this.row(offer),
      update: () => {},
    });
    this.el = h("section", { class: "card" }, h("h3", null, "Open offers"), list, this.empty, this.problem);
    options.hoard.trades.watch(options.playerId).then(
      (watch) => {
        if (this.closed) return void watch.close();
        this.watch = watch;
        watch.on("change", () => this.draw());
        watch.on("resync", () => this.draw());
        this.draw();
      },
      (error: unknown) => replaceChildren(this.problem, errorBox(error)),
    );
  }

  close(): void {
    this.closed = true;
    void this.watch?.close();
  }

  private draw(): void {
    const offers = [...(this.watch?.pending.values() ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    this.rows.set(offers);
    this.empty.hidden = offers.length > 0;
  }

  private bundle(bundle: TradeBundle): string {
    const parts = [
      ...bundle.items.map((line) => `${formatNumber(line.quantity)} × ${this.options.names.name(line.itemId) ?? line.itemId}`),
      ...Object.entries(bundle.currencies).map(([currency, amount]) => `${formatNumber(amount)} ${currency}`),
    ];
    return parts.length > 0 ? parts.join(", ") : "nothing";
  }

  private row(offer: TradeOffer): HTMLElement {
    const terms = () => `${offer.from} gives ${this.bundle(offer.give)}; ${offer.to} gives ${this.bundle(offer.want)}`;
    return h(
      "li",
      { "data-offer": offer.id, "data-testid": "offer" },
      h(
        "div",
        null,
        h("b", null, `${offer.from} → ${offer.to}`),
        " ",
        h("time", { class: "muted small", datetime: offer.expiresAt, title: offer.expiresAt }, `expires ${clockTime(offer.expiresAt)}`),
      ),
      h("div", { class: "small" }, terms()),
      this.options.canAct
        ? reasonConfirm({
            label: "Cancel offer…",
            testId: "cancel-offer",
            question: () => `Cancel the offer from ${offer.from} to ${offer.to} (${terms()})?`,
            confirmLabel: "Cancel the offer",
            // The settled offer leaves the list through the feed.
            run: (reason) => this.options.hoard.trades.cancel(offer.id, { reason }),
          })
        : null,
    );
  }
}
