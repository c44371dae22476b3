import { existsSync, readFileSync } from "node:fs";
import { loadConfig } from "@hoard/server/config";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
 * No Docker engine runs here, so docker-compose.yml is checked by reading it: the services,
 * their wiring, healthchecks and ports, the nginx upstreams, and that every node's
 * environment is one the node accepts.
 */

const root = new URL("../../", import.meta.url);
const text = (path: string) => readFileSync(new URL(path, root), "utf8");
/** YAML with compose's merge keys (`<<: *node`). */
const yaml = (path: string) => parse(text(path), { merge: true });

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const compose = yaml("docker-compose.yml") as Compose;
const sqliteOverride = yaml("docker-compose.sqlite.yml") as Compose;
const services = compose.services;
const nodeNames = ["node1", "node2", "node3"];
const nodes = nodeNames.map((name) => [name, services[name] as Service] as const);

/** `${HOARD_SECRET:?message}` → what compose substitutes from .env (a 32-character stand-in). */
function interpolated(environment: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).map(([key, value]) => [key, String(value).replace(/\$\{HOARD_SECRET:\?[^}]*\}/, "s".repeat(32))]),
  );
}

describe("docker-compose.yml", () => {
  it("runs nginx, three nodes, Redis and MongoDB", () => {
    expect(Object.keys(services).sort()).toEqual(["mongo", "nginx", "node1", "node2", "node3", "redis"]);
  });

  it("publishes only the load balancer's port", () => {
    expect(services.nginx?.ports).toEqual(["8080:80"]);
    for (const [name, service] of Object.entries(services)) if (name !== "nginx") expect(service.ports, name).toBeUndefined();
  });

  it("gives every service a healthcheck, and checks the nodes at /health on their port", () => {
    for (const [name, service] of Object.entries(services)) expect(service.healthcheck?.test, name).toBeDefined();
    for (const [name, node] of nodes) expect(node.healthcheck?.test.join(" "), name).toContain("http://127.0.0.1:3000/health");
    expect(services.nginx?.healthcheck?.test.join(" ")).toContain("/health");
    expect(services.redis?.healthcheck?.test).toEqual(["CMD", "redis-cli", "ping"]);
  });

  it("starts each part only once what it needs is healthy", () => {
    for (const [name, node] of nodes) {
      expect(node.depends_on, name).toEqual({ redis: { condition: "service_healthy" }, mongo: { condition: "service_healthy" } });
    }
    expect(services.nginx?.depends_on).toEqual(Object.fromEntries(nodeNames.map((name) => [name, { condition: "service_healthy" }])));
  });

  it("builds every node from the Dockerfile and names each one", () => {
    for (const [name, node] of nodes) {
      expect(node.build, name).toBe(".");
      expect(node.environment?.HOARD_NODE_ID, name).toBe(name);
    }
  });

  it("wires each node to the redis and mongo services, and takes HOARD_SECRET from .env, never a literal", () => {
    for (const [name, node] of nodes) {
      const env = node.environment ?? {};
      const redis = new URL(env.REDIS_URL ?? "");
      expect([redis.protocol, redis.hostname, redis.port], name).toEqual(["redis:", "redis", "6379"]);
      const mongo = new URL(env.MONGODB_URL ?? "");
      expect([mongo.hostname, mongo.port, mongo.searchParams.get("replicaSet")], name).toEqual(["mongo", "27017", "rs0"]);
      expect(env.HOARD_SECRET, name).toMatch(/^\$\{HOARD_SECRET:\?.+\}$/);
    }
    expect(text(".env.example")).toMatch(/^HOARD_SECRET=$/m);
    expect(text(".gitignore")).toMatch(/^\.env$/m);
  });

  it("gives every node an environment the node itself accepts", () => {
    for (const [name, node] of nodes) {
      const config = loadConfig(interpolated(node.environment));
      expect(config, name).toMatchObject({ nodeId: name, redisUrl: "redis://redis:6379", port: 3000 });
      expect(config.secret, name).toHaveLength(32);
    }
  });

  it("starts mongod as the replica set the nodes name, initiated by its healthcheck under the host they use", () => {
    const mongo = services.mongo as Service;
    expect(mongo.command).toEqual(["--replSet", "rs0", "--bind_ip_all"]);
    const [script] = (mongo.healthcheck?.test ?? []).filter((part) => part.endsWith(".js"));
    const mount = mongo.volumes?.find((volume) => volume.split(":")[1] === script);
    expect(mount).toBeDefined();
    const source = (mount ?? "").split(":")[0] ?? "";
    const init = text(source);
    expect(init).toContain('rs.initiate({ _id: "rs0", members: [{ _id: 0, host: "mongo:27017" }] })');
    expect(init).toContain("isWritablePrimary");
    expect(mongo.volumes).toContain("mongo-data:/data/db");
  });
});

