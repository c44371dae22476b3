import type { HoardClient, TradeRecord, TradeWatch } from "@hoard/client-sdk";
import { errorBox, flash, frameScheduler, h, replaceChildren, setText } from "../../lib/dom";
import { clockTime, formatNumber } from "../../lib/format";
import type { ItemNames } from "../../lib/item-names";
import { type KeyedList, keyedList } from "../../lib/keyed";
import { liveDot } from "../../lib/live-dot";
import type { ViewContext } from "../../view";
import { describeBundle, mergeTrades, nextReadFrom, type Part, percent } from "./feed-model";

const pollMs = 2500;
const keep = 200;
/** The first load reaches this far back. */
const firstLoadMs = 60 * 60_000;
/** A read that takes t waits at least this many times t before the next one (≤ 5 % of the node's time). */
const slowReadFactor = 20;
/** The most trades one read returns (the node's limit). */
const readLimit = 500;

/**
 * Executed trades, newest first, with suspicious ones highlighted. Suspicious trades arrive at
 * once from the admin feed (`economy.watchSuspicious()`, pushed after the commit); the others are
 * read every few seconds with `economy.imbalancedTrades({ minImbalance: 0, since })`, the node's
 * only question that spans every player's trades. It answers the most imbalanced first, so when
 * more than 500 trades commit between two reads the feed keeps the 500 most imbalanced of them.
 */
export class TradeFeed {
  readonly el: HTMLElement;
  private trades: TradeRecord[] = [];
  private readonly fresh = new Set<string>();
  private readonly rows: KeyedList<TradeRecord>;
  private readonly empty = h("p", { class: "muted", hidden: true }, "No trades in the last hour yet.");
  private readonly status = h("span", { class: "muted small", role: "status" });
  private readonly problem = h("div");
  /** The trade the operator opened, with both players (above the table: rows move as trades arrive). */
  private readonly detail = h("div", { class: "trade-detail", "data-testid": "trade-detail", hidden: true });
  private readonly frame = frameScheduler(() => this.draw());
  private watch: TradeWatch | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private drawnOnce = false;
  /** Where the next read starts (ms since the epoch); undefined until a read returned a trade. */
  private readFrom: number | undefined;

