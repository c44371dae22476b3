import { createHash } from "node:crypto";
import { createReadStream, existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { HoardError } from "@hoard/protocol";
import type { Config } from "../config";
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

/** `hoard stock …`: returns the exit code. */
export async function stockCommand(args: string[], config: Config): Promise<number> {
  const [command, ...rest] = args;
  if (command !== "import") {
    console.error(`Usage:\n${stockUsage}`);
    return 2;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { format: { type: "string" }, "import-id": { type: "string" }, batch: { type: "string" } },
  });
  const file = positionals[0];
  const format = values.format ?? (file?.toLowerCase().endsWith(".csv") ? "csv" : "ndjson");
  const batchRows = values.batch === undefined ? config.stockImportBatch : Number(values.batch);
  if (file === undefined || (format !== "csv" && format !== "ndjson") || !Number.isInteger(batchRows) || batchRows < 1) {
    console.error(`Usage:\n${stockUsage}`);
    return 2;
  }
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
  const store = await openStore(config);
  const bar = new ProgressBar(process.stderr);
  const started = performance.now();
  let bytes = 0;
  let rows = 0;
  const status = () => {
    const seconds = (performance.now() - started) / 1000;
    return `${rows.toLocaleString("en")} rows · ${Math.round(rows / Math.max(seconds, 0.001)).toLocaleString("en")} rows/s`;
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
      onBatch: (_imported, batch) => {
        rows = batch.rows;
        bar.update(size === 0 ? 1 : bytes / size, status());
      },
    });
    rows = summary.rows;
    bar.finish(1, status());
    const seconds = summary.ms / 1000;
    console.log(
      [
        `imported ${summary.rows.toLocaleString("en")} rows (key days) holding ${summary.counts.toLocaleString("en")} partition counts, ${summary.keys.toLocaleString("en")} keys, in ${seconds.toFixed(1)} s: ${Math.round(summary.rows / Math.max(seconds, 0.001)).toLocaleString("en")} rows/s`,
        `batches: ${summary.batches} (${summary.replayedBatches} already applied under import id ${importId})`,
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
