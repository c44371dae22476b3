import type { MetricSample } from "@hoard/client-sdk";
import { describe, expect, it } from "vitest";
import { eventRate, quantileBound, ratesBetween, readNode } from "./readings";

const health = { status: "ok", nodeId: "n1", version: "0.1.0", store: "sqlite", uptime: 10 };

/** Samples shaped like prom-client's output for a node that handled `ok` and `refused` apply calls. */
function samples(options: { ok: number; refused: number; pushes: number; cpu: number; connections?: number }): MetricSample[] {
  const node = { node: "n1" };
  return [
    { name: "hoard_connections", labels: node, value: options.connections ?? 2 },
    { name: "hoard_requests_total", labels: { ...node, event: "inventory:apply", transport: "socket", outcome: "ok" }, value: options.ok },
    {
      name: "hoard_requests_total",
      labels: { ...node, event: "inventory:apply", transport: "socket", outcome: "WALLET_INSUFFICIENT_FUNDS" },
      value: options.refused,
    },
    { name: "hoard_request_duration_seconds_bucket", labels: { ...node, event: "inventory:apply", le: "0.001" }, value: 50 },
    { name: "hoard_request_duration_seconds_bucket", labels: { ...node, event: "inventory:apply", le: "+Inf" }, value: 100 },
    { name: "hoard_request_duration_seconds_bucket", labels: { ...node, event: "inventory:apply", le: "0.01" }, value: 99 },
    { name: "hoard_pushes_total", labels: { ...node, type: "inventory" }, value: options.pushes },
    { name: "hoard_process_cpu_seconds_total", labels: node, value: options.cpu },
    { name: "hoard_process_resident_memory_bytes", labels: node, value: 1024 },
  ];
}

describe("node readings", () => {
  it("sums requests, refusals and pushes, and sorts latency buckets", () => {
    const reading = readNode(health, samples({ ok: 90, refused: 10, pushes: 90, cpu: 1 }), 0);
    expect(reading).toMatchObject({ connections: 2, requests: 100, refused: 10, pushes: 90, cpuSeconds: 1, rssBytes: 1024 });
    expect(reading.events.get("inventory:apply")?.buckets.map((b) => b.le)).toEqual([0.001, 0.01, Number.POSITIVE_INFINITY]);
  });

  it("turns two readings into rates per second, and survives a restart", () => {
    const before = readNode(health, samples({ ok: 90, refused: 10, pushes: 90, cpu: 1 }), 0);
    const after = readNode(health, samples({ ok: 290, refused: 30, pushes: 290, cpu: 1.5 }), 2000);
    expect(ratesBetween(before, after)).toEqual({
      requestsPerSecond: 110,
      pushesPerSecond: 100,
      messagesPerSecond: 210,
      refusedPerSecond: 10,
      cpuPercent: 25,
    });
    expect(eventRate("inventory:apply", before, after)).toBe(110);
    expect(eventRate("inventory:apply", undefined, after)).toBeUndefined();
    const restarted = readNode(health, samples({ ok: 4, refused: 0, pushes: 4, cpu: 0.1 }), 4000);
    expect(ratesBetween(after, restarted).requestsPerSecond).toBe(2);
  });

  it("bounds a quantile by the first bucket that holds it", () => {
    const buckets = readNode(health, samples({ ok: 1, refused: 0, pushes: 0, cpu: 0 }), 0).events.get("inventory:apply")?.buckets ?? [];
    expect(quantileBound(buckets, 0.5)).toBe(0.001);
    expect(quantileBound(buckets, 0.99)).toBe(0.01);
    expect(quantileBound(buckets, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(quantileBound([], 0.5)).toBeUndefined();
  });
});
