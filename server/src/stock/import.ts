import { createHash } from "node:crypto";
import { type Actor, HoardError, type StockImportOutput } from "@hoard/protocol";
import {
  type ImportFormat,
  type LineChunk,
  type Parsed,
  parseCsvHeader,
  parseCsvLine,
  parseNdjsonLine,
  ValidationMemo,
} from "./import-lines";
import type { StockImported, StockImportRow, StockStore } from "./port";

/** Rows (key days) per transaction: big enough to amortise the commit, small enough to keep a batch near 100 ms. */
export const DEFAULT_BATCH_ROWS = 16_384;
/** Bad lines listed in the summary (all are counted). */
const MAX_LISTED_ERRORS = 100;

export interface StockImportOptions {
  store: StockStore;
  actor: Actor;
  lines: AsyncIterable<LineChunk>;
  format: ImportFormat;
  /**
   * Makes every batch idempotent (`{importId}:{n}`): running the same input again skips the
   * batches already applied, e.g. to resume after a crash. The batches must come out the
   * same, so keep the batch size. Without it the import is still safe to run again (it sets
   * counts), it just writes everything again.
   */
  importId?: string | undefined;
  batchRows?: number;
  /** After each batch is committed (pushes, progress). */
  onBatch?: (imported: StockImported, batch: BatchProgress) => void;
}

interface BatchProgress {
  /** 0 for the first batch. */
  index: number;
  /** The batch's op id when the import has an id. */
  opId: string | undefined;
  /** Lines read, rows parsed so far. */
  lines: number;
  rows: number;
}

/**
 * Streams an import into the store: lines are parsed as they arrive, good rows go out in
 * large transactions, bad lines are counted and the first ones listed with their number.
 */
export async function importStock(options: StockImportOptions): Promise<StockImportOutput> {
  const started = performance.now();
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  const summary: StockImportOutput = {
    importId: options.importId ?? null,
    lines: 0,
    rows: 0,
    counts: 0,
    keys: 0,
    batches: 0,
    replayedBatches: 0,
    replayedRows: 0,
    badLines: 0,
    errors: [],
    ms: 0,
  };
  const keys = new Set<string>();
  let rows: StockImportRow[] = [];
  // The batch's fingerprint: the text of its good lines (hashed at the flush, in one go).
  let texts: string[] = [];

  const flush = async () => {
    if (rows.length === 0) return;
    const index = summary.batches;
    const opId = options.importId === undefined ? undefined : `${options.importId}:${index}`;
    const op = opId === undefined ? undefined : { opId, requestHash: createHash("sha256").update(texts.join("\n")).digest("hex") };
    const imported = await options.store.importBatch({ actor: options.actor, op, rows });
    summary.batches++;
    if (imported.replayed) {
      summary.replayedBatches++;
      summary.replayedRows += rows.length;
    }
    options.onBatch?.(imported, { index, opId, lines: summary.lines, rows: summary.rows });
    rows = [];
    texts = [];
  };

  const memo = new ValidationMemo();
  let parse: ((text: string) => Parsed) | undefined = options.format === "ndjson" ? (text) => parseNdjsonLine(text, memo) : undefined;
  let lastKey: string | undefined;
  const bad = (line: number, error: string) => {
    summary.badLines++;
    if (summary.errors.length < MAX_LISTED_ERRORS) summary.errors.push({ line, message: error });
  };
  for await (const chunk of options.lines) {
    for (let i = 0; i < chunk.lines.length; i++) {
      const text = chunk.lines[i] as string | null;
      const number = chunk.first + i;
      summary.lines = number;
      if (text === null) {
        bad(number, "the line is too long");
        continue;
      }
      if (text.trim() === "") continue;
      if (!parse) {
        const header = parseCsvHeader(text);
        // Without a header no line of the file can be read: refuse it whole.
        if (!header.ok) throw new HoardError("VALIDATION_FAILED", `line ${number}: ${header.error}`, { details: { line: number } });
        parse = (line) => parseCsvLine(line, header.partitions, memo);
        continue;
      }
      const parsed = parse(text);
      if (!parsed.ok) {
        bad(number, parsed.error);
        continue;
      }
      const { row } = parsed;
      rows.push(row);
      if (options.importId !== undefined) texts.push(text);
      if (row.key !== lastKey) {
        keys.add(row.key);
        lastKey = row.key;
      }
      summary.rows++;
      for (const _partition in row.partitions) summary.counts++;
      if (rows.length >= batchRows) await flush();
    }
  }
  await flush();
  summary.keys = keys.size;
  summary.ms = Math.round(performance.now() - started);
  return summary;
}
