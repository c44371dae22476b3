import { existsSync, readFileSync } from "node:fs";
import { loadConfig } from "@hoard/server/internal/config";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
 * NOT RUN: no Docker engine runs here, so the deployment files are checked by reading them —
 * the services, their wiring, healthchecks and ports, the nginx configuration, the Dockerfile's
 * stages — and every node environment is fed to the node's own configuration loader. Nothing
 * here proves that `docker compose up` works; that needs a Docker engine.
 */
const NOT_RUN = "read, not run: no Docker engine here";
console.warn(`test/deploy: the Dockerfile, compose files and nginx.conf are ${NOT_RUN}`);

const root = new URL("../../", import.meta.url);
const text = (path: string) => readFileSync(new URL(path, root), "utf8");
/** YAML with compose's merge keys (`<<: *mongod`). */
const yaml = (path: string) => parse(text(path), { merge: true }) as Compose;

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number };
  stop_grace_period?: string;
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

/** `${HOARD_SECRET:?message}` → what compose substitutes from .env (a 32-character stand-in). */
function interpolated(environment: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).map(([key, value]) => [key, String(value).replace(/\$\{HOARD_SECRET:\?[^}]*\}/, "s".repeat(32))]),
  );
}

const seconds = (duration = "") => Number(/^(\d+)s$/.exec(duration)?.[1] ?? Number.NaN);

/** What every stack shares: nginx in front of the service `node`, checked on /ready. */
function checkStack(compose: Compose): void {
  const { services } = compose;
  const node = services.node as Service;

  it("publishes only nginx's port", () => {
    expect(services.nginx?.ports).toEqual(["8080:80"]);
    for (const [name, service] of Object.entries(services)) if (name !== "nginx") expect(service.ports, name).toBeUndefined();
  });

  it("mounts deploy/nginx.conf and starts nginx once the nodes are healthy", () => {
    expect(services.nginx?.volumes).toEqual(["./deploy/nginx.conf:/etc/nginx/nginx.conf:ro"]);
    expect(services.nginx?.depends_on).toEqual({ node: { condition: "service_healthy" } });
  });

  it("checks readiness (/ready), not mere liveness, on the nodes and through nginx", () => {
    expect(node.healthcheck?.test.join(" ")).toContain("http://127.0.0.1:3000/ready");
    expect(services.nginx?.healthcheck?.test.join(" ")).toContain("http://127.0.0.1/ready");
    for (const [name, service] of Object.entries(services)) {
      expect(service.healthcheck?.test.join(" ") ?? "", name).not.toContain("/health");
    }
  });

  it("builds the node from the Dockerfile, takes HOARD_SECRET from .env (never a literal) and drains before Docker kills it", () => {
    expect(node.build).toBe(".");
    expect(node.environment?.HOARD_SECRET).toMatch(/^\$\{HOARD_SECRET:\?.+\}$/);
    // Docker sends SIGTERM, waits stop_grace_period, then SIGKILL: longer than the drain.
    expect(seconds(node.stop_grace_period) * 1000).toBeGreaterThan(loadConfig(interpolated(node.environment)).shutdownTimeoutMs);
  });
}

describe(`docker-compose.yml, the default: one node on sqlite behind nginx (${NOT_RUN})`, () => {
  const compose = yaml("docker-compose.yml");
  const node = compose.services.node as Service;
  checkStack(compose);

  it("runs nginx and one node, nothing else: no Redis, no MongoDB", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["nginx", "node"]);
    expect(node.deploy?.replicas ?? 1).toBe(1);
  });

  it("gives the node an environment it accepts: the embedded store on a volume, no dependency to wait for", () => {
    const config = loadConfig(interpolated(node.environment));
    expect(config).toMatchObject({ db: "/data/hoard.db", mongoUrl: undefined, redisUrl: undefined, port: 3000 });
    expect(config.secret).toHaveLength(32);
    expect(node.volumes).toEqual(["hoard-data:/data"]);
    expect(compose.volumes).toHaveProperty("hoard-data");
    expect(node.depends_on).toBeUndefined();
    expect(text(".env.example")).toMatch(/^HOARD_SECRET=$/m);
    expect(text(".gitignore")).toMatch(/^\.env$/m);
  });
});

