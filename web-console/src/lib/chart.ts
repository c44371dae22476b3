import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

/**
 * Charts for every view, drawn by uPlot (small and fast; it redraws thousands of points per
 * frame). This wrapper gives them one look: colours from the theme's CSS variables, the width
 * of their container (kept on resize), and either time or named categories on the x axis.
 */
export interface ChartSeries {
  label: string;
  /** A CSS colour; defaults to the theme's palette in order (--chart-1, --chart-2, …). */
  color?: string;
  /** Fill the area under the line. */
  fill?: boolean;
}

export interface TimeChart {
  /** x: seconds since the epoch; one array of y values per series, aligned with x. */
  setData(x: readonly number[], ...ys: readonly (readonly (number | null)[])[]): void;
  destroy(): void;
}

export interface BarChart {
  /** One bar per label, in this order. */
  setData(labels: readonly string[], values: readonly number[]): void;
  destroy(): void;
}

/** A time series chart: a time axis, a labelled value axis (say the unit in `yLabel`), a legend. */
export function timeChart(
  host: HTMLElement,
  options: {
    series: ChartSeries[];
    height?: number;
    yLabel?: string;
    /** Always show this many seconds up to the last point, even while fewer are known. */
    spanSeconds?: number;
  },
): TimeChart {
  const height = options.height ?? 180;
  const theme = readTheme();
  const axes: uPlot.Axis[] = [theme.axis, { ...theme.axis, ...(options.yLabel ? { label: options.yLabel } : {}), size: 56 }];
  const plot = new uPlot(
    {
      width: widthOf(host),
      height,
      scales: {
        x: {
          time: true,
          ...(options.spanSeconds === undefined
            ? {}
            : { range: (_u, _min, max): uPlot.Range.MinMax => [max - (options.spanSeconds as number), max] }),
        },
        // Counts from zero, so a chart never exaggerates a small change.
        y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
      },
      axes,
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      series: [
        {},
        ...options.series.map((series, i) => {
          const stroke = series.color ?? theme.palette(i);
          return {
            label: series.label,
            stroke,
            width: 2,
            ...(series.fill ? { fill: `${stroke}22` } : {}),
          };
        }),
      ],
    },
    [[], ...options.series.map(() => [])],
    host,
  );
  const stopResize = keepWidth(host, plot, height);
  return {
    setData: (x, ...ys) => plot.setData([x as number[], ...(ys as (number | null)[][])]),
    destroy: () => {
      stopResize();
      plot.destroy();
    },
  };
}

/**
 * A bar chart of named categories (modes, items), each bar labelled with its value. The values
 * drawn are also written to the host's `data-bars` ("duel=3,ffa=1"), so a test (or an operator's
 * devtools) can read what the canvas shows.
 */
export function barChart(
  host: HTMLElement,
  options: { label: string; height?: number; color?: string /** The axis titles, with units. */; xLabel?: string; yLabel?: string },
): BarChart {
  const height = options.height ?? 200;
  const theme = readTheme();
  const color = options.color ?? theme.palette(0);
  let labels: readonly string[] = [];
  const plot = new uPlot(
    {
      width: widthOf(host),
      height,
      scales: {
        // Set on every setData: one slot per label, whatever the data (uPlot's own fit misplaces a lone bar).
        x: { time: false, auto: false, min: -0.5, max: 0.5 },
        y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.2))] },
      },
      axes: [
        {
          ...theme.axis,
          ...(options.xLabel ? { label: options.xLabel, labelSize: 20 } : {}),
          grid: { show: false },
          splits: () => labels.map((_, i) => i),
          // Names are shown whole: level while they fit their slot, tilted (and the axis taller) when not.
          values: (_u, splits) => splits.map((i) => labels[i] ?? ""),
          rotate: (u) => (labelsFit(u, labels) ? 0 : tiltDegrees),
          size: (u) => (labelsFit(u, labels) ? 32 : 24 + Math.ceil(longest(labels) * charPx * Math.sin((tiltDegrees * Math.PI) / 180))),
        },
        { ...theme.axis, size: 48, ...(options.yLabel ? { label: options.yLabel, labelSize: 20 } : {}) },
      ],
      legend: { show: false },
      cursor: { show: false },
      series: [
        {},
        {
          label: options.label,
          stroke: color,
          fill: `${color}cc`,
          width: 0,
          paths: uPlot.paths.bars?.({ size: [0.6, 72] }),
          points: { show: false },
        },
      ],
      hooks: {
        // Each bar's value above it: the chart answers "how many" without a hover.
        draw: [
          (u) => {
            const xs = u.data[0];
            const ys = u.data[1] ?? [];
            const { ctx } = u;
            ctx.save();
            ctx.fillStyle = theme.text;
            ctx.font = `${Math.round(12 * devicePixelRatio)}px system-ui, sans-serif`;
            ctx.textAlign = "center";
            ctx.textBaseline = "bottom";
            xs.forEach((x, i) => {
              const y = ys[i];
              if (y === null || y === undefined) return;
              ctx.fillText(String(y), u.valToPos(x, "x", true), u.valToPos(y, "y", true) - 3 * devicePixelRatio);
            });
            ctx.restore();
          },
        ],
      },
    },
    [[], []],
    host,
  );
  const stopResize = keepWidth(host, plot, height);
  return {
    setData(next, values) {
      labels = [...next];
      host.dataset.bars = labels.map((label, i) => `${label}=${values[i] ?? 0}`).join(",");
      plot.batch(() => {
        plot.setData([labels.map((_, i) => i), [...values]]);
        plot.setScale("x", { min: -0.5, max: Math.max(1, labels.length) - 0.5 });
      });
    },
    destroy: () => {
      stopResize();
      plot.destroy();
    },
  };
}

interface Theme {
  axis: uPlot.Axis;
  text: string;
  palette(index: number): string;
}

function readTheme(): Theme {
  const style = getComputedStyle(document.documentElement);
  const themed = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const gridColor = themed("--grid", "rgba(0,0,0,0.08)");
  return {
    axis: { stroke: themed("--muted", "#666"), grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1 } },
    text: themed("--text", "#1b2130"),
    palette: (index) => themed(`--chart-${(index % 4) + 1}`, "#2f5bd3"),
  };
}

function widthOf(host: HTMLElement): number {
  return Math.max(host.clientWidth, 200);
}

/** Follows the container's width; returns the function that stops following. */
function keepWidth(host: HTMLElement, plot: uPlot, height: number): () => void {
  const resize = new ResizeObserver(() => {
    const width = host.clientWidth;
    if (width > 0 && width !== plot.width) plot.setSize({ width, height });
  });
  resize.observe(host);
  return () => resize.disconnect();
}

/** An axis label's average width per character at 12 px, and the tilt of labels too long for their slot. */
const charPx = 7;
const tiltDegrees = 35;

function longest(labels: readonly string[]): number {
  return Math.max(0, ...labels.map((label) => label.length));
}

function labelsFit(u: uPlot, labels: readonly string[]): boolean {
  const slot = u.bbox.width / devicePixelRatio / Math.max(1, labels.length);
  return longest(labels) * charPx + 8 <= slot;
}
