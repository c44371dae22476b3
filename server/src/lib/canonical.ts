import { createHash } from "node:crypto";

/** JSON with object keys sorted at every depth: equal values always serialise the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== undefined) sorted[key] = sortKeys(child);
    }
    return sorted;
  }
  return value;
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The fingerprint of a mutation, without its opId: a repeat of an opId must match it. */
export function requestHash(kind: string, input: { opId: string }): string {
  const { opId: _opId, ...rest } = input;
  return sha256Hex(canonicalJson({ kind, rest }));
}