describe(`docker-compose.cluster.yml: three nodes, Redis, a three-member MongoDB replica set (${NOT_RUN})`, () => {
  const compose = yaml("docker-compose.cluster.yml");
  const { services } = compose;
  const node = services.node as Service;
  const mongods = ["mongo1", "mongo2", "mongo3"];
  checkStack(compose);

  it("runs nginx, three replicas of the node, Redis, three mongod and the one-shot replica set init", () => {
    expect(Object.keys(services).sort()).toEqual(["mongo-init", "mongo1", "mongo2", "mongo3", "nginx", "node", "redis"]);
    expect(node.deploy?.replicas).toBe(3);
    // Replicas share one service definition: a fixed HOARD_NODE_ID would give all three one id.
    expect(node.environment?.HOARD_NODE_ID).toBeUndefined();
  });

  it("gives the nodes an environment they accept, on the redis service and every member of the replica set", () => {
    const config = loadConfig(interpolated(node.environment));
    expect(config).toMatchObject({ redisUrl: "redis://redis:6379", mongoDatabase: "hoard", port: 3000 });
    const [, hosts, query] = /^mongodb:\/\/([^/]+)\/\?(.*)$/.exec(config.mongoUrl ?? "") ?? [];
    expect(hosts?.split(",")).toEqual(mongods.map((name) => `${name}:27017`));
    expect(new URLSearchParams(query).get("replicaSet")).toBe("rs0");
  });

  it("starts the nodes once Redis is healthy and the replica set is initiated", () => {
    expect(node.depends_on).toEqual({
      redis: { condition: "service_healthy" },
      "mongo-init": { condition: "service_completed_successfully" },
    });
    expect(services.redis?.healthcheck?.test).toEqual(["CMD", "redis-cli", "ping"]);
  });

  it("runs three mongod of one replica set, each with its own volume and healthcheck", () => {
    for (const name of mongods) {
      const mongod = services[name] as Service;
      expect(mongod.command, name).toEqual(["--replSet", "rs0", "--bind_ip_all"]);
      expect(mongod.volumes, name).toEqual([`${name}-data:/data/db`]);
      expect(mongod.healthcheck?.test, name).toBeDefined();
      expect(compose.volumes, name).toHaveProperty(`${name}-data`);
    }
  });

  it("initiates the replica set once with all three members, under the host names the nodes use, and waits for a primary", () => {
    const init = services["mongo-init"] as Service;
    expect(init.depends_on).toEqual(Object.fromEntries(mongods.map((name) => [name, { condition: "service_healthy" }])));
    const script = init.command?.find((part) => part.endsWith(".js")) ?? "";
    const mount = init.volumes?.find((volume) => volume.split(":")[1] === script) ?? "";
    const source = text(mount.split(":")[0] ?? "");
    expect(source).toContain('const members = ["mongo1:27017", "mongo2:27017", "mongo3:27017"];');
    expect(source).toContain('rs.initiate({ _id: "rs0", members: members.map((host, i) => ({ _id: i, host })) });');
    expect(source).toContain('codeName !== "NotYetInitialized"'); // a second `up` changes nothing
    expect(source).toMatch(/while \(!db\.hello\(\)\.primary\)/);
  });
});

