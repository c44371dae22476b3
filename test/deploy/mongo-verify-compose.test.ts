import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
 * No Docker engine runs here, so the verification kit's compose file is checked by reading it:
 * three members that allow fail points, the set they are initiated as, and a runner on the same
 * network pointed at all three. That it starts and passes is only known where Docker runs.
 */

const root = new URL("../../", import.meta.url);
const text = (path: string) => readFileSync(new URL(path, root), "utf8");

interface Service {
  command?: string[];
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(text("deploy/mongo-verify/docker-compose.yml"), { merge: true }) as { services: Record<string, Service> };
const members = ["mongo1", "mongo2", "mongo3"];

describe("deploy/mongo-verify/docker-compose.yml", () => {
  it("runs three replica set members of rs0 with test commands enabled", () => {
    for (const name of members) {
      const command = compose.services[name]?.command ?? [];
      expect(command.slice(0, 2)).toEqual(["--replSet", "rs0"]);
      expect(command).toContain("enableTestCommands=1");
    }
  });

  it("initiates the set with exactly those members, from mongo1's healthcheck", () => {
    expect(compose.services.mongo1?.healthcheck?.test).toContain("/kit/replica-set.js");
    const script = text("deploy/mongo-verify/replica-set.js");
    expect(script).toContain('_id: "rs0"');
    expect([...script.matchAll(/host: "([^"]+)"/g)].map((match) => match[1])).toEqual(members.map((name) => `${name}:27017`));
  });

  it("runs npm run verify:mongo from a runner on the same network, pointed at all three once mongo1 is healthy", () => {
    const runner = compose.services.runner;
    expect(runner?.environment?.MONGODB_URL).toBe("mongodb://mongo1:27017,mongo2:27017,mongo3:27017/?replicaSet=rs0");
    expect(runner?.depends_on?.mongo1).toEqual({ condition: "service_healthy" });
    expect(runner?.build).toEqual({ context: "../..", dockerfile: "deploy/mongo-verify/runner.Dockerfile" });
    expect(text("deploy/mongo-verify/runner.Dockerfile")).toContain('CMD ["npm", "run", "verify:mongo"]');
    expect(JSON.parse(text("package.json")).scripts["verify:mongo"]).toBe("tsx test/contract/verify-mongo.ts");
  });
});
