import { type ExpiryLot, type HistoryEntry, type Inventory, isExpired, type Player, type PlayerWatch } from "@hoard/client-sdk";
import { errorBox, flash, frameScheduler, h, replaceChildren, setText } from "../../lib/dom";
import { formatNumber, timeAgo } from "../../lib/format";
import { ItemNames } from "../../lib/item-names";
import { type KeyedList, keyedList } from "../../lib/keyed";
import { liveDot } from "../../lib/live-dot";
import type { ViewContext } from "../../view";
import { ActionForm } from "./action-form";
import { CartCard } from "./cart-card";
import { changedKeys, inventoryKey, metricKey, stackKey, walletKey } from "./describe";
import { HistoryList } from "./history-list";
import { OffersCard } from "./offers-card";

export interface PlayerPanel {
  readonly playerId: string;
  close(): void;
}

/**
 * One player, live: wallet, inventories and the audit trail, from `hoard.watch()` (a snapshot,
 * then every committed version in order, resynced after gaps and reconnects). Changes are
 * drawn at most once per frame; whatever a commit touched flashes and carries
 * `data-changed="<version>"`.
 */
export function openPlayerPanel(
  host: HTMLElement,
  ctx: ViewContext,
  options: { playerId: string; onVersion?: (version: number) => void },
): PlayerPanel {
  const { playerId } = options;
  let closed = false;
  let live: LivePlayer | undefined;
  replaceChildren(host, h("p", { class: "muted" }, `Loading ${playerId}…`));
  ctx.hoard.watch(playerId).then(
    (watch) => {
      if (closed) void watch.close();
      else live = new LivePlayer(host, ctx, watch, options.onVersion);
    },
    (error: unknown) => {
      if (closed) return;
      const notFound = (error as { code?: unknown }).code === "PLAYER_NOT_FOUND";
      replaceChildren(host, notFound ? h("div", { class: "empty" }, `No player with id “${playerId}”.`) : errorBox(error));
    },
  );
  return {
    playerId,
    close() {
      closed = true;
      live?.close();
    },
  };
}

interface CardParts {
  capacity: HTMLElement;
  meter: HTMLElement;
  stacks: KeyedList<[string, number]>;
  /** Expiring units: one row per lot (item id, lot), soonest first. */
  expiring: KeyedList<[string, ExpiryLot]>;
  metrics: KeyedList<[string, number]>;
  empty: HTMLElement;
}