describe(`deploy/nginx.conf (${NOT_RUN})`, () => {
  const conf = text("deploy/nginx.conf");
  const upstream = /upstream hoard \{([^}]*)\}/.exec(conf)?.[1] ?? "";
  const directives = (block: string) =>
    block
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#"));

  it("balances WebSocket connections by least_conn over every address of the service `node`, re-resolved", () => {
    expect(directives(upstream)).toEqual(["zone hoard 64k;", "least_conn;", "server node:3000 resolve;"]);
    expect(conf).toMatch(/^\s*resolver 127\.0\.0\.11 valid=\d+s/m);
    expect(directives(conf).join("\n")).not.toMatch(/ip_hash/);
  });

  it("refuses Socket.IO long-polling (it would be balanced away from its session) and upgrades WebSockets", () => {
    const socketIo = /location \/socket\.io\/ \{([\s\S]*?)\n {4}\}/.exec(conf)?.[1] ?? "";
    expect(socketIo).toMatch(/if \(\$arg_transport = "polling"\) \{\s*return 400;/);
    expect(socketIo).toContain("proxy_pass http://hoard;");
    expect(socketIo).toContain("proxy_set_header Upgrade $http_upgrade;");
    expect(socketIo).toContain("proxy_set_header Connection $connection_upgrade;");
    expect(socketIo).toContain("proxy_set_header Host $http_host;");
    expect(Number(/proxy_read_timeout (\d+)s;/.exec(socketIo)?.[1])).toBeGreaterThan(45); // ping interval + timeout
  });

  it("does not publish /metrics or the API docs", () => {
    for (const location of ["location = /metrics", "location /api/docs", "location = /api/openapi.json"]) {
      expect(conf).toMatch(new RegExp(`${location.replace(/[.*/]/g, "\\$&")} \\{\\s*return 404;`));
    }
  });
});

describe(`Dockerfile (${NOT_RUN})`, () => {
  const dockerfile = text("Dockerfile");
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const final = stages.at(-1) ?? "";
  const instructions = (stage: string, name: string) => stage.split("\n").filter((line) => line.startsWith(`${name} `));

  it("pins one Node release, 20.19 or newer, for every stage", () => {
    const version = /^ARG NODE_VERSION=(\d+)\.(\d+)\.(\d+)$/m.exec(dockerfile);
    expect(version).not.toBeNull();
    const [major, minor] = [Number(version?.[1]), Number(version?.[2])];
    expect(major > 20 || (major === 20 && minor >= 19)).toBe(true);
    for (const stage of stages) expect(stage).toMatch(/^node:\$\{NODE_VERSION\}-bookworm(-slim)?( AS \w+)?\n/);
  });

  it("builds in one stage, installs the server's production dependencies in another, and ships only their output", () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/^RUN npm ci --no-audit --no-fund$/m);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev --workspace=server /);
    const copied = instructions(final, "COPY").map((line) => line.split(" ").at(-2));
    expect(copied.sort()).toEqual(
      [
        "/app/node_modules",
        "/app/server/node_modules",
        "/app/package.json",
        "/app/server/package.json",
        "/app/server/dist",
        "/app/web-console/dist",
      ].sort(),
    );
    expect(final).not.toMatch(/^COPY \. /m);
  });

  it("copies the package.json of every workspace before npm ci", () => {
    for (const workspace of JSON.parse(text("package.json")).workspaces as string[]) {
      expect(dockerfile).toContain(`COPY ${workspace}/package.json ${workspace}/package.json`);
    }
  });

  it("runs as the unprivileged node user, checks /ready, and runs what npm start execs", () => {
    expect(instructions(final, "USER")).toEqual(["USER node"]);
    expect(final.indexOf("USER node")).toBeLessThan(final.indexOf("CMD "));
    expect(final).toMatch(/^HEALTHCHECK [\s\S]*\/ready/m);
    expect(final).toMatch(/^EXPOSE 3000$/m);
    const cmd = JSON.parse(/^CMD (.*)$/m.exec(final)?.[1] ?? "[]") as string[];
    expect(cmd).toEqual(["node", "--enable-source-maps", "server/dist/main.js"]);
    expect(JSON.parse(text("package.json")).scripts.start).toBe(`exec ${cmd.join(" ")}`);
  });

  it("leaves local state and build output out of the build context", () => {
    const ignored = text(".dockerignore").split("\n");
    expect(ignored).toEqual(expect.arrayContaining(["**/node_modules", "**/dist", "data", ".env"]));
    expect(existsSync(new URL("deploy/mongo-replica-set.js", root))).toBe(true);
  });
});
