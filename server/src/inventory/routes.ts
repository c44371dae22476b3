import { InventoryApplyInput, InventoryReverseInput, PlayersCreateInput } from "@hoard/protocol";
import type { HttpRoute } from "../transport/http-route";

export const inventoryRoutes: HttpRoute[] = [
  {
    method: "post",
    path: "/api/v1/players",
    event: "players:create",
    summary: "Create a player (with its class's kit)",
    body: PlayersCreateInput,
    status: () => 201,
  },
  {
    method: "get",
    path: "/api/v1/players",
    event: "players:list",
    summary: "List players by id; search: id or name starting with it, ignoring case",
    query: { after: "string", limit: "int", prefix: "string", search: "string" },
  },
  { method: "get", path: "/api/v1/players/:playerId", event: "players:get", summary: "A player's whole state" },
  {
    method: "post",
    path: "/api/v1/players/:playerId/ops",
    event: "inventory:apply",
    summary: "Apply an atomic batch of inventory and wallet operations (idempotent by opId)",
    body: InventoryApplyInput.omit({ playerId: true }),
  },
  {
    method: "post",
    path: "/api/v1/players/:playerId/history/:version/reverse",
    event: "inventory:reverse",
    summary: "Undo one op log entry with its inverse commit (admin; reason required; idempotent by opId)",
    body: InventoryReverseInput.omit({ playerId: true, version: true }),
    // The version comes from the path as text; the schema then checks it like any other.
    input: ({ body, params }) => ({ ...(body as object), playerId: params.playerId, version: Number(params.version) }),
  },
  {
    method: "get",
    path: "/api/v1/players/:playerId/inventories",
    event: "inventory:list",
    summary: "A player's inventories, optionally under a category prefix",
    query: { prefix: "string" },
  },
  {
    method: "get",
    path: "/api/v1/players/:playerId/history",
    event: "inventory:history",
    summary: "The op log of a player: committed changes after a version, oldest first",
    query: { sinceVersion: "int", limit: "int" },
  },
];
