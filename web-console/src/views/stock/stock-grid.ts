import type { StockNegativePush, StockPush } from "@hoard/client-sdk";
import { errorBox, flash, frameScheduler, h, replaceChildren, setText } from "../../lib/dom";
import { clockTime, formatCompact, formatNumber } from "../../lib/format";
import { type KeyedList, keyedList } from "../../lib/keyed";
import { liveDot } from "../../lib/live-dot";
import type { ViewContext } from "../../view";
import { CellDetail } from "./cell-detail";
import { StockGridModel } from "./grid-model";

export interface GridOptions {
  /** Whole segments of a key ("" = every key). */
  prefix: string;
  from: string;
  days: number;
  /** The page: keys after this one. */
  after?: string;
  pageSize: number;
  /** Called with the cursor of the next page once the page is listed (null = last page). */
  onPage(next: string | null, shown: number): void;
}

const weekday = new Intl.DateTimeFormat("en-US", { weekday: "short", timeZone: "UTC" });
const maxAlerts = 20;
/** More keys than this waiting to be read again: read the whole page at once. */
const pageReadThreshold = 4;
/** A burst of unknown keys (a new key being stocked) lists the page again once. */
const relistDelayMs = 300;

/**
 * The keys × days heatmap of one prefix, live. Subscribes to `stockprefix/{prefix}` first, then
 * lists the page (`stock:list`); pushes that arrive meanwhile are held and applied after, by each
 * key's version (see grid-model.ts). Imports and gaps re-read the key; a key new to the page lists
 * the page again. Cells that change flash; negative days are red.
 */
export class LiveStockGrid {
  readonly el: HTMLElement;
  private readonly model: StockGridModel;
  private readonly detail: CellDetail;
  private readonly head = h("tr");
  private readonly body = h("tbody");
  private readonly rows: KeyedList<string>;
  private readonly status = h("span", { class: "muted small", role: "status" });
  private readonly negatives = h("span", { class: "negative-count", "data-testid": "negative-count", hidden: true });
  private readonly empty = h("p", { class: "empty", hidden: true });
  private readonly problem = h("div");
  private readonly alerts = h("ol", { class: "alerts", "data-testid": "negative-alerts" });
  private readonly alertsEmpty = h("p", { class: "muted small" }, "None since this page opened.");
  private readonly frame = frameScheduler(() => this.draw());
  /** Cells to flash at the next frame: `key\u0000dayIndex`. */
  private readonly changed = new Set<string>();
  private readonly rereads = new Set<string>();
  private held: (StockPush | StockNegativePush)[] = [];
  private loading = true;
  private rebuild = true;
  private paintedMax = 0;
  private relistTimer: ReturnType<typeof setTimeout> | undefined;
  private rereading = false;
  private unsubscribe: (() => Promise<void>) | undefined;
  private readonly stopReconnect: () => void;
  private closed = false;

  constructor(
    private readonly ctx: ViewContext,
    private readonly options: GridOptions,
  ) {
    this.model = new StockGridModel(options.from, options.days, options.after);
    this.detail = new CellDetail(ctx.hoard, ctx.canAct);
    this.rows = keyedList<string>(this.body, {
      key: (key) => key,
      create: (key) => this.row(key),
      update: () => {},
    });
    this.body.addEventListener("click", (event) => {
      const cell = (event.target as Element).closest<HTMLElement>("td[data-day]");
      const key = cell?.parentElement?.dataset.key;
      if (cell?.dataset.day && key) this.select(key, cell.dataset.day);
    });
    this.el = h(
      "div",
      { class: "stock-layout" },
      h(
        "section",
        { class: "card stock-grid-card" },
        h("h3", null, "Units per day ", liveDot(ctx.hoard), " ", this.status, " ", this.negatives),
        this.problem,
        h(
          "div",
          { class: "grid-wrap" },
          h("table", { class: "stock-grid", "data-testid": "stock-grid" }, h("thead", null, this.head), this.body),
        ),
        this.empty,
        legend(),
      ),
      h(
        "div",
        { class: "stock-side" },
        this.detail.el,
        h("section", { class: "card" }, h("h3", null, "Negative stock"), this.alertsEmpty, this.alerts),
      ),
    );
    this.stopReconnect = ctx.hoard.onResync(() => this.relist());
  }

