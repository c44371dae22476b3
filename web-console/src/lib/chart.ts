import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

/**
 * Charts for every view, drawn by uPlot (small and fast; it redraws thousands of points per
 * frame). This wrapper gives them one look: colours from the theme's CSS variables, the width
 * of their container (kept on resize), and time on the x axis.
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

export function timeChart(host: HTMLElement, options: { series: ChartSeries[]; height?: number; yLabel?: string }): TimeChart {
  const height = options.height ?? 180;
  const style = getComputedStyle(document.documentElement);
  const themed = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const axisColor = themed("--muted", "#666");
  const gridColor = themed("--grid", "rgba(0,0,0,0.08)");
  const axis: uPlot.Axis = { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1 } };

  const plot = new uPlot(
    {
      width: Math.max(host.clientWidth, 200),
      height,
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [axis, { ...axis, ...(options.yLabel ? { label: options.yLabel } : {}), size: 56 }],
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      series: [
        {},
        ...options.series.map((series, i) => {
          const stroke = series.color ?? themed(`--chart-${(i % 4) + 1}`, "#2f5bd3");
          return { label: series.label, stroke, width: 2, ...(series.fill ? { fill: `${stroke}22` } : {}) };
        }),
      ],
    },
    [[], ...options.series.map(() => [])],
    host,
  );

  const resize = new ResizeObserver(() => {
    const width = host.clientWidth;
    if (width > 0 && width !== plot.width) plot.setSize({ width, height });
  });
  resize.observe(host);

  return {
    setData: (x, ...ys) => plot.setData([x as number[], ...(ys as (number | null)[][])]),
    destroy: () => {
      resize.disconnect();
      plot.destroy();
    },
  };
}
