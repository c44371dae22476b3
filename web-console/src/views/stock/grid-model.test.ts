import type { StockPush } from "@hoard/client-sdk";
import { describe, expect, it } from "vitest";
import { StockGridModel } from "./grid-model";

const push = (fields: Partial<StockPush> & Pick<StockPush, "key" | "seq" | "from" | "to">): StockPush => ({
  type: "stock",
  topic: "stockprefix/acme",
  kind: "sell",
  opId: "op",
  ...fields,
});

function grid(): StockGridModel {
  const model = new StockGridModel("2026-03-01", 5);
  model.load(
    [
      { key: "acme/a", version: 3, totals: [10, 10, 10, 10, 10] },
      { key: "acme/c", version: 1, totals: [0, 0, 5, 0, 0] },
    ],
    null,
  );
  return model;
}

describe("StockGridModel", () => {
  it("spans the window's days", () => {
    expect(new StockGridModel("2026-02-27", 3).days).toEqual(["2026-02-27", "2026-02-28", "2026-03-01"]);
  });

  it("applies the next version's totals where its range meets the window", () => {
    const model = grid();
    // Range 2026-02-28..2026-03-02: the first day is outside the window, the last two inside.
    const outcome = model.apply(push({ key: "acme/a", seq: 4, from: "2026-02-28", to: "2026-03-02", totals: [7, 9, 10] }));
    expect(outcome).toEqual({ kind: "changed", days: [0] });
    expect(model.row("acme/a")).toEqual({ key: "acme/a", version: 4, totals: [9, 10, 10, 10, 10] });
  });

  it("ignores what it already shows and reads again after a gap or an import", () => {
    const model = grid();
    expect(model.apply(push({ key: "acme/a", seq: 3, from: "2026-03-01", to: "2026-03-01", totals: [1] }))).toEqual({ kind: "ignored" });
    expect(model.apply(push({ key: "acme/a", seq: 5, from: "2026-03-01", to: "2026-03-01", totals: [1] }))).toEqual({ kind: "reread" });
    expect(model.apply(push({ key: "acme/a", seq: 4, kind: "import", from: "2026-03-01", to: "2026-03-01" }))).toEqual({ kind: "reread" });
    expect(model.row("acme/a")?.version).toBe(3);
  });

  it("takes a re-read unless a push brought a newer version meanwhile", () => {
    const model = grid();
    const changed = model.setKey("acme/c", {
      version: 4,
      days: [
        { day: "2026-03-02", partitions: { p0: -2 }, total: -2 },
        { day: "2026-03-03", partitions: { p0: 5 }, total: 5 },
      ],
    });
    expect(changed).toEqual([1]);
    expect(model.row("acme/c")).toEqual({ key: "acme/c", version: 4, totals: [0, -2, 5, 0, 0] });
    expect(model.negativeCells()).toBe(1);
    expect(model.setKey("acme/c", { version: 2, days: [] })).toEqual([]);
    expect(model.row("acme/c")?.totals).toEqual([0, -2, 5, 0, 0]);
  });

  it("merges a listing read again, key by key, never going back a version", () => {
    const model = grid();
    model.apply(push({ key: "acme/a", seq: 4, from: "2026-03-01", to: "2026-03-01", totals: [8] }));
    const changed = model.merge([
      { key: "acme/a", version: 3, totals: [1, 1, 1, 1, 1] },
      { key: "acme/b", version: 9, totals: [1, 1, 1, 1, 1] },
      { key: "acme/c", version: 2, totals: [0, 0, 7, 7, 0] },
    ]);
    expect(changed).toEqual([
      ["acme/c", 2],
      ["acme/c", 3],
    ]);
    expect(model.row("acme/a")?.totals).toEqual([8, 10, 10, 10, 10]);
    expect(model.row("acme/c")).toEqual({ key: "acme/c", version: 2, totals: [0, 0, 7, 7, 0] });
    expect(model.row("acme/b")).toBeUndefined();
  });

  it("knows which unknown keys belong on the page", () => {
    const model = new StockGridModel("2026-03-01", 1, "acme/b");
    model.load([{ key: "acme/c", version: 1, totals: [1] }], "acme/c");
    expect(model.apply(push({ key: "acme/bb", seq: 1, from: "2026-03-01", to: "2026-03-01", totals: [1] }))).toEqual({ kind: "unknown" });
    expect(model.inPage("acme/bb")).toBe(true);
    expect(model.inPage("acme/a")).toBe(false);
    expect(model.inPage("acme/d")).toBe(false);
    model.load([{ key: "acme/c", version: 1, totals: [1] }], null);
    expect(model.inPage("acme/d")).toBe(true);
    expect(model.maxTotal()).toBe(1);
  });
});
