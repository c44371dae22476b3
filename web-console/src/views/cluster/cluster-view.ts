import { timeChart } from "../../lib/chart";
import { h, setText } from "../../lib/dom";
import { formatBytes, formatDuration, formatNumber, formatRate } from "../../lib/format";
import { keyedList } from "../../lib/keyed";
import { poll } from "../../lib/polling";
import type { ConsoleView } from "../../view";
import { eventRate, type NodeRates, type NodeReading, quantileBound, ratesBetween, readNode } from "./readings";

const pollMs = 2000;
/** Five minutes of points on the charts. */
const keepPoints = 150;

/**
 * `#/cluster`: the nodes, their connections and traffic. Polls `/health` and `/metrics` of the
 * node serving the console through the SDK (`hoard.node`); rates are differences between two
 * polls.
 */
export const clusterView: ConsoleView = {
  id: "cluster",
  title: "Cluster",
  summary: "Nodes, connections and messages per second, polled every 2 s from /health and /metrics.",
  mount(host, ctx) {
    const stat = (label: string, testId: string) => {
      const value = h("strong", { "data-testid": testId }, "—");
      return { value, el: h("div", { class: "stat card" }, h("span", { class: "stat-label" }, label), value) };
    };
    const stats = {
      connections: stat("Connections", "stat-connections"),
      messages: stat("Messages / s", "stat-messages"),
      refused: stat("Refused / s", "stat-refused"),
      cpu: stat("CPU", "stat-cpu"),
      memory: stat("Memory (RSS)", "stat-memory"),
      lag: stat("Event-loop lag p99", "stat-lag"),
    };
    const problem = h("div");
    const nodeBody = h("tbody");
    const eventBody = h("tbody");
    const trafficChart = h("div", { class: "chart" });
    const connectionChart = h("div", { class: "chart" });

    host.append(
      problem,
      h(
        "section",
        { class: "card" },
        h("h3", null, "Nodes"),
        h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "nodes", "data-testid": "nodes" },
            h(
              "thead",
              null,
              h(
                "tr",
                null,
                ["Node", "Status", "Version", "Store", "Uptime", "Connections", "Messages / s"].map((label, i) =>
                  h("th", i >= 5 ? { class: "num" } : null, label),
                ),
              ),
            ),
            nodeBody,
          ),
        ),
        h("p", { class: "muted small" }, "The node serving this console."),
      ),
      h(
        "div",
        { class: "stats" },
        Object.values(stats).map((s) => s.el),
      ),
      h(
        "div",
        { class: "charts" },
        h("section", { class: "card" }, h("h3", null, "Messages / s"), trafficChart),
        h("section", { class: "card" }, h("h3", null, "Connections"), connectionChart),
      ),
      h(
        "section",
        { class: "card" },
        h("h3", null, "Events"),
        h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "events" },
            h(
              "thead",
              null,
              h(
                "tr",
                null,
                ["Event", "Handled", "Per s", "Refused", "p50 ≤", "p99 ≤"].map((label, i) =>
                  h("th", i > 0 ? { class: "num" } : null, label),
                ),
              ),
            ),
            eventBody,
          ),
        ),
      ),
    );

    const traffic = timeChart(trafficChart, { series: [{ label: "requests", fill: true }, { label: "pushes" }] });
    const connectionsPlot = timeChart(connectionChart, { series: [{ label: "connections", fill: true }] });
    // The first poll has no rate yet: its point is a gap, not a fake zero.
    const series = { x: [] as number[], requests: [] as (number | null)[], pushes: [] as (number | null)[], connections: [] as number[] };

    const nodes = keyedList<{ reading: NodeReading; rates: NodeRates | undefined }>(nodeBody, {
      key: ({ reading }) => reading.health.nodeId,
      create: () =>
        h(
          "tr",
          null,
          Array.from({ length: 7 }, (_, i) => h("td", i >= 5 ? { class: "num" } : null)),
        ),
      update: (row, { reading, rates }) => {
        const cells = [
          reading.health.nodeId,
          reading.health.status,
          reading.health.version,
          reading.health.store,
          formatDuration(reading.health.uptime),
          formatNumber(reading.connections),
          rates ? formatRate(rates.messagesPerSecond) : "—",
        ];
        cells.forEach((text, i) => {
          const cell = row.children[i];
          if (cell) setText(cell, text);
        });
        row.dataset.status = reading.health.status;
      },
    });
    const events = keyedList<[string, NodeReading, NodeReading | undefined]>(eventBody, {
      key: ([event]) => event,
      create: () =>
        h(
          "tr",
          null,
          Array.from({ length: 6 }, (_, i) => h("td", i > 0 ? { class: "num" } : null)),
        ),
      update: (row, [event, reading, before]) => {
        const data = reading.events.get(event);
        const rate = eventRate(event, before, reading);
        const cells = [
          event,
          formatNumber(data?.requests ?? 0),
          rate === undefined ? "—" : formatRate(rate),
          formatNumber(data?.refused ?? 0),
          latency(quantileBound(data?.buckets ?? [], 0.5)),
          latency(quantileBound(data?.buckets ?? [], 0.99)),
        ];
        cells.forEach((text, i) => {
          const cell = row.children[i];
          if (cell) setText(cell, text);
        });
      },
    });

    let previous: NodeReading | undefined;
    const stopPolling = poll({
      everyMs: pollMs,
      problem,
      hoard: ctx.hoard,
      read: () => Promise.all([ctx.hoard.node.health(), ctx.hoard.node.metrics()]),
      show: ([health, samples]) => {
        const reading = readNode(health, samples, Date.now());
        const rates = previous ? ratesBetween(previous, reading) : undefined;
        nodes.set([{ reading, rates }]);
        setText(stats.connections.value, formatNumber(reading.connections));
        setText(stats.messages.value, rates ? formatRate(rates.messagesPerSecond) : "—");
        setText(stats.refused.value, rates ? formatRate(rates.refusedPerSecond) : "—");
        setText(stats.cpu.value, rates ? `${Math.round(rates.cpuPercent)} %` : "—");
        setText(stats.memory.value, formatBytes(reading.rssBytes));
        setText(stats.lag.value, `${(reading.eventLoopLagP99Seconds * 1000).toFixed(1)} ms`);
        const names = [...reading.events.keys()].filter((name) => (reading.events.get(name)?.requests ?? 0) > 0).sort();
        events.set(names.map((name) => [name, reading, previous] as [string, NodeReading, NodeReading | undefined]));

        series.x.push(reading.at / 1000);
        series.requests.push(rates?.requestsPerSecond ?? null);
        series.pushes.push(rates?.pushesPerSecond ?? null);
        series.connections.push(reading.connections);
        for (const values of Object.values(series)) values.splice(0, Math.max(0, values.length - keepPoints));
        traffic.setData(series.x, series.requests, series.pushes);
        connectionsPlot.setData(series.x, series.connections);
        previous = reading;
      },
    });

    return {
      unmount() {
        stopPolling();
        traffic.destroy();
        connectionsPlot.destroy();
      },
    };
  },
};

function latency(seconds: number | undefined): string {
  if (seconds === undefined) return "—";
  if (!Number.isFinite(seconds)) return "> 1 s";
  return seconds < 1 ? `${formatNumber(seconds * 1000)} ms` : `${formatNumber(seconds)} s`;
}
