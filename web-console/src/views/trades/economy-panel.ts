import type { HoardClient } from "@hoard/client-sdk";
import { errorBox, flash, h, replaceChildren, setText } from "../../lib/dom";
import { formatNumber } from "../../lib/format";
import type { ViewContext } from "../../view";
import { type RankTable, rankTable } from "./rank-table";

type TopItem = { itemId: string; name?: string; trades: number; quantity: number };
type RichPlayer = { playerId: string; currency: number; itemValue: number; total: number };
type DiversePlayer = { playerId: string; distinctItems: number; units: number };

const pollMs = 5000;
const top = 5;

const periods = [
  { id: "hour", label: "Last hour", ms: 3_600_000 },
  { id: "day", label: "Last 24 hours", ms: 86_400_000 },
  { id: "all", label: "All time", ms: undefined },
] as const;
type PeriodId = (typeof periods)[number]["id"];

const outcomes = ["executed", "refused", "declined", "cancelled", "expired"] as const;

/**
 * The economy questions, answered by the node (`hoard.economy`, admin) and read again every few
 * seconds: trades by outcome and most traded items over a period, richest players and most
 * diverse inventories now.
 */
export class EconomyPanel {
  /** The period and the trade counts. */
  readonly head: HTMLElement;
  /** The rankings. */
  readonly tables: HTMLElement;
  private period: PeriodId = "day";
  private readonly counts = new Map<string, HTMLElement>();
  private readonly problem = h("div");
  private readonly items: RankTable<TopItem>;
  private readonly richest: RankTable<RichPlayer>;
  private readonly diverse: RankTable<DiversePlayer>;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private request = 0;
  private stopStatus: (() => void) | undefined;

  constructor(
    private readonly hoard: HoardClient,
    ctx: ViewContext,
  ) {
    const select = h(
      "select",
      { id: "economy-period", "aria-label": "Period" },
      periods.map((period) => h("option", { value: period.id, ...(period.id === this.period ? { selected: true } : {}) }, period.label)),
    );
    select.addEventListener("change", () => {
      this.period = select.value as PeriodId;
      void this.poll();
    });
    const stat = (key: string, label: string) => {
      const value = h("strong", { "data-testid": `count-${key}` }, "—");
      this.counts.set(key, value);
      return h("div", { class: `stat card outcome-${key}` }, h("span", { class: "stat-label" }, label), value);
    };
    this.items = rankTable<TopItem>({
      title: "Most traded items",
      testId: "top-items",
      key: (row) => row.itemId,
      empty: "No executed trades in this period.",
      columns: [
        { label: "Item", text: (row) => row.name ?? `${row.itemId.slice(0, 8)}…` },
        { label: "Trades", num: true, text: (row) => formatNumber(row.trades) },
        { label: "Units", num: true, text: (row) => formatNumber(row.quantity) },
      ],
    });
    const playerLink = (row: { playerId: string }) => ctx.href("players", row.playerId);
    this.richest = rankTable<RichPlayer>({
      title: "Richest players",
      testId: "richest",
      key: (row) => row.playerId,
      empty: "No players yet.",
      columns: [
        { label: "Player", text: (row) => row.playerId, href: playerLink },
        { label: "Currency", num: true, text: (row) => formatNumber(row.currency) },
        { label: "Items", num: true, text: (row) => formatNumber(row.itemValue) },
        { label: "Total", num: true, text: (row) => formatNumber(row.total) },
      ],
    });
    this.diverse = rankTable<DiversePlayer>({
      title: "Most diverse inventories",
      testId: "diverse",
      key: (row) => row.playerId,
      empty: "No players hold items yet.",
      columns: [
        { label: "Player", text: (row) => row.playerId, href: playerLink },
        { label: "Distinct items", num: true, text: (row) => formatNumber(row.distinctItems) },
        { label: "Units", num: true, text: (row) => formatNumber(row.units) },
      ],
    });

    this.head = h(
      "div",
      { class: "economy" },
      h(
        "div",
        { class: "economy-head" },
        h("label", { for: "economy-period" }, "Trades in"),
        select,
        h("span", { class: "muted small" }, `read every ${pollMs / 1000} s`),
      ),
      this.problem,
      h(
        "div",
        { class: "stats outcome-stats" },
        stat("total", "All trades"),
        outcomes.map((o) => stat(o, o)),
        stat("reversed", "reversed"),
        stat("suspicious", "suspicious"),
      ),
    );
    this.tables = h("div", { class: "rank-grid" }, this.items.el, this.richest.el, this.diverse.el);
  }

  start(): void {
    void this.poll();
    // Back from a disconnect: read at once rather than at the next turn.
    this.stopStatus = this.hoard.on("status", (status) => {
      if (status === "connected") void this.poll();
    });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.stopStatus?.();
  }

  private async poll(): Promise<void> {
    clearTimeout(this.timer);
    const mine = ++this.request;
    try {
      const ms = periods.find((period) => period.id === this.period)?.ms;
      const range = ms === undefined ? {} : { since: new Date(Date.now() - ms).toISOString() };
      const [counts, items, richest, diverse] = await Promise.all([
        this.hoard.economy.tradeCounts(range),
        this.hoard.economy.topItems({ ...range, limit: top }),
        this.hoard.economy.richestPlayers({ limit: top }),
        this.hoard.economy.diverseInventories({ limit: top }),
      ]);
      if (this.closed || mine !== this.request) return;
      const changed: Element[] = [];
      const show = (key: string, value: number) => {
        const el = this.counts.get(key);
        if (!el) return;
        const text = formatNumber(value);
        if (el.textContent !== "—" && el.textContent !== text) changed.push(el);
        setText(el, text);
      };
      show("total", counts.total);
      for (const outcome of outcomes) show(outcome, counts.byOutcome[outcome] ?? 0);
      show("reversed", counts.reversed);
      show("suspicious", counts.suspicious);
      flash(changed);
      this.items.set(items.items);
      this.richest.set(richest.players);
      this.diverse.set(diverse.players);
      this.problem.replaceChildren();
    } catch (error) {
      if (!this.closed) replaceChildren(this.problem, errorBox(error));
    } finally {
      if (!this.closed && mine === this.request) this.timer = setTimeout(() => void this.poll(), pollMs);
    }
  }
}