class LivePlayer {
  private readonly names: ItemNames;
  private readonly history: HistoryList;
  private readonly cart: CartCard;
  private readonly offers: OffersCard;
  private readonly frame = frameScheduler(() => this.draw());
  private readonly pending: HistoryEntry[] = [];
  private readonly version = h("strong", { "data-testid": "version" });
  private readonly displayName = h("span", { class: "player-name" });
  private readonly meta = h("div", { class: "meta" });
  private readonly wallet: KeyedList<[string, number]>;
  private readonly walletEmpty = h("span", { class: "muted" }, "empty");
  private readonly cards: KeyedList<[string, Inventory]>;
  private readonly parts = new Map<string, CardParts>();
  private readonly problem = h("div", { hidden: true });
  private readonly clock: ReturnType<typeof setInterval>;
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly host: HTMLElement,
    ctx: ViewContext,
    private readonly watch: PlayerWatch,
    private readonly onVersion: (version: number) => void = () => {},
  ) {
    this.names = new ItemNames(ctx.hoard, host, () => this.frame.schedule());
    this.history = new HistoryList({ hoard: ctx.hoard, playerId: watch.playerId, names: this.names, canAct: ctx.canAct });
    // A viewer's console has no action form at all, not a disabled one.
    const actions = ctx.canAct ? new ActionForm({ hoard: ctx.hoard, playerId: watch.playerId, names: this.names }).el : null;
    this.cart = new CartCard({ hoard: ctx.hoard, playerId: watch.playerId, names: this.names });
    this.offers = new OffersCard({ hoard: ctx.hoard, playerId: watch.playerId, names: this.names, canAct: ctx.canAct });

    const walletList = h("div", { class: "chips" });
    this.wallet = keyedList(walletList, {
      key: ([currency]) => walletKey(currency),
      create: ([currency]) =>
        h(
          "span",
          { class: "chip", "data-key": walletKey(currency) },
          h("span", { class: "chip-label" }, currency),
          h("b", { class: "qty" }),
        ),
      update: (el, [, amount]) => setText(el.querySelector(".qty") as Element, formatNumber(amount)),
    });
    const cardGrid = h("div", { class: "inventories" });
    this.cards = keyedList(cardGrid, {
      key: ([category]) => inventoryKey(category),
      create: ([category]) => this.card(category),
      update: (el, [category, inventory]) => this.fillCard(el, category, inventory),
    });

    replaceChildren(
      host,
      h(
        "article",
        { class: "player", "data-player": watch.playerId },
        h(
          "header",
          { class: "player-head" },
          h("div", null, h("h2", null, watch.playerId, " ", this.displayName), this.meta),
          h("div", { class: "version-box", title: "Goes up by one with every committed change" }, h("span", null, "version"), this.version),
        ),
        this.problem,
        h(
          "div",
          { class: "player-grid" },
          h(
            "div",
            { class: "player-state" },
            h("section", { class: "card" }, h("h3", null, "Wallet"), walletList, this.walletEmpty),
            this.cart.el,
            this.offers.el,
            h("section", null, h("h3", { class: "section-title" }, "Inventories"), cardGrid),
            actions,
          ),
          h("section", { class: "card player-history" }, h("h3", null, "History ", liveDot(ctx.hoard)), this.history.el),
        ),
      ),
    );

    this.stops.push(
      watch.on("change", (entry) => {
        this.pending.push(entry);
        this.frame.schedule();
      }),
      watch.on("snapshot", () => {
        // Too far behind for deltas: redraw from the new state and reload the trail.
        this.history.clear();
        this.frame.schedule();
        void this.loadHistory();
        void this.cart.loadOrders();
      }),
      watch.on("error", (error) => {
        replaceChildren(this.problem, errorBox(error));
        this.problem.hidden = false;
      }),
    );
    this.clock = setInterval(() => this.drawMeta(this.watch.state), 5000);
    this.draw();
    void this.loadHistory();
    void this.cart.loadOrders();
  }

  close(): void {
    this.frame.cancel();
    clearInterval(this.clock);
    this.offers.close();
    for (const stop of this.stops) stop();
    void this.watch.close();
  }

  private async loadHistory(): Promise<void> {
    try {
      await this.history.loadLatest(this.watch.version);
    } catch (error) {
      replaceChildren(this.problem, errorBox(error));
      this.problem.hidden = false;
    }
  }

  /** Draws the latest state, then flashes what the pending versions touched. */
  private draw(): void {
    const state = this.watch.state;
    setText(this.version, String(state.version));
    this.onVersion(state.version);
    setText(this.displayName, state.name ?? "");
    this.drawMeta(state);
    const currencies = Object.entries(state.wallet).sort(([a], [b]) => a.localeCompare(b));
    this.wallet.set(currencies);
    this.walletEmpty.hidden = currencies.length > 0;
    this.cards.set(Object.entries(state.inventories).sort(([a], [b]) => a.localeCompare(b)));
    this.cart.draw(state.cart);

    const entries = this.pending.splice(0);
    if (entries.length === 0) return;
    if (entries.some((entry) => entry.kind === "cart:checkout" && entry.ops.length > 0)) void this.cart.loadOrders();
    const touched = new Set<Element>([this.version, ...this.history.add(entries)]);
    for (const entry of entries) {
      for (const { key, orElse } of changedKeys(entry.changes)) {
        const el = this.element(key) ?? (orElse === undefined ? undefined : this.element(orElse));
        if (!el) continue;
        el.dataset.changed = String(entry.version);
        touched.add(el);
      }
    }
    flash(touched);
  }

  private element(key: string): HTMLElement | undefined {
    return this.host.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`) ?? undefined;
  }

  private drawMeta(state: Player): void {
    const parts = [
      state.class ? `class ${state.class}` : undefined,
      `created ${timeAgo(state.createdAt)}`,
      `updated ${timeAgo(state.updatedAt)}`,
    ];
    setText(this.meta, parts.filter(Boolean).join(" · "));
  }

  private card(category: string): HTMLElement {
    const stackBody = h("tbody");
    const metricList = h("dl", { class: "metrics" });
    const lotBody = h("tbody");
    const parts: CardParts = {
      capacity: h("span", { class: "capacity" }),
      meter: h("span", { class: "meter-fill" }),
      empty: h("p", { class: "muted small" }, "empty"),
      stacks: keyedList(stackBody, {
        key: ([itemId]) => stackKey(category, itemId),
        create: ([itemId]) =>
          h(
            "tr",
            { "data-key": stackKey(category, itemId), "data-testid": "stack" },
            h("td", { class: "item-cell" }, this.names.ref(itemId)),
            h("td", { class: "qty num" }),
          ),
        update: (el, [, quantity]) => setText(el.querySelector(".qty") as Element, formatNumber(quantity)),
      }),
      expiring: keyedList(lotBody, {
        key: ([itemId, lot]) => `${stackKey(category, itemId)}@${lot.expiresAt}`,
        create: ([itemId, lot]) =>
          h(
            "tr",
            { "data-key": `${stackKey(category, itemId)}@${lot.expiresAt}`, "data-testid": "expiring" },
            h("td", { class: "item-cell" }, this.names.ref(itemId)),
            h("td", { class: "qty num" }),
            h("td", { class: "muted small" }, h("time", { datetime: lot.expiresAt, title: lot.expiresAt }, `expires ${lot.expiresAt}`)),
          ),
        update: (el, [, lot]) => setText(el.querySelector(".qty") as Element, formatNumber(lot.quantity)),
      }),
      metrics: keyedList(metricList, {
        key: ([name]) => metricKey(category, name),
        create: ([name]) => h("div", { "data-key": metricKey(category, name) }, h("dt", null, name), h("dd", { class: "qty num" })),
        update: (el, [, value]) => setText(el.querySelector(".qty") as Element, formatNumber(value)),
      }),
    };
    this.parts.set(category, parts);
    return h(
      "section",
      { class: "card inventory", "data-key": inventoryKey(category) },
      h("header", null, h("h4", null, category), parts.capacity),
      h("div", { class: "meter", hidden: true }, parts.meter),
      h("table", { class: "stacks" }, stackBody),
      h("table", { class: "stacks expiring", title: "units that leave by themselves at their time" }, lotBody),
      parts.empty,
      metricList,
    );
  }

  private fillCard(el: HTMLElement, category: string, inventory: Inventory): void {
    const parts = this.parts.get(category);
    if (!parts) return;
    const label = (itemId: string) => this.names.name(itemId) ?? itemId;
    const stacks = Object.entries(inventory.stacks).sort(([a], [b]) => label(a).localeCompare(label(b)));
    parts.stacks.set(stacks);
    // Lots past their time are hidden at once; the node's sweep removes them in a commit shortly.
    const now = Date.now();
    const lots = Object.entries(inventory.expiring ?? {})
      .flatMap(([itemId, list]) => list.filter((lot) => !isExpired(lot, now)).map((lot): [string, ExpiryLot] => [itemId, lot]))
      .sort(([, a], [, b]) => a.expiresAt.localeCompare(b.expiresAt));
    parts.expiring.set(lots);
    parts.metrics.set(Object.entries(inventory.metrics).sort(([a], [b]) => a.localeCompare(b)));
    parts.empty.hidden = stacks.length + lots.length > 0;
    const units = stacks.reduce((sum, [, quantity]) => sum + quantity, 0) + lots.reduce((sum, [, lot]) => sum + lot.quantity, 0);
    const meter = parts.meter.parentElement as HTMLElement;
    if (inventory.capacity === undefined) {
      setText(parts.capacity, `${formatNumber(units)} ${units === 1 ? "unit" : "units"}`);
      meter.hidden = true;
    } else {
      setText(parts.capacity, `${formatNumber(units)} / ${formatNumber(inventory.capacity)}`);
      meter.hidden = false;
      const ratio = inventory.capacity === 0 ? 1 : Math.min(1, units / inventory.capacity);
      parts.meter.style.width = `${(ratio * 100).toFixed(1)}%`;
      meter.dataset.level = ratio >= 0.9 ? "high" : ratio >= 0.7 ? "mid" : "low";
    }
    el.dataset.units = String(units);
  }
}
