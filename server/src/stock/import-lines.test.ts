import { StockImportLine } from "@hoard/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fastRow, parseCsvHeader, parseCsvLine, parseNdjsonLine, splitLines } from "./import-lines";

const good = { key: "supplier1/component12/unit3", day: "2025-01-31", partitions: { p0: 5, p1: 0 } };

/** Every line split out of the chunks, as [number, text] (text null when too long). */
async function linesOf(chunks: Array<string | Uint8Array>, maxChars?: number): Promise<Array<[number, string | null]>> {
  async function* source() {
    yield* chunks;
  }
  const out: Array<[number, string | null]> = [];
  for await (const chunk of splitLines(source(), maxChars)) {
    chunk.lines.forEach((text, i) => {
      out.push([chunk.first + i, text]);
    });
  }
  return out;
}

describe("NDJSON lines", () => {
  it("parses a good line into a row of day number and partitions", () => {
    expect(parseNdjsonLine(JSON.stringify(good))).toEqual({
      ok: true,
      row: {
        key: good.key,
        day: 20119,
        partitions: { p0: 5, p1: 0 },
      },
    });
  });

  it.each([
    ["{not json", "not valid JSON"],
    [JSON.stringify({ ...good, day: "2025-02-29" }), "day: a real calendar date YYYY-MM-DD, 1970 or later"],
    [JSON.stringify({ ...good, key: "a//b" }), /^key: /],
    [JSON.stringify({ ...good, partitions: { p0: -1 } }), /^partitions\.p0: /],
    [JSON.stringify({ ...good, extra: 1 }), /extra/],
    [JSON.stringify([good]), /expected object/],
  ])("reports %s as bad", (text, message) => {
    const parsed = parseNdjsonLine(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });

  it("the fast path agrees with the schema", () => {
    const name = fc.oneof(fc.constantFrom("p0", "p1", "default", "A.b-c_d", "__proto__", "$inc", "", "x y"), fc.string({ maxLength: 4 }));
    const count = fc.oneof(fc.integer({ min: -3, max: 1e14 }), fc.constantFrom(0.5, Number.NaN, "3", null, 1e13, 1e13 + 1));
    const line = fc.record(
      {
        key: fc.oneof(fc.constantFrom("a", "s1/c2/u3", "a//b", "_a", "a/", "x".repeat(129)), fc.string({ maxLength: 8 })),
        day: fc.oneof(fc.constantFrom("2024-02-29", "2023-02-29", "1969-12-31", "2025-1-01"), fc.string({ maxLength: 10 })),
        partitions: fc.oneof(fc.dictionary(name, count, { maxKeys: 4 }), fc.constantFrom(null, [], "p0")),
        extra: fc.constant(1),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(line, (value) => {
        const schema = StockImportLine.safeParse(value);
        const fast = fastRow(value);
        // The fast path never accepts a line the schema refuses, and takes every good line the
        // schema takes whole (the schema silently drops a `__proto__` partition; the fast path
        // leaves that line to it).
        if (fast) expect(schema.success).toBe(true);
        const partitions = (value as { partitions?: unknown }).partitions;
        const dropsProto = typeof partitions === "object" && partitions !== null && Object.hasOwn(partitions, "__proto__");
        if (schema.success && Object.keys(value).length === Object.keys(schema.data).length && !dropsProto) {
          expect(fast?.partitions).toEqual(schema.data.partitions);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("CSV lines", () => {
  it("reads partition names from the header and counts from the cells; an empty cell is no partition", () => {
    const header = parseCsvHeader("key,day,p0,p1,p2");
    expect(header).toEqual({ ok: true, partitions: ["p0", "p1", "p2"] });
    expect(parseCsvLine(" s1/c2 ,2025-01-31,4,,0 ", ["p0", "p1", "p2"])).toEqual({
      ok: true,
      row: {
        key: "s1/c2",
        day: 20119,
        partitions: { p0: 4, p2: 0 },
      },
    });
  });

  it("refuses a header that is not key,day,<partitions>", () => {
    expect(parseCsvHeader("day,key,p0").ok).toBe(false);
    expect(parseCsvHeader("key,day,p0,p0").ok).toBe(false);
    expect(parseCsvHeader("key,day,$bad").ok).toBe(false);
  });

  it.each([
    ["s1,2025-01-31,4", "expected 4 cells, found 3"],
    ["s1,2025-01-31,4,x", "p1: not an integer"],
    ["s1,2025-01-31,4,1.5", "p1: not an integer"],
    ["s1,2025-01-31,-4,1", /^partitions\.p0: /],
    ["s1,31/01/2025,4,1", /^day: /],
  ])("reports %s as bad", (text, message) => {
    const parsed = parseCsvLine(text, ["p0", "p1"]);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});

describe("splitLines", () => {
  it("numbers lines across chunk boundaries, LF and CRLF, with a last line without newline", async () => {
    const lines = await linesOf(["a\r\nb", "c\n\nd"]);
    expect(lines).toEqual([
      [1, "a"],
      [2, "bc"],
      [3, ""],
      [4, "d"],
    ]);
  });

  it("decodes a UTF-8 character split between chunks", async () => {
    const bytes = new TextEncoder().encode("é\n");
    const lines = await linesOf([bytes.slice(0, 1), bytes.slice(1)]);
    expect(lines).toEqual([[1, "é"]]);
  });

  it("reports a line that is too long without keeping it, and goes on", async () => {
    const lines = await linesOf(["ok\n", "x".repeat(30), "x".repeat(30), "\nnext\n"], 40);
    expect(lines).toEqual([
      [1, "ok"],
      [2, null],
      [3, "next"],
    ]);
  });
});
