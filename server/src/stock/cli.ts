import { createHash } from "node:crypto";
import { createReadStream, existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { HoardError } from "@hoard/protocol";
import type { Config } from "../config";
import { parseCommand, UsageError } from "../lib/cli-args";
import { ProgressBar } from "../lib/progress";
import { openStore } from "../store/open";
import { DEFAULT_BATCH_ROWS, importStock } from "./import";
import { splitLines } from "./import-lines";

export const stockUsage = `  hoard stock import FILE [--format ndjson|csv] [--import-id ID] [--batch N]
                                               bulk-load stock into the store (HOARD_DB, or MONGODB_URL)
      FILE   NDJSON lines {"key":…,"day":"YYYY-MM-DD","partitions":{"p0":5}}, or CSV with
             a header key,day,<partition>,… (format from the extension unless --format)
      ID     batches already applied under this id are skipped (default: derived from the
             file's path, size and time, so an interrupted run resumes)
      N      key days (lines) per transaction (default HOARD_STOCK_IMPORT_BATCH, ${DEFAULT_BATCH_ROWS})
      Each line sets its day's partitions, so running an import again is harmless. Bad lines
      are listed with their number; the good ones are kept (exit code 1 when any was bad).
      The file is written directly: subscribers of a running node are not told (use
      POST /api/v1/stock/import for that).`;

/** `hoard stock …`: returns the exit code. The config is read only once the arguments are good. */
export async function stockCommand(args: string[], config: () => Config): Promise<number> {
  const [command, ...rest] = args;
  if (command === "--help" || command === "-h" || command === undefined) {
    console.log(`Usage:\n${stockUsage}`);
    return 0;
  }
  if (command !== "import") throw new UsageError(`unknown stock command: ${command}`, stockUsage);
  const parsed = parseCommand(rest, { format: { type: "string" }, "import-id": { type: "string" }, batch: { type: "string" } }, stockUsage);
  if (parsed === "help") {
    console.log(`Usage:\n${stockUsage}`);
    return 0;
  }
  const { values, positionals } = parsed;
  const file = positionals[0];
  if (file === undefined) throw new UsageError("name the file to import", stockUsage);
  if (positionals.length > 1) throw new UsageError(`unexpected argument: ${positionals[1]}`, stockUsage);
  const format = values.format ?? (file.toLowerCase().endsWith(".csv") ? "csv" : "ndjson");
  if (format !== "csv" && format !== "ndjson") throw new UsageError("--format must be ndjson or csv", stockUsage);
  const batchRows = values.batch === undefined ? config().stockImportBatch : Number(values.batch);
  if (!Number.isInteger(batchRows) || batchRows < 1) throw new UsageError("--batch must be a positive integer", stockUsage);
  if (!existsSync(file)) {
    console.error(`no such file: ${file}`);
    return 2;
  }
  const { size, mtimeMs } = statSync(file);
  const importId =
    values["import-id"] ??
    `file-${createHash("sha256")
      .update(`${resolve(file)}|${size}|${mtimeMs}|${format}|${batchRows}`)
      .digest("hex")
      .slice(0, 32)}`;

  // MongoDB when MONGODB_URL is set (connects and checks the server first); the HOARD_DB file otherwise.
  const store = await openStore(config());
  const bar = new ProgressBar(process.stderr);
  const started = performance.now();
  let bytes = 0;
  let rows = 0;
  let skipped = 0;
  const status = () => {
    const seconds = (performance.now() - started) / 1000;
    const rate = Math.round((rows - skipped) / Math.max(seconds, 0.001));
    return `${rows.toLocaleString("en")} rows${skipped > 0 ? ` (${skipped.toLocaleString("en")} already applied)` : ""} · ${rate.toLocaleString("en")} rows/s`;
  };
  async function* counted(chunks: AsyncIterable<Buffer>) {
    for await (const chunk of chunks) {
      bytes += chunk.length;
      yield chunk;
    }
  }
  try {
    const summary = await importStock({
      store: store.stock,
      actor: { role: "admin", sub: "cli" },
      lines: splitLines(counted(createReadStream(file))),
      format,
      importId,
      batchRows,
      onBatch: (imported, batch) => {
        if (imported.replayed) skipped += batch.rows - rows;
        rows = batch.rows;
        bar.update(size === 0 ? 1 : bytes / size, status());
      },
    });
    rows = summary.rows;
    skipped = summary.replayedRows;
    bar.finish(1, status());
    const seconds = summary.ms / 1000;
    // Rows of skipped batches were read, not written: the rate counts only what was written.
    const written = summary.rows - summary.replayedRows;
    const count = (n: number) => n.toLocaleString("en");
    console.log(
      [
        written === 0 && summary.rows > 0
          ? `nothing written: all ${count(summary.rows)} rows (key days) were already applied under import id ${importId}`
          : `imported ${count(written)} rows (key days) holding ${count(summary.counts)} partition counts, ${count(summary.keys)} keys, in ${seconds.toFixed(1)} s: ${count(Math.round(written / Math.max(seconds, 0.001)))} rows/s`,
        `batches: ${summary.batches} (${summary.replayedBatches} already applied under import id ${importId}, ${count(summary.replayedRows)} rows skipped)`,
        `bad lines: ${summary.badLines}`,
        ...summary.errors.map((error) => `  line ${error.line}: ${error.message}`),
        ...(summary.badLines > summary.errors.length ? [`  … and ${summary.badLines - summary.errors.length} more`] : []),
      ].join("\n"),
    );
    return summary.badLines > 0 ? 1 : 0;
  } catch (error) {
    if (!(error instanceof HoardError)) throw error;
    bar.finish(size === 0 ? 1 : bytes / size, status());
    console.error(`import stopped: ${error.message}`);
    return 1;
  } finally {
    await store.close();
  }
}
