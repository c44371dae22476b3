import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type HoardClient } from "@hoard/client-sdk";
import type { Role } from "@hoard/protocol";
import { afterAll, beforeAll } from "vitest";
import { FileClock } from "./clock";
import { type Cluster, startCluster } from "./cluster";

/**
 * For a describe block: two node processes (one file, Redis) that read their time from one
 * FileClock the test moves and sweep what ends every 50 ms, and SDK clients closed with them.
 */
export function clockedCluster(): {
  cluster(): Cluster;
  clock(): FileClock;
  open(url: string, role: Role, sub: string): Promise<HoardClient>;
} {
  let cluster: Cluster | undefined;
  let clock: FileClock | undefined;
  let dir: string | undefined;
  const clients: HoardClient[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "hoard-clock-"));
    clock = new FileClock(join(dir, "now"));
    cluster = await startCluster({ nodes: 2, env: { HOARD_TEST_CLOCK_FILE: clock.file, HOARD_EXPIRY_SWEEP_MS: "50" } });
  });
  afterAll(async () => {
    for (const client of clients.splice(0)) client.close();
    await cluster?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the clocked cluster has not started");
    return value;
  };
  return {
    cluster: () => started(cluster),
    clock: () => started(clock),
    async open(url, role, sub) {
      const client = await connect(url, { token: await started(cluster).token(role, sub), timeoutMs: 5000 });
      clients.push(client);
      return client;
    },
  };
}
