import { type Document, ServerType, type TopologyDescription } from "mongodb";

/** MongoDB 5.0: field names may hold dots (inventory categories such as `equipment.weapons`). */
const MIN_WIRE_VERSION = 13;

/**
 * Why the server that answered `hello` cannot host Hoard, or undefined when it can. Hoard's
 * commits are multi-document transactions, which need a replica set member or a mongos; a
 * standalone mongod refuses them only on the first commit, so this is checked at start.
 */
export function whyNotUsable(hello: Document): string | undefined {
  const sharded = hello.msg === "isdbgrid";
  const replicaSet = typeof hello.setName === "string";
  if (!sharded && !replicaSet) {
    return [
      "MONGODB_URL points at a standalone MongoDB server, which cannot run transactions.",
      "Hoard needs a replica set (one member is enough: start mongod with --replSet rs0, then run rs.initiate() once)",
      "or a sharded cluster (point MONGODB_URL at a mongos).",
    ].join(" ");
  }
  // directConnection=true to a secondary passes every check above, and then every write fails.
  if (!sharded && hello.isWritablePrimary !== true) {
    const member = typeof hello.me === "string" ? hello.me : "the server";
    return [
      `MONGODB_URL reaches ${member}, a member of replica set ${String(hello.setName)} that is not its writable primary`,
      "(directConnection=true to a secondary?). Hoard writes through the primary: list the members with",
      `replicaSet=${String(hello.setName)} and without directConnection, and the driver follows the primary.`,
    ].join(" ");
  }
  const wire = typeof hello.maxWireVersion === "number" ? hello.maxWireVersion : 0;
  if (wire < MIN_WIRE_VERSION) {
    return `MONGODB_URL points at a MongoDB older than 5.0 (wire version ${wire}); Hoard needs 5.0 or newer.`;
  }
  return undefined;
}

/** The server types that take writes: a replica set's primary, a mongos, a load balancer (or a standalone). */
const WRITABLE: ReadonlySet<string> = new Set([ServerType.RSPrimary, ServerType.Mongos, ServerType.LoadBalancer, ServerType.Standalone]);

/**
 * Whether the driver's current view of the deployment has a server that takes writes. Without
 * one every commit fails (after the driver's server selection timeout), so the node is not ready.
 */
export function hasWritableServer(description: Pick<TopologyDescription, "servers">): boolean {
  for (const server of description.servers.values()) if (WRITABLE.has(server.type)) return true;
  return false;
}
