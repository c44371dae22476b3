/**
 * Reads a V8 .cpuprofile (the format of `node --cpu-prof` and the inspector's Profiler) and
 * answers where the self time went: by function and by area (Hoard's own files, each
 * package, Node internals, GC).
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

interface HotSpot {
  name: string;
  /** Where it lives: a repository path, a package, or a Node internal. */
  where: string;
  area: string;
  selfMs: number;
  /** Share of the busy (non-idle) time, 0..1. */
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  busyMs: number;
  functions: HotSpot[];
  areas: Array<{ area: string; selfMs: number; share: number }>;
}

/** Self time per function and per area, the largest first. */
export function summariseProfile(profile: CpuProfile, options: { root: string; top: number }): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const selfUs = new Map<number, number>();
  // A sample lasts until the next one (the DevTools convention); the last one lasts until the end.
  let at = profile.startTime;
  const times = deltas.map((delta) => (at += delta));
  samples.forEach((id, index) => {
    const next = times[index + 1] ?? profile.endTime;
    const duration = Math.max(0, next - (times[index] ?? next));
    selfUs.set(id, (selfUs.get(id) ?? 0) + duration);
  });

  const functions = new Map<string, { name: string; where: string; area: string; us: number }>();
  const areas = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    totalUs += us;
    if (frame.functionName === "(idle)") {
      idleUs += us;
      continue;
    }
    const area = areaOf(frame, options.root);
    const where = whereOf(frame, options.root);
    const name = frame.functionName || "(anonymous)";
    const key = `${name}\u0000${where}`;
    const entry = functions.get(key) ?? { name, where, area, us: 0 };
    entry.us += us;
    functions.set(key, entry);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const share = (us: number) => (busyUs > 0 ? us / busyUs : 0);
  return {
    totalMs: totalUs / 1000,
    busyMs: busyUs / 1000,
    functions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, options.top)
      .map((entry) => ({ name: entry.name, where: entry.where, area: entry.area, selfMs: entry.us / 1000, share: share(entry.us) })),
    areas: [...areas.entries()].sort((a, b) => b[1] - a[1]).map(([area, us]) => ({ area, selfMs: us / 1000, share: share(us) })),
  };
}

/** `hoard <folder>` for this repository's own source, the package name under node_modules, `node` for internals, or the V8 pseudo-frame. */
export function areaOf(frame: CallFrame, root: string): string {
  const url = frame.url;
  if (url === "") return frame.functionName.startsWith("(") ? frame.functionName : "(native)";
  if (url.startsWith("node:")) return "node";
  const modules = url.lastIndexOf("/node_modules/");
  if (modules >= 0) {
    const rest = url.slice(modules + "/node_modules/".length).split("/");
    return (rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1] ?? ""}` : rest[0]) ?? "(unknown)";
  }
  const path = stripRoot(url, root);
  return path === url ? "(other)" : `hoard ${path.split("/").slice(0, -1).join("/")}`;
}

/**
 * A package file with its line; this repository's own files without one, because tsx
 * compiles them onto other lines than the source's (open the profile in DevTools for those).
 */
function whereOf(frame: CallFrame, root: string): string {
  if (frame.url === "") return "";
  const path = stripRoot(frame.url, root);
  const modules = path.lastIndexOf("node_modules/");
  if (modules >= 0) return `${path.slice(modules + "node_modules/".length)}:${frame.lineNumber + 1}`;
  return path.startsWith("node:") || path === frame.url ? `${path}:${frame.lineNumber + 1}` : path;
}

function stripRoot(url: string, root: string): string {
  const file = url.startsWith("file://") ? url.slice("file://".length) : url;
  const prefix = root.endsWith("/") ? root : `${root}/`;
  return file.startsWith(prefix) ? file.slice(prefix.length) : url;
}