  async start(): Promise<void> {
    try {
      const { unsubscribe } = await this.ctx.hoard.stock.subscribe({ prefix: this.options.prefix }, (push) => this.onPush(push));
      if (this.closed) {
        void unsubscribe();
        return;
      }
      this.unsubscribe = unsubscribe;
    } catch (error) {
      replaceChildren(this.problem, errorBox(error));
    }
    await this.list();
  }

  close(): void {
    this.closed = true;
    this.frame.cancel();
    clearTimeout(this.relistTimer);
    this.stopReconnect();
    void this.unsubscribe?.();
  }

  private async list(): Promise<void> {
    this.loading = true;
    try {
      const { prefix, after, pageSize } = this.options;
      const { from, to } = this.model;
      const reply = await this.ctx.hoard.stock.list({ prefix, from, to, limit: pageSize, ...(after ? { after } : {}) });
      if (this.closed) return;
      this.model.load(reply.keys, reply.next);
      this.rebuild = true;
      this.options.onPage(reply.next, reply.keys.length);
      this.problem.replaceChildren();
    } catch (error) {
      if (!this.closed) replaceChildren(this.problem, errorBox(error));
    } finally {
      this.loading = false;
    }
    const held = this.held;
    this.held = [];
    for (const push of held) this.onPush(push);
    this.frame.schedule();
    if (this.detail.current) void this.detail.read();
  }

  private relist(): void {
    clearTimeout(this.relistTimer);
    this.relistTimer = setTimeout(() => void this.list(), relistDelayMs);
  }

  private onPush(push: StockPush | StockNegativePush): void {
    if (this.closed) return;
    if (this.loading) {
      this.held.push(push);
      return;
    }
    if (push.type === "stock:negative") {
      this.alert(push);
      return;
    }
    const outcome = this.model.apply(push);
    switch (outcome.kind) {
      case "changed":
        for (const day of outcome.days) this.changed.add(cellId(push.key, day));
        this.frame.schedule();
        break;
      case "reread":
        this.rereads.add(push.key);
        void this.reread();
        break;
      case "unknown":
        if (this.model.inPage(push.key)) this.relist();
        break;
      case "ignored":
        break;
    }
    const selected = this.detail.current;
    if (selected?.key === push.key && push.from <= selected.day && selected.day <= push.to) void this.detail.read();
  }

  /**
   * Reads the keys that need it: one at a time while they are few, the whole page in one
   * `stock:list` when many wait (an import touches many keys at once).
   */
  private async reread(): Promise<void> {
    if (this.rereading) return;
    this.rereading = true;
    try {
      while (this.rereads.size > 0 && !this.closed) {
        const { from, to } = this.model;
        if (this.rereads.size >= pageReadThreshold) {
          this.rereads.clear();
          const { prefix, after, pageSize } = this.options;
          const reply = await this.ctx.hoard.stock.list({ prefix, from, to, limit: pageSize, ...(after ? { after } : {}) });
          if (this.closed) return;
          for (const [key, day] of this.model.merge(reply.keys)) this.changed.add(cellId(key, day));
        } else {
          const key = this.rereads.values().next().value as string;
          this.rereads.delete(key);
          const read = await this.ctx.hoard.stock.read(key, { from, to });
          if (this.closed) return;
          for (const day of this.model.setKey(key, read)) this.changed.add(cellId(key, day));
        }
        this.frame.schedule();
      }
    } catch (error) {
      if (!this.closed) replaceChildren(this.problem, errorBox(error));
    } finally {
      this.rereading = false;
    }
  }

