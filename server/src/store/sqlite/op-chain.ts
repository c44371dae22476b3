/**
 * How a player's op-log entries are linked inside the appended `ops` records (op-results.ts),
 * so that any stretch of a player's history is found in O(log² n + limit) record reads with no
 * per-player index written on each commit.
 *
 * Each entry of version v links to the record of version v − 1 (`prev`) and to that of version
 * v & (v − 1), v with its lowest set bit cleared (`jump`), as a Fenwick tree does. The player's
 * row keeps its **spine**: the records of its version h, then h & (h − 1), and so on down to
 * (not including) 0 — at most one per bit of h. The next version's links are all in that spine,
 * so a commit reads nothing to make them: `prev` is the spine's first record, `jump` the one of
 * version (h + 1) & h, which is h with its trailing ones cleared, so also on the spine; the new
 * spine is the new record, then the old spine from the jump's version on.
 *
 * A version whose entry predates the records (a file migrated by core-005 keeps that part of
 * its op log in `op_log`) has no record: its place in a spine or a link is null.
 */
export type Spine = ReadonlyArray<number | null>;

/** The versions a spine of version `head` names, newest first: head, head & (head − 1), … > 0. */
export function spineVersions(head: number): number[] {
  const versions: number[] = [];
  for (let version = head; version > 0; version &= version - 1) versions.push(version);
  return versions;
}

/** The links of the entry of version `head + 1`, from the spine of `head`. */
export function linksAfter(head: number, spine: Spine): { prev: number | null; jump: number | null } {
  const jumpVersion = (head + 1) & head;
  const at = spineVersions(head).indexOf(jumpVersion);
  return { prev: spine[0] ?? null, jump: jumpVersion === 0 ? null : (spine[at] ?? null) };
}

/** The spine of version `head + 1`, written to `seq`, from the spine of `head`. */
export function spineAfter(head: number, spine: Spine, seq: number): Spine {
  const jumpVersion = (head + 1) & head;
  if (jumpVersion === 0) return [seq];
  return [seq, ...spine.slice(spineVersions(head).indexOf(jumpVersion))];
}

/** A stored spine (JSON, null before core-005) as one place per version of `head`. */
export function parseSpine(head: number, json: string | null): Spine {
  return json === null ? spineVersions(head).map(() => null) : (JSON.parse(json) as Spine);
}