describe("deploy/nginx.conf", () => {
  const nginx = services.nginx as Service;
  const mount = nginx.volumes?.find((volume) => volume.split(":")[1] === "/etc/nginx/nginx.conf");
  const conf = text(mount?.split(":")[0] ?? "deploy/nginx.conf");
  const upstream = /upstream hoard \{([^}]*)\}/.exec(conf)?.[1] ?? "";

  it("is the configuration mounted into nginx", () => {
    expect(mount).toBe("./deploy/nginx.conf:/etc/nginx/nginx.conf:ro");
  });

  it("balances over exactly the three node services on their port, sticky by client address", () => {
    expect([...upstream.matchAll(/^\s*server (\S+);/gm)].map((match) => match[1])).toEqual(nodeNames.map((name) => `${name}:3000`));
    expect(upstream).toMatch(/^\s*ip_hash;/m);
  });

  it("passes websocket upgrades and the Host with its port (the node's Origin check) to the upstream", () => {
    expect(conf).toContain("proxy_pass http://hoard;");
    expect(conf).toContain("proxy_http_version 1.1;");
    expect(conf).toContain("proxy_set_header Upgrade $http_upgrade;");
    expect(conf).toContain("proxy_set_header Connection $connection_upgrade;");
    expect(conf).toContain("proxy_set_header Host $http_host;");
    expect(conf).toMatch(/listen 80;/);
  });

  it("keeps idle sockets open longer than Socket.IO's ping interval and timeout (45 s)", () => {
    const seconds = Number(/proxy_read_timeout (\d+)s;/.exec(conf)?.[1]);
    expect(seconds).toBeGreaterThan(45);
  });
});

describe("docker-compose.sqlite.yml (the cluster before the MongoDB engine)", () => {
  it("puts every node on one sqlite file on a shared volume, with MONGODB_URL blank", () => {
    expect(Object.keys(sqliteOverride.services).sort()).toEqual(nodeNames);
    for (const name of nodeNames) {
      const override = sqliteOverride.services[name] as Service;
      expect(override.volumes, name).toEqual(["hoard-data:/data"]);
      const merged = { ...interpolated(services[name]?.environment), ...override.environment };
      const config = loadConfig(merged);
      expect([config.mongoUrl, config.db, config.redisUrl], name).toEqual([undefined, "/data/hoard.db", "redis://redis:6379"]);
    }
    expect(sqliteOverride.volumes).toHaveProperty("hoard-data");
  });
});

describe("Dockerfile", () => {
  const dockerfile = text("Dockerfile");

  it("builds on node 20 from the lockfile and runs what npm start runs, on port 3000", () => {
    expect(dockerfile).toMatch(/^FROM node:20-bookworm AS build$/m);
    expect(dockerfile).toMatch(/^RUN npm ci /m);
    expect(dockerfile).toMatch(/^EXPOSE 3000$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "--import", "tsx", "server\/src\/main\.ts"\]$/m);
    expect(JSON.parse(text("package.json")).scripts.start).toBe("tsx server/src/main.ts");
  });

  it("copies the package.json of every workspace before npm ci", () => {
    for (const workspace of JSON.parse(text("package.json")).workspaces as string[]) {
      expect(dockerfile).toContain(`COPY ${workspace}/package.json ${workspace}/package.json`);
    }
  });

  it("leaves local state out of the build context", () => {
    const ignored = text(".dockerignore").split("\n");
    expect(ignored).toEqual(expect.arrayContaining(["**/node_modules", "data", ".env"]));
    expect(existsSync(new URL("deploy/mongo-replica-set.js", root))).toBe(true);
  });
});
