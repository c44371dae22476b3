import { dayNumber, isPartitionName, isStockKey, MAX_STOCK_COUNT, MAX_STOCK_PARTITIONS, StockImportLine } from "@hoard/protocol";
import type { StockImportRow } from "./port";

/**
 * Pure parsing of import lines, NDJSON or CSV, into rows. A bad line is an error message,
 * never a throw: the import reports it with its line number and keeps the good lines.
 *
 * NDJSON: `{"key":"supplier1/component1/unit1","day":"2024-01-31","partitions":{"p0":5,"p1":0}}`
 * CSV: a header `key,day,<partition>,<partition>…`, then one line per key and day; an empty
 * cell leaves that partition out of the day.
 */

export type ImportFormat = "ndjson" | "csv";
export type Parsed = { ok: true; row: StockImportRow } | { ok: false; error: string };

/** Longest line an import accepts; a longer one is a bad line (and never held in memory whole). */
const MAX_IMPORT_LINE_CHARS = 16_384;

/**
 * What one import has already found valid: its lines repeat the same keys, days and partition
 * names over and over, so each is checked once. Bounded: forgets everything past a limit.
 */
export class ValidationMemo {
  private readonly keys = new Set<string>();
  private readonly names = new Set<string>();
  private readonly days = new Map<string, number>();

  constructor(private readonly limit = 100_000) {}

  isKey(key: string): boolean {
    return this.keys.has(key) || (isStockKey(key) && this.remember(this.keys, key));
  }

  isPartition(name: string): boolean {
    return this.names.has(name) || (isPartitionName(name) && this.remember(this.names, name));
  }

  dayNumber(day: string): number | undefined {
    let number = this.days.get(day);
    if (number === undefined) {
      number = dayNumber(day);
      if (number === undefined) return undefined;
      if (this.days.size >= this.limit) this.days.clear();
      this.days.set(day, number);
    }
    return number;
  }

  private remember(set: Set<string>, value: string): true {
    if (set.size >= this.limit) set.clear();
    set.add(value);
    return true;
  }
}

export function parseNdjsonLine(text: string, memo = new ValidationMemo()): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: "not valid JSON" };
  }
  return toRow(value, memo);
}

/** The partition names of a CSV header, or why it is not one. */
export function parseCsvHeader(text: string): { ok: true; partitions: string[] } | { ok: false; error: string } {
  const cells = splitCsv(text);
  if (cells[0] !== "key" || cells[1] !== "day") return { ok: false, error: "the header must start with key,day" };
  const partitions = cells.slice(2);
  const check = StockImportLine.shape.partitions.safeParse(Object.fromEntries(partitions.map((name) => [name, 0])));
  if (!check.success) return { ok: false, error: `bad partition names in the header: ${firstIssue(check.error.issues)}` };
  if (new Set(partitions).size !== partitions.length) return { ok: false, error: "a partition is named twice in the header" };
  return { ok: true, partitions };
}

export function parseCsvLine(text: string, partitions: readonly string[], memo = new ValidationMemo()): Parsed {
  const cells = splitCsv(text);
  if (cells.length !== partitions.length + 2) return { ok: false, error: `expected ${partitions.length + 2} cells, found ${cells.length}` };
  const counts: Record<string, number> = {};
  for (let i = 0; i < partitions.length; i++) {
    const cell = cells[i + 2] as string;
    if (cell === "") continue;
    if (!/^-?\d{1,16}$/.test(cell)) return { ok: false, error: `${partitions[i]}: not an integer` };
    counts[partitions[i] as string] = Number(cell);
  }
  return toRow({ key: cells[0], day: cells[1], partitions: counts }, memo);
}

/** Keys, days, names and integers hold no commas or quotes, so a CSV line is a plain split. */
function splitCsv(text: string): string[] {
  return text.split(",").map((cell) => cell.trim());
}

function toRow(value: unknown, memo: ValidationMemo): Parsed {
  const row = fastRow(value, memo);
  if (row) return { ok: true, row };
  // The schema is the rule and words the message; the fast path only saves its cost on good lines.
  const parsed = StockImportLine.safeParse(value);
  if (!parsed.success) return { ok: false, error: firstIssue(parsed.error.issues) };
  const { key, day, partitions } = parsed.data;
  return { ok: true, row: { key, day: dayNumber(day) as number, partitions } };
}

/**
 * The row when `value` is a good import line by the same predicates StockImportLine uses, or
 * undefined (then the schema decides and explains). Many times cheaper than the schema on the
 * bulk path, where the schema dominated the load time; a property test keeps the two in
 * agreement.
 */
export function fastRow(value: unknown, memo = new ValidationMemo()): StockImportRow | undefined {
  if (!isRecord(value)) return undefined;
  let fields = 0;
  for (const _field in value) fields++;
  const { key, day, partitions } = value;
  if (fields !== 3 || typeof key !== "string" || typeof day !== "string" || !isRecord(partitions) || !memo.isKey(key)) return undefined;
  const dayNo = memo.dayNumber(day);
  if (dayNo === undefined) return undefined;
  let names = 0;
  for (const name in partitions) {
    const count = partitions[name];
    if (++names > MAX_STOCK_PARTITIONS || !memo.isPartition(name) || !Number.isInteger(count)) return undefined;
    if ((count as number) < 0 || (count as number) > MAX_STOCK_COUNT) return undefined;
  }
  return { key, day: dayNo, partitions: partitions as Record<string, number> };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function firstIssue(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  const first = issues[0];
  if (!first) return "invalid";
  const path = first.path.map(String).join(".");
  return path ? `${path}: ${first.message}` : first.message;
}

/** Consecutive lines of the input: `lines[i]` is line number `first + i`; null when it was too long to keep. */
export interface LineChunk {
  first: number;
  lines: Array<string | null>;
}

/**
 * Splits a byte stream into lines (LF or CRLF), decoding UTF-8 across chunk boundaries, and
 * yields them chunk by chunk (one await per chunk, not per line). A line longer than
 * `maxChars` comes out as null: its text is dropped as it streams by, so one endless line
 * cannot fill the memory.
 */
export async function* splitLines(chunks: AsyncIterable<Uint8Array | string>, maxChars = MAX_IMPORT_LINE_CHARS): AsyncGenerator<LineChunk> {
  const decoder = new TextDecoder("utf-8");
  let carry = "";
  let overflow = false;
  let next = 1;
  const line = (text: string): string | null => {
    const tooLong = overflow || text.length > maxChars;
    overflow = false;
    return tooLong ? null : text.endsWith("\r") ? text.slice(0, -1) : text;
  };
  for await (const chunk of chunks) {
    const text = carry + (typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
    const lines: Array<string | null> = [];
    let start = 0;
    for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
      lines.push(line(text.slice(start, end)));
      start = end + 1;
    }
    carry = text.slice(start);
    if (carry.length > maxChars) {
      overflow = true;
      carry = "";
    }
    if (lines.length > 0) {
      yield { first: next, lines };
      next += lines.length;
    }
  }
  carry += decoder.decode();
  if (carry.length > 0 || overflow) yield { first: next, lines: [line(carry)] };
}