  constructor(private readonly options: { hoard: HoardClient; ctx: ViewContext; names: ItemNames }) {
    const body = h("tbody");
    this.rows = keyedList<TradeRecord>(body, {
      key: (trade) => trade.id,
      create: (trade) => this.row(trade),
      update: () => {},
    });
    // A click on a trade (not on a player's link) opens it: both players' state now, under the row.
    body.addEventListener("click", (event) => {
      const target = event.target as Element;
      if (target.closest("a")) return;
      const row = target.closest<HTMLElement>("tr[data-trade]");
      const trade = this.trades.find((t) => t.id === row?.dataset.trade);
      if (row && trade) void this.toggle(row, trade);
    });
    this.el = h(
      "section",
      { class: "card trade-feed" },
      h("h3", null, "Trade feed ", liveDot(this.options.hoard), " ", this.status),
      h(
        "p",
        { class: "muted small", "data-testid": "feed-scope" },
        "Every executed trade of every player on every node, from the hour before this page opened, newest first (the latest 200). Suspicious: imbalance above the node's threshold, pushed at once. Click a trade to open it with both players.",
      ),
      this.problem,
      this.detail,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "trades", "data-testid": "trade-feed" },
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              h("th", null, "When"),
              h("th", null, "From → to"),
              h("th", null, "Gives"),
              h("th", null, "Wants"),
              h("th", { class: "num" }, "Value"),
              h("th", { class: "num" }, "Imbalance"),
            ),
          ),
          body,
        ),
      ),
      this.empty,
    );
  }

  async start(): Promise<void> {
    try {
      const watch = await this.options.hoard.economy.watchSuspicious();
      if (this.closed) {
        void watch.close();
        return;
      }
      this.watch = watch;
      watch.on("change", (push) => {
        if (push.trade) this.add([push.trade]);
      });
      // Missed pushes: the next read covers them.
      watch.on("resync", () => void this.poll());
      watch.on("error", (error) => replaceChildren(this.problem, errorBox(error)));
    } catch (error) {
      replaceChildren(this.problem, errorBox(error));
    }
    await this.poll();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.frame.cancel();
    void this.watch?.close();
  }

  private async poll(): Promise<void> {
    clearTimeout(this.timer);
    const started = performance.now();
    let wait = pollMs;
    try {
      const since = new Date(this.readFrom ?? Date.now() - firstLoadMs).toISOString();
      const { trades } = await this.options.hoard.economy.imbalancedTrades({ since, minImbalance: 0, limit: readLimit });
      if (this.closed) return;
      this.readFrom = nextReadFrom(this.readFrom, trades, readLimit);
      this.add(trades);
      this.problem.replaceChildren();
      // The read scans the node's executed trades; on a big store, read less often rather than
      // keep a node core busy for an open console.
      wait = Math.max(pollMs, (performance.now() - started) * slowReadFactor);
    } catch (error) {
      if (!this.closed) replaceChildren(this.problem, errorBox(error));
    } finally {
      if (!this.closed) this.timer = setTimeout(() => void this.poll(), wait);
    }
  }

  private add(incoming: readonly TradeRecord[]): void {
    if (incoming.length === 0) return;
    const { trades, added } = mergeTrades(this.trades, incoming, keep);
    this.trades = trades;
    // The first load is not news; everything after it flashes.
    if (this.drawnOnce) for (const id of added) this.fresh.add(id);
    this.frame.schedule();
  }

  private draw(): void {
    this.rows.set(this.trades);
    this.empty.hidden = this.trades.length > 0;
    const suspicious = this.trades.filter((trade) => trade.suspicious).length;
    setText(this.status, `${formatNumber(this.trades.length)} shown · ${formatNumber(suspicious)} suspicious`);
    flash([...this.fresh].flatMap((id) => this.rows.get(id) ?? []));
    this.fresh.clear();
    this.drawnOnce = true;
  }

  /** Opens (or closes) a trade's detail row: who did it, and each player's version at the trade and state now. */
  private async toggle(row: HTMLElement, trade: TradeRecord): Promise<void> {
    const wasOpen = row.getAttribute("aria-expanded") === "true";
    for (const open of this.el.querySelectorAll("tr[aria-expanded]")) open.removeAttribute("aria-expanded");
    this.detail.hidden = wasOpen;
    if (wasOpen) return;
    const { ctx, hoard } = this.options;
    const cell = this.detail;
    replaceChildren(cell, h("p", { class: "muted small" }, "Reading both players…"));
    row.setAttribute("aria-expanded", "true");
    const side = async (playerId: string, version: number | undefined) => {
      try {
        const { player } = await hoard.players.get(playerId);
        const wallet = Object.entries(player.wallet)
          .map(([currency, amount]) => `${formatNumber(amount)} ${currency}`)
          .join(", ");
        return h(
          "div",
          { class: "trade-side", "data-player": playerId },
          h("a", { href: ctx.href("players", playerId) }, playerId),
          player.name ? ` (${player.name})` : "",
          h("p", { class: "small" }, `at this trade: v${version ?? "?"} · now: v${player.version} · wallet ${wallet || "empty"}`),
        );
      } catch (error) {
        return h("div", { class: "trade-side" }, playerId, errorBox(error));
      }
    };
    const [from, to] = await Promise.all([side(trade.from, trade.versions?.from), side(trade.to, trade.versions?.to)]);
    if (row.getAttribute("aria-expanded") !== "true") return;
    replaceChildren(
      cell,
      h("button", { type: "button", class: "link close", onclick: () => void this.toggle(row, trade) }, "Close"),
      h(
        "p",
        { class: "small" },
        `${trade.mode} trade ${trade.id} by ${trade.actor.role}:${trade.actor.sub} at ${trade.at} (op ${trade.opId})`,
      ),
      h("div", { class: "trade-sides" }, from, to),
    );
  }

  private row(trade: TradeRecord): HTMLElement {
    const { ctx, names } = this.options;
    const parts = (list: Part[]) => list.map((part) => (typeof part === "string" ? part : names.ref(part.item)));
    const player = (id: string) => h("a", { href: ctx.href("players", id), class: "party" }, id);
    return h(
      "tr",
      {
        "data-trade": trade.id,
        ...(trade.suspicious ? { "data-suspicious": "true", class: "suspicious" } : {}),
        title: `${trade.mode} trade by ${trade.actor.role}:${trade.actor.sub}, op ${trade.opId}`,
      },
      h(
        "td",
        { class: "when" },
        h("time", { datetime: trade.at, title: trade.at }, h("span", { class: "date" }, trade.at.slice(0, 10)), " ", clockTime(trade.at)),
      ),
      h(
        "td",
        { class: "parties" },
        player(trade.from),
        " → ",
        player(trade.to),
        trade.suspicious ? h("span", { class: "flag" }, "suspicious") : null,
        trade.mode === "offer" ? h("span", { class: "tag" }, "offer") : null,
      ),
      h("td", { class: "bundle give" }, parts(describeBundle(trade.give))),
      h("td", { class: "bundle want" }, parts(describeBundle(trade.want))),
      h("td", { class: "num value" }, `${formatNumber(trade.value.give)} ↔ ${formatNumber(trade.value.want)}`),
      h("td", { class: "num imbalance" }, meter(trade.imbalance), percent(trade.imbalance)),
    );
  }
}

/** A small bar of the imbalance (0 = even, 1 = a gift). */
function meter(share: number): HTMLElement {
  const bar = h("span", { class: "imbalance-meter", "aria-hidden": "true" });
  bar.style.setProperty("--share", String(share));
  return bar;
}
