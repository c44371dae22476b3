import { cycles, describeImport, importsOf } from "./imports";

/**
 * How the walls (walls.test.ts) see the server's folders, for any source root: the server's
 * own (`server/src/`), or a fixture tree (layout.test.ts) that proves a broken wall is found.
 *
 * A *domain* is any top-level folder that is not infrastructure, so a new domain is walled
 * without editing the walls. A domain's `port.ts` is its part of the store port: engines
 * implement it and may import it.
 */
const INFRASTRUCTURE: ReadonlySet<string> = new Set(["store", "transport", "cluster", "lib", "auth", "commit"]);

export interface FolderCycle {
  members: string[];
  /** `from → to` and the first import that makes that edge. */
  edges: Array<[string, string]>;
}

export function layoutOf(base: string) {
  /** <base><top>/… → <top> (root files: their own name, without .ts). */
  const topOf = (path: string): string | undefined => {
    if (!path.startsWith(base)) return undefined;
    return path.slice(base.length).split("/")[0]?.replace(/\.ts$/, "");
  };
  const inFolder = (path: string, folder: string) => path.startsWith(`${base}${folder}/`);
  const isDomain = (path: string) => {
    const top = topOf(path);
    return top !== undefined && inFolder(path, top) && !INFRASTRUCTURE.has(top);
  };
  const isDomainPort = (path: string) => isDomain(path) && /^[^/]+\/port\.ts$/.test(path.slice(base.length));

  /**
   * The cycles between folders, each with the imports that make it. Nodes are folders (store/
   * with its engines, each domain, each infrastructure folder); a domain's port.ts is a node of
   * its own (the seam both its domain and the engines depend on, importing neither); and each
   * root file (app.ts, actions.ts, config.ts…) is a node too, so a cycle through the composition
   * root or a shared leaf counts like any other.
   */
  const folderCycles = (files: readonly string[]): FolderCycle[] => {
    const nodeOf = (path: string) => {
      if (isDomainPort(path)) return path.slice(base.length, -".ts".length);
      const top = topOf(path) as string;
      return inFolder(path, top) ? `${top}/` : path.slice(base.length);
    };
    const graph = new Map<string, Set<string>>();
    const examples = new Map<string, string>();
    for (const file of files) {
      for (const entry of importsOf(file)) {
        if (entry.target.kind !== "file" || !entry.target.path.startsWith(base)) continue;
        const [from, to] = [nodeOf(file), nodeOf(entry.target.path)];
        if (from === to) continue;
        const edges = graph.get(from) ?? new Set<string>();
        graph.set(from, edges.add(to));
        if (!examples.has(`${from} → ${to}`)) examples.set(`${from} → ${to}`, describeImport(entry));
      }
    }
    return cycles(graph).map((members) => ({
      members,
      edges: [...examples].filter(([edge]) => {
        const [from, to] = edge.split(" → ") as [string, string];
        return members.includes(from) && members.includes(to);
      }),
    }));
  };

  return { topOf, inFolder, isDomain, isDomainPort, folderCycles };
}
