import type { NodeCard } from "@hoard/client-sdk";
import { timeChart } from "../../lib/chart";
import { h, setText } from "../../lib/dom";
import { formatBytes, formatDuration, formatNumber, formatRate } from "../../lib/format";
import { keyedList } from "../../lib/keyed";
import { poll } from "../../lib/polling";
import type { ConsoleView } from "../../view";
import { connectionsPanel } from "./connections-panel";
import { eventRate, type NodeReading, quantileBound, ratesBetween, readNode } from "./readings";

const pollMs = 2000;
/** Five minutes of points on the charts. */
const keepPoints = 150;
const nodeColumns = [
  "Node",
  "Redis",
  "Version",
  "Store",
  "Uptime",
  "Connections",
  "Events / s",
  "Refused / s",
  "Internal errors",
  "Loop lag p99",
];
const firstNumber = 5;

/**
 * `#/cluster`: every node of the cluster (`cluster:nodes`: the cards the nodes beat into Redis,
 * or this node alone without Redis), a player's connections on every node, and the traffic of
 * the node serving the console (its `/health` and `/metrics` through `hoard.node`; rates are
 * differences between two polls). A failed poll leaves the history in place (a gap in the
 * charts) and says the node is unreachable.
 */
export const clusterView: ConsoleView = {
  id: "cluster",
  title: "Cluster",
  summary: "Every node of the cluster, a player's connections, and this node's traffic, polled every 2 s.",
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
    const nodeNote = h("p", { class: "muted small", "data-testid": "nodes-note" });
    const nodesProblem = h("div", { "data-testid": "nodes-problem" });
    const sockets = connectionsPanel(ctx);
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
                nodeColumns.map((label, i) => h("th", i >= firstNumber ? { class: "num" } : null, label)),
              ),
            ),
            nodeBody,
          ),
        ),
        nodesProblem,
        nodeNote,
      ),
      sockets.el,
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

    const traffic = timeChart(trafficChart, {
      series: [{ label: "requests", fill: true }, { label: "pushes" }],
      yLabel: "messages / s",
      spanSeconds: (keepPoints * pollMs) / 1000,
    });
    const connectionsPlot = timeChart(connectionChart, {
      series: [{ label: "connections", fill: true }],
      yLabel: "open sockets",
      spanSeconds: (keepPoints * pollMs) / 1000,
    });
    // The first poll has no rate yet: its point is a gap, not a fake zero.
    const series = {
      x: [] as number[],
      requests: [] as (number | null)[],
      pushes: [] as (number | null)[],
      connections: [] as (number | null)[],
    };

    const nodes = keyedList<{ card: NodeCard; servedBy: string }>(nodeBody, {
      key: ({ card }) => card.nodeId,
      create: () =>
        h(
          "tr",
          null,
          nodeColumns.map((_, i) => h("td", i >= firstNumber ? { class: "num" } : null)),
        ),
      update: (row, { card, servedBy }) => {
        const cells = [
          card.nodeId === servedBy ? `${card.nodeId} (this console)` : card.nodeId,
          card.redis === "off" ? "no Redis" : `Redis ${card.redis}`,
          card.version,
          card.store,
          formatDuration(card.uptime),
          formatNumber(card.connections),
          formatRate(card.eventsPerSecond),
          formatRate(card.refusedPerSecond),
          formatNumber(card.internalErrors),
          `${card.eventLoopLagMs.toFixed(1)} ms`,
        ];
        cells.forEach((text, i) => {
          const cell = row.children[i];
          if (cell) setText(cell, text);
        });
        row.dataset.node = card.nodeId;
        row.dataset.status = card.redis === "down" ? "degraded" : "ok";
      },
    });
    const stopNodes = poll({
      everyMs: pollMs,
      problem: nodesProblem,
      hoard: ctx.hoard,
      read: () => ctx.hoard.cluster.nodes(),
      show: (answer) => {
        nodes.set(answer.nodes.map((card) => ({ card, servedBy: answer.servedBy })));
        setText(
          nodeNote,
          answer.source === "redis"
            ? `Every node whose heartbeat reached Redis in the last ${formatNumber(answer.nodeTtlMs / 1000)} s; a node silent longer drops out. Rates are over the last second.`
            : answer.nodes[0]?.redis === "down"
              ? "Redis is down: only the node serving this console is known."
              : "This node alone: it runs without Redis.",
        );
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
        draw();
        previous = reading;
      },
      // The history stays; the missed poll is a gap, and the next rate starts afresh.
      failed: () => {
        series.x.push(Date.now() / 1000);
        series.requests.push(null);
        series.pushes.push(null);
        series.connections.push(null);
        draw();
        previous = undefined;
      },
    });
    const draw = () => {
      for (const values of Object.values(series)) values.splice(0, Math.max(0, values.length - keepPoints));
      traffic.setData(series.x, series.requests, series.pushes);
      connectionsPlot.setData(series.x, series.connections);
    };

    return {
      unmount() {
        stopPolling();
        stopNodes();
        sockets.destroy();
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
