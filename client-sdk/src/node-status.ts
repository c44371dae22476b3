import { HoardError } from "@hoard/protocol/client";

/** What a node answers on `GET /health`. */
export interface NodeHealth {
  status: string;
  nodeId: string;
  version: string;
  store: string;
  /** Seconds since the node started. */
  uptime: number;
}

/** One sample of a node's Prometheus metrics (`GET /metrics`), e.g. `hoard_connections{node="a"} 3`. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * Reads `GET /health` of the node at `baseUrl`.
 *
 * @example
 * const health = await fetchHealth("http://localhost:3000"); // { status: "ok", nodeId, version, store, uptime }
 */
export async function fetchHealth(baseUrl: string): Promise<NodeHealth> {
  return (await get(baseUrl, "/health")).json() as Promise<NodeHealth>;
}

/**
 * Reads `GET /metrics` of the node at `baseUrl` and parses it into samples. The node answers
 * only an `admin` or `server` token.
 *
 * @example
 * const samples = await fetchMetrics("http://localhost:3000", adminToken);
 * const connections = samples.find((s) => s.name === "hoard_connections")?.value;
 */
export async function fetchMetrics(baseUrl: string, token: string): Promise<MetricSample[]> {
  return parsePrometheusText(await (await get(baseUrl, "/metrics", token)).text());
}

async function get(baseUrl: string, path: string, token?: string): Promise<Response> {
  const headers: Record<string, string> = { accept: path === "/metrics" ? "text/plain" : "application/json" };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  // A network failure surfaces in browsers as a bare "Failed to fetch": say what it means.
  const response = await fetch(new URL(path, baseUrl), { headers }).catch((error: unknown) => {
    throw new HoardError("CLIENT_UNREACHABLE", `node unreachable: GET ${path} got no answer`, { cause: error });
  });
  if (!response.ok) throw new HoardError("INTERNAL", `GET ${path} answered ${response.status}`);
  return response;
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;

/**
 * Parses the Prometheus text exposition format (the subset prom-client writes): comments
 * are skipped, label values are unescaped, `NaN` and `±Inf` become numbers.
 *
 * @example
 * parsePrometheusText('hoard_requests_total{event="items:get",outcome="ok"} 4');
 * // [{ name: "hoard_requests_total", labels: { event: "items:get", outcome: "ok" }, value: 4 }]
 */
export function parsePrometheusText(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = sampleLine.exec(line);
    if (!match) continue;
    const [, name = "", labelText = "", valueText = ""] = match;
    const labels: Record<string, string> = {};
    labelPair.lastIndex = 0;
    for (let pair = labelPair.exec(labelText); pair; pair = labelPair.exec(labelText)) {
      const [, key = "", value = ""] = pair;
      if (key === "__proto__") continue;
      labels[key] = value.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    }
    samples.push({ name, labels, value: Number(valueText.replace(/^([+-]?)Inf$/, "$1Infinity")) });
  }
  return samples;
}
