import type { AreaStats, AreaWatch } from "@hoard/client-sdk";
import { type BarChart, barChart, type TimeChart, timeChart } from "../../lib/chart";
import { errorBox, flash, frameScheduler, h, replaceChildren, setText } from "../../lib/dom";
import { clockTime, formatNumber } from "../../lib/format";
import { type KeyedList, keyedList } from "../../lib/keyed";
import { liveDot } from "../../lib/live-dot";
import type { ViewContext } from "../../view";
import { AreaTimeline, changedModes } from "./timeline";

/** How far back the sparkline reaches. */
const windowMinutes = 15;
/** The sparkline moves on even when the area is quiet. */
const tickMs = 5000;

interface ModeRow {
  mode: string;
  players: number;
  share: number;
}

export interface AreaPanel {
  readonly areaCode: string;
  close(): void;
}

/**
 * One area, live: its players by mode from `hoard.watchArea()` (the stats now, then every
 * push, at most about four a second) as a bar chart and a table, and a sparkline of its players
 * over the last minutes (the node's history samples, then every push).
 */
export function openAreaPanel(host: HTMLElement, ctx: ViewContext, areaCode: string): AreaPanel {
  let closed = false;
  let live: LiveArea | undefined;
  replaceChildren(host, h("p", { class: "muted" }, `Loading ${areaCode}…`));
  ctx.hoard.watchArea(areaCode).then(
    (watch) => {
      if (closed) void watch.close();
      else live = new LiveArea(host, ctx, watch);
    },
    (error: unknown) => {
      if (!closed) replaceChildren(host, errorBox(error));
    },
  );
  return {
    areaCode,
    close() {
      closed = true;
      live?.close();
    },
  };
}

class LiveArea {
  private readonly timeline = new AreaTimeline(windowMinutes * 60_000);
  private readonly total = h("strong", { "data-testid": "area-total" });
  private readonly asOf = h("span", { class: "muted small" });
  private readonly empty = h("p", { class: "muted", hidden: true }, "Nobody plays here right now.");
  /** The sparkline has no axes: its low and high say what its shape spans. */
  private readonly range = h("span", { class: "spark-range", "data-testid": "sparkline-range" });
  private readonly problem = h("div");
  private readonly modes: KeyedList<ModeRow>;
  private readonly bars: BarChart;
  private readonly sparkline: TimeChart;
  private readonly frame = frameScheduler(() => this.draw());
  private readonly stops: (() => void)[] = [];
  private readonly clock: ReturnType<typeof setInterval>;
  private drawn: AreaStats | undefined;

  constructor(
    host: HTMLElement,
    private readonly ctx: ViewContext,
    private readonly watch: AreaWatch,
  ) {
    const modeBody = h("tbody");
    this.modes = keyedList<ModeRow>(modeBody, {
      key: (row) => row.mode,
      create: (row) =>
        h(
          "tr",
          { "data-mode": row.mode },
          h("td", { class: "mode" }, row.mode),
          h("td", { class: "num players" }),
          h("td", { class: "num share" }),
        ),
      update: (tr, row) => {
        setText(tr.querySelector(".players") as Element, formatNumber(row.players));
        setText(tr.querySelector(".share") as Element, `${Math.round(row.share * 100)} %`);
      },
    });
    const barHost = h("div", { class: "chart", "data-testid": "mode-bars" });
    const sparkHost = h("div", { class: "chart sparkline", "data-testid": "area-sparkline" });

    replaceChildren(
      host,
      h(
        "article",
        { class: "area", "data-area": watch.areaCode },
        h(
          "header",
          { class: "area-head" },
          h("div", null, h("h2", null, watch.areaCode), this.asOf),
          h("div", { class: "version-box", title: "Players in this area now" }, h("span", null, "players"), this.total),
        ),
        this.problem,
        h(
          "div",
          { class: "area-grid" },
          h("section", { class: "card" }, h("h3", null, "Mode popularity ", liveDot(ctx.hoard)), barHost, this.empty),
          h(
            "section",
            { class: "card" },
            h("h3", null, "Modes"),
            h(
              "table",
              { class: "modes", "data-testid": "modes" },
              h(
                "thead",
                null,
                h("tr", null, h("th", null, "Mode"), h("th", { class: "num" }, "Players"), h("th", { class: "num" }, "Share")),
              ),
              modeBody,
            ),
          ),
        ),
        h("section", { class: "card" }, h("h3", null, `Players, last ${windowMinutes} minutes `, this.range), sparkHost),
      ),
    );

    this.bars = barChart(barHost, { label: "players", xLabel: "mode", yLabel: "players" });
    this.sparkline = timeChart(sparkHost, {
      series: [{ label: "players", fill: true }],
      height: 150,
      yLabel: "players",
      spanSeconds: windowMinutes * 60,
    });
    this.stops.push(
      watch.on("change", (stats) => {
        this.timeline.addStats(stats);
        this.frame.schedule();
      }),
      watch.on("error", (error) => replaceChildren(this.problem, errorBox(error))),
    );
    this.timeline.addStats(watch.stats);
    this.clock = setInterval(() => this.drawSparkline(), tickMs);
    this.draw();
    void this.loadHistory();
  }

  close(): void {
    this.frame.cancel();
    clearInterval(this.clock);
    for (const stop of this.stops) stop();
    this.bars.destroy();
    this.sparkline.destroy();
    void this.watch.close();
  }

  private async loadHistory(): Promise<void> {
    try {
      const since = new Date(Date.now() - windowMinutes * 60_000).toISOString();
      const { samples } = await this.ctx.hoard.presence.history(this.watch.areaCode, { since, limit: 500 });
      this.timeline.addSamples(samples);
      this.drawSparkline();
    } catch (error) {
      replaceChildren(this.problem, errorBox(error));
    }
  }

  private draw(): void {
    const stats = this.watch.stats;
    setText(this.total, formatNumber(stats.total));
    setText(this.asOf, `as of ${clockTime(stats.asOf)}`);
    this.modes.set(stats.modes.map((m) => ({ ...m, share: stats.total === 0 ? 0 : m.players / stats.total })));
    this.bars.setData(
      stats.modes.map((m) => m.mode),
      stats.modes.map((m) => m.players),
    );
    this.empty.hidden = stats.total > 0;
    this.drawSparkline();
    if (this.drawn) {
      const touched = changedModes(this.drawn, stats).flatMap((mode) => this.modes.get(mode) ?? []);
      if (this.drawn.total !== stats.total) touched.push(this.total);
      flash(touched);
    }
    this.drawn = stats;
  }

  private drawSparkline(): void {
    const { x, y } = this.timeline.series(Date.now());
    this.sparkline.setData(x, y);
    setText(this.range, y.length === 0 ? "" : `low ${formatNumber(Math.min(...y))} · high ${formatNumber(Math.max(...y))}`);
  }
}
