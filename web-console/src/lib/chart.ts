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

/**
 * A time series chart. `compact` makes a sparkline: no axes, no legend, no cursor, just the
 * shape of the last minutes.
 */
export function timeChart(
  host: HTMLElement,
  options: {
    series: ChartSeries[];
    height?: number;
    yLabel?: string;
    compact?: boolean;
    /** Always show this many seconds up to the last point, even while fewer are known. */
    spanSeconds?: number;
  },
): TimeChart {
  const height = options.height ?? 180;
  const theme = readTheme();
  const axes: uPlot.Axis[] = options.compact
    ? [{ show: false }, { show: false }]
    : [theme.axis, { ...theme.axis, ...(options.yLabel ? { label: options.yLabel } : {}), size: 56 }];
  const plot = new uPlot(
    {
      width: widthOf(host),
      height,
      ...(options.compact ? { padding: [4, 2, 2, 2] as uPlot.Padding } : {}),
      scales: {
        x: {
          time: true,
          ...(options.spanSeconds === undefined
            ? {}
            : { range: (_u, _min, max): uPlot.Range.MinMax => [max - (options.spanSeconds as number), max] }),
        },
        // A sparkline shows the shape, so it spans the data; a full chart counts from zero.
        y: {
          range: options.compact
            ? (_u, min, max) => [Math.max(0, Math.floor(min - (max - min) * 0.15 - 1)), Math.ceil(max + (max - min) * 0.15 + 1)]
            : (_u, _min, max) => [0, Math.max(1, max * 1.1)],
        },
      },
      axes,
      legend: options.compact ? { show: false } : { live: false },
      cursor: options.compact ? { show: false } : { drag: { x: false, y: false } },
      series: [
        {},
        ...options.series.map((series, i) => {
          const stroke = series.color ?? theme.palette(i);
          return {
            label: series.label,
            stroke,
            width: 2,
            ...(series.fill ? { fill: `${stroke}22` } : {}),
            ...(options.compact ? { points: { show: false } } : {}),
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
export function barChart(host: HTMLElement, options: { label: string; height?: number; color?: string }): BarChart {
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
          size: 32,
          grid: { show: false },
          splits: () => labels.map((_, i) => i),
          // Labels are cut to the width of their slot, so neighbours never overlap.
          values: (u, splits) => {
            const chars = Math.max(3, Math.floor(u.bbox.width / devicePixelRatio / Math.max(1, labels.length) / 7.5));
            return splits.map((i) => shorten(labels[i] ?? "", chars));
          },
        },
        { ...theme.axis, size: 48 },
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

function shorten(label: string, chars: number): string {
  return label.length > chars ? `${label.slice(0, chars - 1)}…` : label;
}
