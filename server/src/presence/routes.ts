import { PresenceIngestInput } from "@hoard/protocol";
import type { HttpRoute } from "../transport/http-route";

/** The query names `area_code` as the origin's API did; the event's field is `areaCode`. */
const byAreaCode = ({ query }: { query: Record<string, unknown> }) => {
  const { area_code: areaCode, ...rest } = query;
  return areaCode === undefined ? rest : { ...rest, areaCode };
};

export const presenceRoutes: HttpRoute[] = [
  {
    method: "post",
    path: "/api/v1/presence/events",
    event: "presence:ingest",
    summary: "Report a batch of players' LOGIN/LOGOUT events (idempotent by eventId; LOGIN presences expire unless refreshed)",
    body: PresenceIngestInput,
  },
  {
    method: "get",
    path: "/api/v1/presence/stats",
    event: "presence:stats",
    summary: "Players of an area by mode, most played first",
    query: { area_code: "string" },
    input: byAreaCode,
  },
  {
    method: "get",
    path: "/api/v1/presence/areas",
    event: "presence:areas",
    summary: "Areas by players, busiest first",
    query: { limit: "int" },
  },
  {
    method: "get",
    path: "/api/v1/presence/history",
    event: "presence:history",
    summary: "Samples of an area's players by mode over time (for charts)",
    query: { area_code: "string", since: "string", until: "string", limit: "int" },
    input: byAreaCode,
  },
];
