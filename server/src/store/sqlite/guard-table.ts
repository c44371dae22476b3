import type { Guarded } from "../../commit/plan";

/**
 * How the embedded engine reads and writes one kind of guard document. Synchronous: it runs
 * inside the commit's transaction on the same connection. A domain's sqlite store provides
 * one per kind it owns; SqliteStore looks them up by kind.
 */
export interface GuardTable {
  read(id: string): Guarded | undefined;
  /** Writes `doc` if the stored version is still `expected` (0 = absent); false when it is not. */
  write(doc: Guarded, expected: number): boolean;
}
