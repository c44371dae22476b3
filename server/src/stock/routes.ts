import {
  StockAcquireInput,
  StockImportLine,
  StockImportOutput,
  StockImportQuery,
  StockSellInput,
  StockSetPartitionsInput,
} from "@hoard/protocol";
import { actorOf } from "../actions";
import { type HttpRoute, type StreamRoute, streamRoute } from "../transport/http-route";
import { stockRoles } from "./actions";
import type { StockService } from "./service";

/** Keys hold slashes, so they travel in the body or the query, never in the path. */
export const stockRoutes: HttpRoute[] = [
  {
    method: "post",
    path: "/api/v1/stock/acquire",
    event: "stock:acquire",
    summary: "Add units to one partition on every day of a range (idempotent by opId)",
    body: StockAcquireInput,
  },
  {
    method: "post",
    path: "/api/v1/stock/sell",
    event: "stock:sell",
    summary: "Take units from every day of a range, all days or none (STOCK_INSUFFICIENT), unless allowNegative",
    body: StockSellInput,
  },
  {
    method: "post",
    path: "/api/v1/stock/partitions",
    event: "stock:setPartitions",
    summary: "Set the partitions of every day of a range",
    body: StockSetPartitionsInput,
  },
  {
    method: "get",
    path: "/api/v1/stock/days",
    event: "stock:read",
    summary: "A key's partitions, day by day, over a range",
    query: { key: "string", from: "string", to: "string" },
  },
  {
    method: "get",
    path: "/api/v1/stock/keys",
    event: "stock:list",
    summary: "Keys under a prefix, with their day totals over a range (≤ 92 days)",
    query: { prefix: "string", from: "string", to: "string", after: "string", limit: "int" },
  },
];

export function stockImportRoute(stock: StockService): StreamRoute {
  return streamRoute({
    method: "post",
    path: "/api/v1/stock/import",
    name: "stock:import",
    summary:
      "Bulk import, streamed: NDJSON lines {key, day, partitions} or CSV key,day,<partition>…; bad lines are reported, good ones kept",
    authorize: stockRoles,
    query: StockImportQuery,
    accepts: ["application/x-ndjson", "text/csv"],
    line: StockImportLine,
    output: StockImportOutput,
    handle: (ctx, request) => stock.importStream(actorOf(ctx.principal), request),
  });
}
