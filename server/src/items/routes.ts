import { ItemDefinition, Kit } from "@hoard/protocol";
import type { HttpRoute } from "../transport/http-route";

const page = { after: "string", limit: "int" } as const;

export const itemRoutes: HttpRoute[] = [
  {
    method: "post",
    path: "/api/v1/items",
    event: "items:create",
    summary: "Define an item (idempotent: the same definition always has the same id)",
    body: ItemDefinition,
    input: ({ body }) => ({ definition: body }),
    status: (data) => ((data as { created: boolean }).created ? 201 : 200),
  },
  { method: "get", path: "/api/v1/items", event: "items:list", summary: "List item definitions by id", query: page },
  {
    method: "get",
    path: "/api/v1/items/:id",
    event: "items:get",
    summary: "An item definition; immutable and cacheable forever (ETag = id)",
    etag: (data) => (data as { id: string }).id,
  },
  {
    method: "put",
    path: "/api/v1/kits/:name",
    event: "kits:put",
    summary:
      "Create or replace a kit (granted to players created with the class of that name; a player creating itself may pick only a `starter` kit)",
    body: Kit.omit({ name: true }),
    input: ({ body, params }) => ({ kit: { ...(body as object), name: params.name } }),
  },
  { method: "get", path: "/api/v1/kits", event: "kits:list", summary: "List kits" },
  { method: "get", path: "/api/v1/kits/:name", event: "kits:get", summary: "A kit" },
];
