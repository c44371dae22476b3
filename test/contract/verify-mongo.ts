/**
 * `npm run verify:mongo`: the MongoDB verification kit in one command. Runs, against the replica
 * set at MONGODB_URL, the core and domain contract suites (mongo.test.ts), the three-process
 * contention suite (mongo-multiprocess.test.ts) and the fault and failover tests
 * (mongo-faults.test.ts). deploy/mongo-verify/docker-compose.yml starts a replica set that allows
 * all of it and runs this command.
 *
 * Without MONGODB_URL every part reports "not run" (a skipped test saying so) and this command
 * says it once more and exits 1: a kit that verified nothing must not look like a pass.
 */
import { spawnSync } from "node:child_process";

const files = ["test/contract/mongo.test.ts", "test/contract/mongo-multiprocess.test.ts", "test/contract/mongo-faults.test.ts"];
const vitest = spawnSync("npx", ["vitest", "run", ...files], { stdio: "inherit" });
const code = vitest.status ?? 1;

if (!process.env.MONGODB_URL) {
  console.error("MongoDB verification kit: NOT RUN — MONGODB_URL is not set; nothing was verified against MongoDB.");
  console.error(
    "Start a replica set (docker compose -f deploy/mongo-verify/docker-compose.yml up --abort-on-container-exit) or set MONGODB_URL.",
  );
  process.exit(1);
}
console.info(code === 0 ? "MongoDB verification kit: passed against MONGODB_URL" : "MongoDB verification kit: FAILED");
process.exit(code);
