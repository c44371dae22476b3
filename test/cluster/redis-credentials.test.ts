import { createApp } from "@hoard/server/internal/app";
import { loadConfig } from "@hoard/server/internal/config";
import { expect, it } from "vitest";
import { describeCluster } from "../support/describe-cluster";
import { nodeLogInto } from "../support/log";
import { startRedis } from "../support/redis";
import { TEST_SECRET } from "../support/server";

const WRONG_PASSWORD = "wrong-password-7f3a9c";

describeCluster("Redis refuses the node's password", () => {
  it("every refusal is logged, and no log line carries the password (any connection, any level)", async () => {
    const redis = await startRedis(undefined, ["--requirepass", "the-right-password"]);
    const lines: string[] = [];
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      HOARD_DB: ":memory:",
      HOARD_SECRET: TEST_SECRET,
      HOARD_NODE_ID: "refused",
      REDIS_URL: `redis://default:${WRONG_PASSWORD}@127.0.0.1:${redis.port}`,
    });
    // The node's own logger (its serializers), writing here instead of stdout, at every level.
    const app = createApp(config, { log: nodeLogInto(lines, { nodeId: config.nodeId, level: "trace" }) });
    const refusals = () => lines.filter((line) => line.includes("WRONGPASS"));
    try {
      // The node's three connections (commands, pub, sub) and presence's two are each refused.
      await expect.poll(() => refusals().length, { timeout: 15_000 }).toBeGreaterThanOrEqual(5);
    } finally {
      await app.close();
      await redis.stop();
    }
    for (const line of lines) expect(line).not.toContain(WRONG_PASSWORD);
    expect(refusals().join("\n")).toContain('"AUTH","[redacted]","[redacted]"');
  });
});
