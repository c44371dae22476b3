import { describe } from "vitest";
import { redisAvailable } from "./redis";

/**
 * `describe` for tests that need a real redis-server: without one on the PATH the suite is
 * skipped under a name that says so (and a warning), never passed in silence.
 */
export function describeCluster(title: string, body: () => void): void {
  if (redisAvailable()) {
    describe(title, body);
    return;
  }
  const skipped = `${title} — NOT RUN: redis-server is not on the PATH (install redis-server to run the cluster tests)`;
  console.warn(skipped);
  describe.skip(skipped, body);
}
