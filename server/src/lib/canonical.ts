import { hash } from "node:crypto";

/**
 * JSON with object keys sorted at every depth: equal values always serialise the same. Written
 * directly, in one pass (no sorted copy, then JSON.stringify): it sits on every mutation's path.
 * It is the text `JSON.stringify` gives for a copy with sorted keys, byte for byte (a test
 * compares them): undefined properties are left out, undefined in an array is null, a
 * `__proto__` key is left out (the sorted copy set its prototype instead of a property), and
 * keys that are array indices ("0", "17") come first in numeric order (as any object lists them).
 */
export function canonicalJson(value: unknown): string {
  return write(value) as string;
}

/** The text of a value, or `undefined` where JSON has none (undefined, a function, a symbol). */
function write(value: unknown, omit?: string): string | undefined {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "object":
      break;
    default:
      // undefined, functions and symbols have no text; a bigint throws, as in JSON.stringify.
      return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    let text = "[";
    for (let i = 0; i < value.length; i++) text += `${i === 0 ? "" : ","}${write(value[i]) ?? "null"}`;
    return `${text}]`;
  }
  let text = "";
  for (const key of sortedKeys(value)) {
    if (key === "__proto__" || key === omit) continue;
    const child = write((value as Record<string, unknown>)[key]);
    if (child !== undefined) text += `,${JSON.stringify(key)}:${child}`;
  }
  return `{${text.slice(1)}}`;
}

/**
 * The keys in the order the sorted copy listed them: an object lists its array-index keys first,
 * in numeric order, whatever order they were added in; then the other keys, here sorted.
 */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  let indices = 0;
  while (indices < keys.length && isArrayIndex(keys[indices] as string)) indices++;
  if (indices === 0) return keys.sort();
  return keys.slice(0, indices).concat(keys.slice(indices).sort());
}

function isArrayIndex(key: string): boolean {
  return /^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < 4_294_967_295;
}

export function sha256Hex(text: string): string {
  return hash("sha256", text, "hex");
}

/**
 * The fingerprint of a mutation, without its opId: a repeat of an opId must match it. The text
 * hashed is the canonical JSON of `{ kind, rest }` (`rest` the input without its opId), as it
 * has always been, so fingerprints stored by earlier versions still match.
 */
export function requestHash(kind: string, input: { opId: string }): string {
  return sha256Hex(`{"kind":${JSON.stringify(kind)},"rest":${write(input, "opId")}}`);
}
