import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Prometheus metrics of one node, served at /metrics. One registry per app, so tests can run several. */
export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: "hoard_requests_total",
    help: "Requests handled, by event, transport and outcome (ok or an error code)",
    labelNames: ["event", "transport", "outcome"] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: "hoard_request_duration_seconds",
    help: "Time from parse to ack",
    labelNames: ["event"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly connections = new Gauge({ name: "hoard_connections", help: "Open socket connections", registers: [this.registry] });
  readonly connectionsCut = new Counter({
    name: "hoard_connections_cut_total",
    help: "Connections the node closed because the client left more than HOARD_MAX_BUFFERED_BYTES unread",
    registers: [this.registry],
  });
  readonly pushes = new Counter({
    name: "hoard_pushes_total",
    help: "Pushes published",
    labelNames: ["type"] as const,
    registers: [this.registry],
  });

  readonly redisPublishFailures = new Counter({
    name: "hoard_redis_publish_failures_total",
    help: "Pushes that could not be published to Redis (subscribers on other nodes resync when it is back)",
    registers: [this.registry],
  });
  readonly rateLimitFallbacks = new Counter({
    name: "hoard_rate_limit_fallbacks_total",
    help: "Requests limited by this node's own buckets because Redis did not answer",
    registers: [this.registry],
  });

  /** Plain running totals of what `requests` counts, for the node's card (cluster/node-card.ts) without a scrape. */
  readonly totals = { requests: 0, refused: 0, internal: 0 };

  /** Counts one handled request under its outcome (`ok` or an error code). */
  handled(labels: { event: string; transport: string; outcome: string }): void {
    this.requests.inc(labels);
    this.totals.requests++;
    if (labels.outcome === "INTERNAL") this.totals.internal++;
    else if (labels.outcome !== "ok") this.totals.refused++;
  }

  constructor(nodeId: string) {
    this.registry.setDefaultLabels({ node: nodeId });
    collectDefaultMetrics({ register: this.registry, prefix: "hoard_" });
  }

  /**
   * `hoard_<name>_up`, read at each scrape: 1 while a dependency this node is configured with
   * is up. Registered only for those, so a node without Redis exports no hoard_redis_up to alert on.
   */
  dependencyUp(name: "redis" | "mongo", help: string, isUp: () => boolean): void {
    new Gauge({
      name: `hoard_${name}_up`,
      help,
      registers: [this.registry],
      collect() {
        this.set(isUp() ? 1 : 0);
      },
    });
  }
}
