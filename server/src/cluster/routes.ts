import type { HttpRoute } from "../transport/http-route";

export const clusterRoutes: HttpRoute[] = [
  {
    method: "get",
    path: "/api/v1/cluster/nodes",
    event: "cluster:nodes",
    summary: "Every live node (Redis heartbeats; without Redis, the node answering): version, uptime, connections, rates, lag",
  },
  {
    method: "get",
    path: "/api/v1/cluster/sockets/:playerId",
    event: "cluster:sockets",
    summary: "The connections of a player (or any caller, by token sub) on every node: transport, connected since, topics",
  },
];
