import { describe, expect, it } from "vitest";
import { whyNotUsable } from "./topology";

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
