import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, posix } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * A small import scanner for the architecture walls (walls.test.ts): it reads the static
 * imports and re-exports of every TypeScript source file, plus `import("…")` calls, and resolves
 * each one to a repository file (relative paths and the workspace packages' `exports`) or to
 * a package name. No TypeScript API is needed (the compiler here is the native one), and the
 * whole repository is read in milliseconds.
 *
 * Statements are recognised at the start of a line, which is where biome's formatter puts
 * every import and export; a type-only statement (`import type`, `export type`) never loads its
 * module at run time. `import { type A }` does (verbatimModuleSyntax keeps it as a side-effect
 * import), so it counts as a run-time import.
 */

export const root = fileURLToPath(new URL("../../", import.meta.url));

type Target = { kind: "file"; path: string } | { kind: "package"; name: string } | { kind: "builtin"; name: string };

export interface Import {
  /** The importing file, relative to the repository root, with forward slashes. */
  from: string;
  line: number;
  specifier: string;
  typeOnly: boolean;
  target: Target;
}

const STATIC =
  /^(import|export)\s+(type\s+)?(?:\{[^}]*\}|\*(?:\s+as\s+[\w$]+)?|[\w$]+(?:\s*,\s*(?:\{[^}]*\}|\*\s+as\s+[\w$]+))?)\s*from\s*["']([^"']+)["']/gm;
const SIDE_EFFECT = /^import\s*["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** Every `.ts` file under the given folders (relative to the root), tests and type tests left out. */
export function sourceFiles(...folders: string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      if (name === "node_modules" || name === "dist") continue;
      const path = posix.join(dir, name);
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (/\.tsx?$/.test(name) && !/\.(test|typetest)\.ts$/.test(name) && !name.endsWith(".d.ts")) files.push(path);
    }
  };
  for (const folder of folders) if (existsSync(join(root, folder))) walk(folder);
  return files;
}

const scanned = new Map<string, Import[]>();

/** The imports of one file, in source order (each file is read once). */
export function importsOf(file: string): Import[] {
  const found = scanned.get(file) ?? scan(file);
  scanned.set(file, found);
  return found;
}

function scan(file: string): Import[] {
  const text = readFileSync(join(root, file), "utf8");
  const lineAt = (index: number) => text.slice(0, index).split("\n").length;
  const found: Import[] = [];
  const add = (index: number, specifier: string, typeOnly: boolean) =>
    found.push({ from: file, line: lineAt(index), specifier, typeOnly, target: resolve(file, specifier) });
  for (const match of text.matchAll(STATIC)) add(match.index, match[3] as string, match[2] !== undefined);
  for (const match of text.matchAll(SIDE_EFFECT)) add(match.index, match[1] as string, false);
  for (const match of text.matchAll(DYNAMIC)) {
    // `import("x").Name` in a type position loads nothing.
    const typeOnly = text[match.index + match[0].length] === ".";
    add(match.index, match[1] as string, typeOnly);
  }
  return found.sort((a, b) => a.line - b.line);
}

/** Each workspace package's name → its directory and `exports`. */
const workspaces = new Map<string, { dir: string; exports: Record<string, string> }>();
for (const dir of JSON.parse(readFileSync(join(root, "package.json"), "utf8")).workspaces as string[]) {
  const manifest = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")) as { name: string; exports?: Record<string, string> };
  workspaces.set(manifest.name, { dir, exports: manifest.exports ?? {} });
}

function resolve(from: string, specifier: string): Target {
  if (specifier.startsWith(".")) return fileTarget(posix.join(posix.dirname(from), specifier));
  const bare = specifier.replace(/^node:/, "");
  if (specifier.startsWith("node:") || builtinModules.includes(bare.split("/")[0] as string)) return { kind: "builtin", name: bare };
  const segments = specifier.split("/");
  const name = specifier.startsWith("@") ? segments.slice(0, 2).join("/") : (segments[0] as string);
  const workspace = workspaces.get(name);
  if (!workspace) return { kind: "package", name };
  const subpath = `.${specifier.slice(name.length)}`;
  for (const [pattern, target] of Object.entries(workspace.exports)) {
    const star = pattern.indexOf("*");
    if (star < 0 ? pattern === subpath : subpath.startsWith(pattern.slice(0, star)) && subpath.endsWith(pattern.slice(star + 1))) {
      const middle = star < 0 ? "" : subpath.slice(star, subpath.length - (pattern.length - star - 1));
      return fileTarget(posix.join(workspace.dir, target.replace("*", middle)));
    }
  }
  // Not exported: node would refuse it; name it so a wall can report it.
  return { kind: "package", name: specifier };
}

function fileTarget(path: string): Target {
  const candidates = [path, path.replace(/\.js$/, ".ts"), `${path}.ts`, `${path}/index.ts`];
  const found = candidates.find((candidate) => existsSync(join(root, candidate)) && statSync(join(root, candidate)).isFile());
  return { kind: "file", path: found ?? path };
}

/** `file:line imports "specifier"`, for messages. */
export function describeImport(entry: Import): string {
  return `${entry.from}:${entry.line} imports "${entry.specifier}"${entry.typeOnly ? " (type only)" : ""}`;
}

/** Every file reachable from `start` through run-time imports, with the first import that reached it. */
export function runtimeClosure(start: readonly string[]): Map<string, Import | undefined> {
  const seen = new Map<string, Import | undefined>(start.map((file) => [file, undefined]));
  const queue = [...start];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (!file.endsWith(".ts")) continue;
    for (const entry of importsOf(file)) {
      if (entry.typeOnly) continue;
      const key = entry.target.kind === "file" ? entry.target.path : `${entry.target.kind}:${entry.target.name}`;
      if (seen.has(key)) continue;
      seen.set(key, entry);
      if (entry.target.kind === "file") queue.push(entry.target.path);
    }
  }
  return seen;
}

/** The chain of imports that brought `key` into a closure, as lines. */
export function chainTo(closure: Map<string, Import | undefined>, key: string): string[] {
  const chain: string[] = [];
  for (let entry = closure.get(key); entry; entry = closure.get(entry.from)) chain.unshift(describeImport(entry));
  return chain;
}

/** Strongly connected components of more than one node (Tarjan), each sorted. */
export function cycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}
