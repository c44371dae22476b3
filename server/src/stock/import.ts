import { createHash } from "node:crypto";
import { type Actor, HoardError, type StockImportOutput } from "@hoard/protocol";
import type { StockImported, StockImportRow, StockStore } from "../store/stock-port";
import { type ImportFormat, type Line, type Parsed, parseCsvHeader, parseCsvLine, parseNdjsonLine } from "./import-lines";

/** Partition counts per transaction: big enough to amortise the commit, small enough to keep a batch under ~100 ms. */
export const DEFAULT_BATCH_ENTRIES = 32_768;
/** Bad lines listed in the summary (all are counted). */
export const MAX_LISTED_ERRORS = 100;

export interface StockImportOptions {
  store: StockStore;
  actor: Actor;
  lines: AsyncIterable<Line>;
  format: ImportFormat;
  /**
   * Makes every batch idempotent (`{importId}:{n}`): running the same input again skips the
   * batches already applied, e.g. to resume after a crash. The batches must come out the
   * same, so keep the batch size. Without it the import is still safe to run again (it sets
   * counts), it just writes everything again.
   */
  importId?: string | undefined;
  batchEntries?: number;
  /** After each batch is committed (pushes, progress). */
  onBatch?: (imported: StockImported, batch: BatchProgress) => void;
}

export interface BatchProgress {
  /** 0 for the first batch. */
  index: number;
  /** The batch's op id when the import has an id. */
  opId: string | undefined;
  /** Lines read and entries parsed so far. */
  lines: number;
  entries: number;
}

/**
 * Streams an import into the store: lines are parsed as they arrive, good rows go out in
 * large transactions, bad lines are counted and the first ones listed with their number.
 */
export async function importStock(options: StockImportOptions): Promise<StockImportOutput> {
  const started = performance.now();
  const batchEntries = options.batchEntries ?? DEFAULT_BATCH_ENTRIES;
  const summary: StockImportOutput = {
    importId: options.importId ?? null,
    lines: 0,
    rows: 0,
    entries: 0,
    keys: 0,
    batches: 0,
    replayedBatches: 0,
    badLines: 0,
    errors: [],
    ms: 0,
  };
  const keys = new Set<string>();
  let rows: StockImportRow[] = [];
  let size = 0;
  let hash = createHash("sha256");

  const flush = async () => {
    if (rows.length === 0) return;
    const index = summary.batches;
    const opId = options.importId === undefined ? undefined : `${options.importId}:${index}`;
    const op = opId === undefined ? undefined : { opId, requestHash: hash.digest("hex") };
    const imported = await options.store.importBatch({ actor: options.actor, op, rows });
    summary.batches++;
    if (imported.replayed) summary.replayedBatches++;
    options.onBatch?.(imported, { index, opId, lines: summary.lines, entries: summary.entries });
    rows = [];
    size = 0;
    hash = createHash("sha256");
  };

  let parse: ((text: string) => Parsed) | undefined = options.format === "ndjson" ? parseNdjsonLine : undefined;
  for await (const line of options.lines) {
    summary.lines = line.number;
    const bad = (error: string) => {
      summary.badLines++;
      if (summary.errors.length < MAX_LISTED_ERRORS) summary.errors.push({ line: line.number, message: error });
    };
    if (line.tooLong) {
      bad("the line is too long");
      continue;
    }
    if (line.text.trim() === "") continue;
    if (!parse) {
      const header = parseCsvHeader(line.text);
      // Without a header no line of the file can be read: refuse it whole.
      if (!header.ok) throw new HoardError("VALIDATION_FAILED", `line ${line.number}: ${header.error}`, { details: { line: line.number } });
      parse = (text) => parseCsvLine(text, header.partitions);
      continue;
    }
    const parsed = parse(line.text);
    if (!parsed.ok) {
      bad(parsed.error);
      continue;
    }
    const { row } = parsed;
    rows.push(row);
    keys.add(row.key);
    summary.rows++;
    summary.entries += row.partitions.length;
    size += Math.max(1, row.partitions.length);
    if (options.importId !== undefined) hash.update(fingerprint(row));
    if (size >= batchEntries) await flush();
  }
  await flush();
  summary.keys = keys.size;
  summary.ms = Math.round(performance.now() - started);
  return summary;
}

function fingerprint(row: StockImportRow): string {
  let text = `${row.key}\t${row.day}`;
  for (const [name, count] of row.partitions) text += `\t${name}=${count}`;
  return `${text}\n`;
}
