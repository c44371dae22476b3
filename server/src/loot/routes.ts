import { LootTable } from "@hoard/protocol";
import type { HttpRoute } from "../transport/http-route";

export const lootRoutes: HttpRoute[] = [
  {
    method: "post",
    path: "/api/v1/loot-tables",
    event: "loot:create",
    summary: "Define a loot table (idempotent: the same table always has the same id; nested tables and items must exist)",
    body: LootTable,
    input: ({ body }) => ({ table: body }),
    status: (data) => ((data as { created: boolean }).created ? 201 : 200),
  },
  {
    method: "get",
    path: "/api/v1/loot-tables",
    event: "loot:list",
    summary: "List loot tables by id",
    query: { after: "string", limit: "int" },
  },
  {
    method: "get",
    path: "/api/v1/loot-tables/:id",
    event: "loot:get",
    summary: "A loot table; immutable and cacheable forever (ETag = id)",
    etag: (data) => (data as { id: string }).id,
  },
  {
    method: "get",
    path: "/api/v1/players/:playerId/history/:version/loot",
    event: "loot:replay",
    summary: "Draw again from the table and seed of each loot draw of one op log entry, and say whether it gives the logged outcome",
    // The version comes from the path as text; the schema then checks it like any other.
    input: ({ params }) => ({ playerId: params.playerId, version: Number(params.version) }),
  },
];
