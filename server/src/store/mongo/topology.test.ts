import { MongoClient, ServerType, type TopologyDescription } from "mongodb";
import { describe, expect, it } from "vitest";
import { hasWritableServer, whyNotUsable } from "./topology";

/** `hello` answers as the server sends them (trimmed to the fields that matter). */
const hello = {
  replicaSetPrimary: { isWritablePrimary: true, setName: "rs0", hosts: ["mongo:27017"], maxWireVersion: 21 },
  mongos: { isWritablePrimary: true, msg: "isdbgrid", maxWireVersion: 25 },
  standalone: { isWritablePrimary: true, maxWireVersion: 21 },
  oldReplicaSet: { isWritablePrimary: true, setName: "rs0", maxWireVersion: 9 },
  // What a secondary answers over directConnection=true.
  secondary: { isWritablePrimary: false, secondary: true, setName: "rs0", me: "mongo2:27017", maxWireVersion: 21 },
};

describe("whyNotUsable", () => {
  it("accepts a replica set member and a mongos", () => {
    expect(whyNotUsable(hello.replicaSetPrimary)).toBeUndefined();
    expect(whyNotUsable(hello.mongos)).toBeUndefined();
  });

  it("refuses a standalone server and says how to make it a replica set", () => {
    const reason = whyNotUsable(hello.standalone);

    expect(reason).toContain("standalone");
    expect(reason).toContain("cannot run transactions");
    expect(reason).toContain("--replSet");
  });

  it("refuses a server older than 5.0", () => {
    expect(whyNotUsable(hello.oldReplicaSet)).toContain("older than 5.0 (wire version 9)");
  });

  it("refuses a secondary reached directly, naming it and the way out", () => {
    const reason = whyNotUsable(hello.secondary);

    expect(reason).toContain("mongo2:27017");
    expect(reason).toContain("not its writable primary");
    expect(reason).toContain("directConnection");
  });
});

describe("hasWritableServer (what /ready and hoard_mongo_up report for MongoDB)", () => {
  /** A topology as the driver describes it, its servers reduced to their type. */
  const topology = (...types: string[]) => ({ servers: new Map(types.map((type, i) => [`mongo${i}:27017`, { type }])) }) as never;

  it("is true while a primary, a mongos or a load balancer is known", () => {
    expect(hasWritableServer(topology(ServerType.RSSecondary, ServerType.RSPrimary, ServerType.RSSecondary))).toBe(true);
    expect(hasWritableServer(topology(ServerType.Mongos))).toBe(true);
    expect(hasWritableServer(topology(ServerType.LoadBalancer))).toBe(true);
  });

  it("is false during an election (secondaries only) and when no server answers", () => {
    expect(hasWritableServer(topology(ServerType.RSSecondary, ServerType.RSSecondary, ServerType.Unknown))).toBe(false);
    expect(hasWritableServer(topology(ServerType.Unknown))).toBe(false);
  });

  it("is false for what the real driver reports about an unreachable server", async () => {
    const client = new MongoClient("mongodb://127.0.0.1:1/?replicaSet=rs0", { serverSelectionTimeoutMS: 300 });
    const seen: TopologyDescription[] = [];
    client.on("topologyDescriptionChanged", (event) => seen.push(event.newDescription));
    await expect(client.connect()).rejects.toThrow(/ECONNREFUSED/);
    await client.close();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.map(hasWritableServer)).not.toContain(true);
  });
});
