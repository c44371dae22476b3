/** Partition names in a fixed order that does not depend on the locale (the stock rules and every engine's reads). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
