import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chainTo, describeImport, type Import, importsOf, root, runtimeClosure, sourceFiles } from "./imports";
import { layoutOf } from "./layout";

/**
 * The architecture's walls, checked on every `npm test` from the imports of every source file
 * (tests and type tests excluded: they may reach anything). Each wall names the files that
 * break it, with the line and the import, so a failure says what to move.
 *
 * How the folders of server/src are told apart (domains, their ports, infrastructure): layout.ts.
 */

/** Packages that are a transport or a store engine: pure rules and services never touch them. */
const IO_PACKAGES = new Set(["better-sqlite3", "mongodb", "ioredis", "socket.io", "express", "helmet", "@socket.io/redis-adapter"]);

const server = sourceFiles("server/src");
const all = sourceFiles("protocol/src", "client-sdk/src", "web-console/src", "server/src", "demo");

const { isDomain, isDomainPort, inFolder, folderCycles } = layoutOf("server/src/");

/** Every import of these files that `broken` flags, as report lines. */
function breaches(files: readonly string[], broken: (entry: Import) => boolean): string[] {
  return files.flatMap((file) => importsOf(file).filter(broken).map(describeImport));
}
const intoFile = (entry: Import, test: (path: string) => boolean) => entry.target.kind === "file" && test(entry.target.path);
const intoPackage = (entry: Import, test: (name: string) => boolean) => entry.target.kind === "package" && test(entry.target.name);

describe("architecture walls", () => {
  it("sees the sources it walls", () => {
    // A scanner that found nothing would pass every wall.
    expect(server.length).toBeGreaterThan(100);
    expect(importsOf("server/src/app.ts").length).toBeGreaterThan(20);
    expect(all.some((file) => file.startsWith("client-sdk/src/"))).toBe(true);
  });

  it("protocol/ imports only zod (and jose in tokens.ts, the server-side token helper)", () => {
    const files = all.filter((file) => file.startsWith("protocol/src/"));
    const allowed = (entry: Import) =>
      intoFile(entry, (path) => path.startsWith("protocol/src/")) ||
      intoPackage(entry, (name) => name === "zod") ||
      (entry.from === "protocol/src/tokens.ts" && intoPackage(entry, (name) => name === "jose"));
    expect(breaches(files, (entry) => !allowed(entry))).toEqual([]);
  });

  it("client-sdk/ imports no server, and no zod at run time (type-only imports may name it)", () => {
    const files = all.filter((file) => file.startsWith("client-sdk/src/"));
    const serverSide = (entry: Import) =>
      intoFile(entry, (path) => !path.startsWith("client-sdk/src/") && !path.startsWith("protocol/src/")) ||
      intoPackage(entry, (name) => name.startsWith("@hoard/") || IO_PACKAGES.has(name));
    expect(breaches(files, serverSide)).toEqual([]);
    expect(zodAtRunTime(files)).toEqual([]);
  });

  it("web-console/src imports only the SDK and the protocol's client entry (and its chart library)", () => {
    const files = all.filter((file) => file.startsWith("web-console/src/"));
    const allowed = (entry: Import) =>
      intoFile(
        entry,
        (path) => path.startsWith("web-console/src/") || path === "client-sdk/src/index.ts" || path === "protocol/src/client.ts",
      ) || intoPackage(entry, (name) => name === "uplot");
    expect(breaches(files, (entry) => !allowed(entry))).toEqual([]);
    expect(zodAtRunTime(files)).toEqual([]);
  });

  it("domain rules (rules.ts, plans.ts) import no store and no transport", () => {
    const files = server.filter((file) => isDomain(file) && /\/(rules|plans)\.ts$/.test(file));
    expect(files.length).toBeGreaterThan(3);
    expect(breaches(files, storeOrTransport)).toEqual([]);
  });

  it("services import no transport", () => {
    // A service is any domain file that exports a class named …Service.
    const files = server.filter((file) => isDomain(file) && /^export class \w+Service\b/m.test(read(file)));
    expect(files.length).toBeGreaterThan(5);
    expect(breaches(files, transport)).toEqual([]);
  });

  it("store engines (store/sqlite, store/mongo) import no domain (but its port.ts) and no transport", () => {
    const files = server.filter((file) => inFolder(file, "store/sqlite") || inFolder(file, "store/mongo"));
    const broken = (entry: Import) => transport(entry) || intoFile(entry, (path) => isDomain(path) && !isDomainPort(path));
    expect(breaches(files, broken)).toEqual([]);
  });

  it("a domain's port.ts (its part of the store port) imports only the protocol, the commit plan and other ports", () => {
    // The seam both the domain and the engines import: it may depend on neither.
    const files = server.filter(isDomainPort);
    expect(files.length).toBeGreaterThanOrEqual(4);
    const allowed = (entry: Import) =>
      intoFile(entry, (path) => path.startsWith("protocol/src/") || inFolder(path, "commit") || isDomainPort(path)) ||
      (entry.typeOnly && intoPackage(entry, (name) => name === "zod"));
    expect(breaches(files, (entry) => !allowed(entry))).toEqual([]);
  });

  it("server folders (and root files: app.ts, actions.ts, config.ts…) import each other without cycles", () => {
    expect(folderCycles(server)).toEqual([]);
  });

  it("only the server and the demo (its own workspace) import the server: not the console's package", () => {
    const files = [...sourceFiles("web-console"), ...sourceFiles("client-sdk"), ...sourceFiles("protocol")];
    const intoServer = (entry: Import) =>
      intoFile(entry, (path) => path.startsWith("server/")) || intoPackage(entry, (name) => name.startsWith("@hoard/server"));
    expect(breaches(files, intoServer)).toEqual([]);
    const console = JSON.parse(read("web-console/package.json")) as Record<string, Record<string, string> | undefined>;
    expect(Object.keys({ ...console.dependencies, ...console.devDependencies })).not.toContain("@hoard/server");
  });

  it("the server package exports only its public entry (and the documented tests-only subpath)", () => {
    const manifest = JSON.parse(read("server/package.json")) as { exports: Record<string, string> };
    expect(Object.keys(manifest.exports).sort()).toEqual([".", "./internal/*"]);
    // Only tests and benchmarks reach inside.
    const deep = breaches(all, (entry) => entry.specifier.startsWith("@hoard/server/"));
    expect(deep).toEqual([]);
  });
});

function read(file: string): string {
  return readFileSync(join(root, file), "utf8");
}

function transport(entry: Import): boolean {
  return (
    intoFile(entry, (path) => inFolder(path, "transport") || inFolder(path, "cluster")) ||
    intoPackage(entry, (name) => IO_PACKAGES.has(name) && name !== "better-sqlite3" && name !== "mongodb")
  );
}

function storeOrTransport(entry: Import): boolean {
  return transport(entry) || intoFile(entry, (path) => inFolder(path, "store")) || intoPackage(entry, (name) => IO_PACKAGES.has(name));
}

/** How zod gets loaded at run time from these files, if it does: one chain of imports per start file. */
function zodAtRunTime(files: readonly string[]): string[][] {
  return files.flatMap((file) => {
    const closure = runtimeClosure([file]);
    return closure.has("package:zod") ? [chainTo(closure, "package:zod")] : [];
  });
}
