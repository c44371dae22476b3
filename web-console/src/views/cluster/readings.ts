import type { MetricSample, NodeHealth } from "@hoard/client-sdk";

/**
 * What the cluster view reads from a node's `/health` and `/metrics`, reduced to the numbers
 * an operator watches. Pure, so it is unit-tested in Node.
 */
export interface NodeReading {
  /** Milliseconds since the epoch, when the reading was taken. */
  at: number;
  health: NodeHealth;
  connections: number;
  /** Counters since the node started. */
  requests: number;
  refused: number;
  pushes: number;
  cpuSeconds: number;
  rssBytes: number;
  eventLoopLagP99Seconds: number;
  events: Map<string, EventReading>;
}

interface EventReading {
  requests: number;
  refused: number;
  /** Cumulative latency histogram: requests answered within `le` seconds. */
  buckets: { le: number; count: number }[];
}

export interface NodeRates {
  requestsPerSecond: number;
  pushesPerSecond: number;
  /** Requests handled plus pushes sent: what the node's sockets carry. */
  messagesPerSecond: number;
  refusedPerSecond: number;
  /** Share of one core, in percent. */
  cpuPercent: number;
}

export function readNode(health: NodeHealth, samples: readonly MetricSample[], at: number): NodeReading {
  const reading: NodeReading = {
    at,
    health,
    connections: 0,
    requests: 0,
    refused: 0,
    pushes: 0,
    cpuSeconds: 0,
    rssBytes: 0,
    eventLoopLagP99Seconds: 0,
    events: new Map(),
  };
  const eventOf = (name: string | undefined) => {
    const key = name ?? "?";
    let event = reading.events.get(key);
    if (!event) {
      event = { requests: 0, refused: 0, buckets: [] };
      reading.events.set(key, event);
    }
    return event;
  };
  for (const sample of samples) {
    switch (sample.name) {
      case "hoard_connections":
        reading.connections += sample.value;
        break;
      case "hoard_requests_total": {
        const event = eventOf(sample.labels.event);
        event.requests += sample.value;
        reading.requests += sample.value;
        if (sample.labels.outcome !== "ok") {
          event.refused += sample.value;
          reading.refused += sample.value;
        }
        break;
      }
      case "hoard_request_duration_seconds_bucket":
        eventOf(sample.labels.event).buckets.push({ le: Number(sample.labels.le?.replace(/^\+Inf$/, "Infinity")), count: sample.value });
        break;
      case "hoard_pushes_total":
        reading.pushes += sample.value;
        break;
      case "hoard_process_cpu_seconds_total":
        reading.cpuSeconds = sample.value;
        break;
      case "hoard_process_resident_memory_bytes":
        reading.rssBytes = sample.value;
        break;
      case "hoard_nodejs_eventloop_lag_p99_seconds":
        reading.eventLoopLagP99Seconds = sample.value;
        break;
    }
  }
  for (const event of reading.events.values()) event.buckets.sort((a, b) => a.le - b.le);
  return reading;
}

/** Rates between two readings of the same node. A counter that went down means the node restarted. */
export function ratesBetween(before: NodeReading, after: NodeReading): NodeRates {
  const seconds = Math.max((after.at - before.at) / 1000, 0.001);
  const rate = (a: number, b: number) => (b >= a ? b - a : b) / seconds;
  const requestsPerSecond = rate(before.requests, after.requests);
  const pushesPerSecond = rate(before.pushes, after.pushes);
  return {
    requestsPerSecond,
    pushesPerSecond,
    messagesPerSecond: requestsPerSecond + pushesPerSecond,
    refusedPerSecond: rate(before.refused, after.refused),
    cpuPercent: rate(before.cpuSeconds, after.cpuSeconds) * 100,
  };
}

/** Requests per second of one event between two readings. */
export function eventRate(event: string, before: NodeReading | undefined, after: NodeReading): number | undefined {
  const a = before?.events.get(event);
  const b = after.events.get(event);
  if (!before || !b) return undefined;
  const seconds = Math.max((after.at - before.at) / 1000, 0.001);
  const previous = a?.requests ?? 0;
  return (b.requests >= previous ? b.requests - previous : b.requests) / seconds;
}

/**
 * The smallest bucket bound that holds the q-quantile of a cumulative histogram: "p99 ≤ 5 ms".
 * Undefined when there are no observations; Infinity when it lies above the last finite bound.
 */
export function quantileBound(buckets: readonly { le: number; count: number }[], q: number): number | undefined {
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return undefined;
  const rank = q * total;
  return buckets.find((bucket) => bucket.count >= rank)?.le;
}
