import { readFileSync, renameSync, writeFileSync } from "node:fs";

/**
 * Clocks a test moves by hand, injected into a node (`createApp`'s `now`): expiry is judged by
 * them, so a test steps past a lot's time instead of sleeping until it.
 */
export class TestClock {
  constructor(private ms = Date.parse("2030-01-01T00:00:00.000Z")) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

/**
 * The same, shared with node processes through a file (ms since the epoch, as text): a node
 * started with HOARD_TEST_CLOCK_FILE (test/support/cluster-node.ts) reads its time from it.
 */
export class FileClock {
  constructor(
    readonly file: string,
    private ms = Date.parse("2030-01-01T00:00:00.000Z"),
  ) {
    writeFileSync(file, String(ms));
  }
  advance(ms: number): void {
    this.ms += ms;
    // Renamed into place, so a reader never sees a half-written number.
    writeFileSync(`${this.file}.next`, String(this.ms));
    renameSync(`${this.file}.next`, this.file);
  }
  nowIso(): string {
    return new Date(this.ms).toISOString();
  }
}

/** The reading side, for the node process. */
export function fileClock(file: string): () => number {
  return () => Number(readFileSync(file, "utf8"));
}
