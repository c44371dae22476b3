import { StockImportLine, StockImportOutput, StockImportQuery } from "@hoard/protocol";
import { actorOf } from "../inventory/actions";
import { type StreamRoute, streamRoute } from "../transport/http-route";
import { stockRoles } from "./actions";
import type { StockService } from "./service";

/** The streamed bulk import: not a protocol event, so not in the event table's REST routes. */
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
