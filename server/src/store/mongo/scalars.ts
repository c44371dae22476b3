/**
 * Query filters are built from these only. The port's types say `string`, and the transport has
 * validated every value, but a filter is where an object such as `{ $ne: null }` would turn a
 * lookup into a scan of everything: refuse anything that is not a plain string at that door.
 */
export function text(value: unknown, what: string): string {
  if (typeof value !== "string") throw new TypeError(`${what} must be a string, not ${value === null ? "null" : typeof value}`);
  return value;
}

export function texts(values: readonly unknown[], what: string): string[] {
  return values.map((value) => text(value, what));
}

export function count(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new TypeError(`${what} must be a finite number`);
  return value;
}
