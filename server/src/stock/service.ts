import {
  type Actor,
  DEFAULT_PARTITION,
  dayNumber,
  dayOfNumber,
  type EventOutput,
  type ParsedInput,
  type StockImportOutput,
  type StockImportQuery,
} from "@hoard/protocol";
import type { z } from "zod";
import type { StreamRequest } from "../actions";
import { requestHash } from "../lib/canonical";
import type { Logger } from "../log";
import type { Publisher } from "../subscriptions/topics";
import { importStock } from "./import";
import { splitLines } from "./import-lines";
import type { StockChange, StockCommitted, StockOp, StockStore } from "./port";
import { acquireWrite, listShortDays, sellWrite, stockTopics } from "./rules";

export interface StockDeps {
  stock: StockStore;
  publisher: Publisher;
  log: Logger;
  /** Rows (key days) per import transaction. */
  importBatchRows: number;
}

type StockKind = "acquire" | "sell" | "setPartitions" | "import";

/** The stock ledger: validate → store (the rules' `decide` runs inside its transaction) → publish after the commit. */
export class StockService {
  constructor(private readonly deps: StockDeps) {}

  async acquire(actor: Actor, input: ParsedInput<"stock:acquire">): Promise<EventOutput<"stock:acquire">> {
    const partition = input.partition ?? DEFAULT_PARTITION;
    const committed = await this.deps.stock.write(
      acquireWrite({ ...this.op(actor, "stock:acquire", input), partition, amount: input.amount }),
    );
    this.publish(committed, "acquire", input.opId);
    const { key, from, to, amount } = input;
    return { key, version: committed.outcome.version, from, to, partition, amount, replayed: committed.replayed };
  }

  async sell(actor: Actor, input: ParsedInput<"stock:sell">): Promise<EventOutput<"stock:sell">> {
    const committed = await this.deps.stock.write(
      sellWrite({
        ...this.op(actor, "stock:sell", input),
        amount: input.amount,
        partition: input.partition,
        allowNegative: input.allowNegative ?? false,
      }),
    );
    const { outcome } = committed;
    const negative = listShortDays(outcome.negative);
    this.publish(committed, "sell", input.opId);
    if (!committed.replayed && outcome.negativeDays > 0) {
      // The origin's NegativeInventoryDetected: the caller asked for the sale anyway; say so loudly.
      this.deps.log.warn({ key: input.key, opId: input.opId, negativeDays: outcome.negativeDays }, "stock went negative");
      for (const topic of stockTopics(input.key)) {
        this.deps.publisher.publish({
          type: "stock:negative",
          topic,
          seq: outcome.version,
          key: input.key,
          opId: input.opId,
          negativeDays: outcome.negativeDays,
          negative,
        });
      }
    }
    const { key, from, to, amount } = input;
    return { key, version: outcome.version, from, to, amount, negativeDays: outcome.negativeDays, negative, replayed: committed.replayed };
  }

  async setPartitions(actor: Actor, input: ParsedInput<"stock:setPartitions">): Promise<EventOutput<"stock:setPartitions">> {
    const committed = await this.deps.stock.setPartitions({
      ...this.op(actor, "stock:setPartitions", input),
      partitions: input.partitions,
    });
    this.publish(committed, "setPartitions", input.opId);
    const { key, from, to } = input;
    return { key, version: committed.outcome.version, from, to, replayed: committed.replayed };
  }

  async read(input: ParsedInput<"stock:read">): Promise<EventOutput<"stock:read">> {
    const { version, days } = await this.deps.stock.read(input.key, rangeOf(input));
    return {
      key: input.key,
      version,
      days: days.map(({ day, partitions }) => ({ day: dayOfNumber(day), partitions, total: sumOf(partitions) })),
    };
  }

  async list(input: ParsedInput<"stock:list">): Promise<EventOutput<"stock:list">> {
    const limit = input.limit ?? 100;
    const keys = await this.deps.stock.listKeys({ ...rangeOf(input), prefix: input.prefix ?? "", after: input.after, limit });
    return { from: input.from, to: input.to, keys, next: keys.length === limit ? (keys.at(-1)?.key ?? null) : null };
  }

  /** `stock/{key}`: the key's version (0 before its first write: a key may be watched before it exists). */
  currentSeq(key: string): Promise<number> {
    return this.deps.stock.version(key);
  }

  /** A streamed import (HTTP): each committed batch is pushed, key by key. */
  async importStream(actor: Actor, request: StreamRequest<z.output<typeof StockImportQuery>>): Promise<StockImportOutput> {
    const { format, importId } = request.query;
    return importStock({
      store: this.deps.stock,
      actor,
      lines: splitLines(request.body),
      format: format ?? (request.contentType.includes("csv") ? "csv" : "ndjson"),
      importId,
      batchRows: this.deps.importBatchRows,
      onBatch: (imported, batch) => {
        for (const change of imported.changes) this.publishChange(change, "import", batch.opId ?? "");
      },
    });
  }

  private op(actor: Actor, kind: string, input: { opId: string; key: string; from: string; to: string }): StockOp {
    return { opId: input.opId, actor, requestHash: requestHash(kind, input), key: input.key, ...rangeOf(input) };
  }

  /** After the commit, never before; a replay changed nothing and pushes nothing. */
  private publish(committed: StockCommitted<unknown>, kind: StockKind, opId: string): void {
    if (!committed.replayed) this.publishChange(committed.change, kind, opId);
  }

  private publishChange(change: StockChange, kind: StockKind, opId: string): void {
    const from = dayOfNumber(change.from);
    const to = dayOfNumber(change.to);
    for (const topic of stockTopics(change.key)) {
      this.deps.publisher.publish({
        type: "stock",
        topic,
        seq: change.version,
        key: change.key,
        kind,
        opId,
        from,
        to,
        ...(change.totals === undefined ? {} : { totals: change.totals }),
      });
    }
  }
}

/** The schemas have checked both days: they are real dates. */
function rangeOf(input: { from: string; to: string }): { from: number; to: number } {
  return { from: dayNumber(input.from) as number, to: dayNumber(input.to) as number };
}

function sumOf(partitions: Record<string, number>): number {
  let total = 0;
  for (const count of Object.values(partitions)) total += count;
  return total;
}