  private draw(): void {
    if (this.rebuild) {
      this.rebuild = false;
      this.drawHead();
      // Rows are kept by key; a relisted page repaints every cell (and flashes none).
      this.rows.set(this.model.keys);
      this.paintedMax = 0;
      this.changed.clear();
    }
    const max = this.model.maxTotal();
    const repaintAll = max !== this.paintedMax;
    this.paintedMax = max;
    const touched: Element[] = [];
    for (const key of this.model.keys) {
      const tr = this.rows.get(key);
      const row = this.model.row(key);
      if (!tr || !row) continue;
      row.totals.forEach((total, day) => {
        const id = cellId(key, day);
        const flashIt = this.changed.has(id);
        if (!repaintAll && !flashIt) return;
        const td = tr.children[day + 1] as HTMLElement | undefined;
        if (!td) return;
        paint(td, total, max);
        if (flashIt) touched.push(td);
      });
    }
    this.changed.clear();
    flash(touched, { cover: true });
    const negative = this.model.negativeCells();
    this.negatives.hidden = negative === 0;
    setText(this.negatives, `${negative} negative ${negative === 1 ? "day" : "days"}`);
    const count = this.model.keys.length;
    setText(this.status, `${formatNumber(count)} ${count === 1 ? "key" : "keys"} · ${this.model.from} to ${this.model.to}`);
    this.empty.hidden = count > 0;
    setText(this.empty, this.options.prefix ? `No stock under “${this.options.prefix}”.` : "No stock yet.");
  }

  private drawHead(): void {
    let month = "";
    this.head.replaceChildren(
      h("th", { class: "key-head" }, "Key"),
      ...this.model.days.map((day) => {
        const date = new Date(`${day}T00:00:00Z`);
        const showMonth = day.slice(0, 7) !== month;
        month = day.slice(0, 7);
        return h(
          "th",
          { class: `day-head${date.getUTCDay() === 0 || date.getUTCDay() === 6 ? " weekend" : ""}`, title: day, "data-day": day },
          h("span", null, showMonth ? day.slice(0, 7) : weekday.format(date)),
          h("b", null, day.slice(8)),
        );
      }),
    );
  }

  private row(key: string): HTMLElement {
    const slash = key.lastIndexOf("/");
    return h(
      "tr",
      { "data-key": key },
      h(
        "th",
        { class: "key", title: key, scope: "row" },
        slash > 0 ? h("span", { class: "key-path" }, key.slice(0, slash + 1)) : null,
        key.slice(slash + 1),
      ),
      this.model.days.map((day) => h("td", { "data-day": day, class: "cell" })),
    );
  }

  private select(key: string, day: string): void {
    for (const el of this.body.querySelectorAll(".selected")) el.classList.remove("selected");
    this.rows.get(key)?.querySelector(`td[data-day="${day}"]`)?.classList.add("selected");
    this.detail.show(key, day);
  }

  private alert(push: StockNegativePush): void {
    const first = push.negative[0];
    const days = push.negative.map((d) => `${d.day} (had ${formatNumber(d.available)})`).join(", ");
    const link = h("button", { type: "button", class: "link key-link" }, push.key);
    if (first) link.addEventListener("click", () => this.select(push.key, first.day));
    this.alerts.prepend(
      h(
        "li",
        { "data-key": push.key },
        h("time", null, clockTime(new Date().toISOString())),
        " ",
        link,
        h("div", { class: "small" }, `${push.negativeDays} ${push.negativeDays === 1 ? "day" : "days"} below zero: ${days}`),
      ),
    );
    while (this.alerts.childElementCount > maxAlerts) this.alerts.lastElementChild?.remove();
    this.alertsEmpty.hidden = true;
    flash([this.alerts.firstElementChild as Element]);
  }
}

const cellId = (key: string, day: number) => `${key}\u0000${day}`;

/** A cell's number and colour: heat by share of the largest total in view; red below zero. */
function paint(td: HTMLElement, total: number, max: number): void {
  setText(td, formatCompact(total));
  td.dataset.total = String(total);
  td.title = `${td.dataset.day}: ${formatNumber(total)} units`;
  td.classList.toggle("negative", total < 0);
  td.classList.toggle("zero", total === 0);
  const heat = total > 0 ? Math.min(1, total / max) : 0;
  td.style.setProperty("--heat", heat.toFixed(3));
  td.classList.toggle("hot", heat > 0.6);
}

function legend(): HTMLElement {
  return h(
    "p",
    { class: "legend small muted" },
    h("span", { class: "swatch cold" }),
    "few",
    h("span", { class: "swatch warm" }),
    h("span", { class: "swatch hot-swatch" }),
    "the most in view",
    h("span", { class: "swatch negative-swatch" }),
    "below zero (oversold) · click a cell for its partitions",
  );
}
