import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { fetchHealth, parsePrometheusText } from "./node-status.js";

describe("fetchHealth", () => {
  it("says the node is unreachable (CLIENT_UNREACHABLE) when nothing answers, not a bare fetch failure", async () => {
    // A port that was free a moment ago: nothing listens on it.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    await expect(fetchHealth(`http://127.0.0.1:${port}`)).rejects.toMatchObject({
      code: "CLIENT_UNREACHABLE",
      message: expect.stringContaining("node unreachable"),
    });
  });
});

describe("parsePrometheusText", () => {
  it("reads names, labels and values and skips comments", () => {
    const text = [
      "# HELP hoard_connections Open socket connections",
      "# TYPE hoard_connections gauge",
      'hoard_connections{node="a"} 3',
      'hoard_requests_total{event="items:get",transport="socket",outcome="ok",node="a"} 12',
      "process_start_time_seconds 1700000000 1700000000123",
      "",
    ].join("\n");
    expect(parsePrometheusText(text)).toEqual([
      { name: "hoard_connections", labels: { node: "a" }, value: 3 },
      { name: "hoard_requests_total", labels: { event: "items:get", transport: "socket", outcome: "ok", node: "a" }, value: 12 },
      { name: "process_start_time_seconds", labels: {}, value: 1700000000 },
    ]);
  });

  it("unescapes label values and reads infinities and NaN", () => {
    const [bucket, odd, nan] = parsePrometheusText(['h_bucket{le="+Inf"} 7', 'odd{path="a\\"b\\\\c\\nd"} -Inf', "gauge NaN"].join("\n"));
    expect(bucket).toEqual({ name: "h_bucket", labels: { le: "+Inf" }, value: 7 });
    expect(odd).toEqual({ name: "odd", labels: { path: 'a"b\\c\nd' }, value: Number.NEGATIVE_INFINITY });
    expect(nan?.value).toBeNaN();
  });

  it("ignores a label that would reach the prototype", () => {
    const [sample] = parsePrometheusText('m{__proto__="x",ok="y"} 1');
    expect(sample?.labels).toEqual({ ok: "y" });
    expect(Object.getPrototypeOf(sample?.labels)).toBe(Object.prototype);
  });
});
