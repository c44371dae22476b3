import type { ConnectionStatus, DisconnectInfo } from "@hoard/client-sdk";

/**
 * What the banner says while the connection is not live. Only a refused or expired token
 * blames the token; a node that went away (a restart, a crash, the network) is waited for.
 */
export function connectionProblem(status: ConnectionStatus, last: DisconnectInfo | undefined): string | undefined {
  if (status === "connected" || status === "connecting") return undefined;
  const code = last?.error?.code;
  if (status === "closed") {
    return code?.startsWith("AUTH_")
      ? `The node refused the token (${code}). Sign out and sign in again with a fresh token.`
      : "Disconnected from the node.";
  }
  if (code === "AUTH_TOKEN_EXPIRED") return "The token expired; trying to connect again…";
  if (last?.reason === "io server disconnect") return "The node closed the connection (it may be restarting); reconnecting…";
  return `Lost the connection to the node (${last?.reason ?? "unknown"}); reconnecting…`;
}
