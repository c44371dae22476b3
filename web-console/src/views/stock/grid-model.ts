import { dayNumber, dayOfNumber, type StockDayState, type StockKeySummary, type StockPush } from "@hoard/client-sdk";

/**
 * The numbers behind the stock grid: a page of keys × a window of days, kept current from
 * `stockprefix/{prefix}` pushes. Pure (no DOM, no SDK calls), so it is unit-tested in Node; it
 * says what the page must do, and the view does it.
 *
 * Each push carries its key's version as `seq`. One above the version held: its totals are the
 * new day totals of its range, applied where the range meets the window. Older: already shown.
 * Further ahead (pushes were missed), or without totals (an import): the key is read again.
 */
export type PushOutcome =
  /** Cells whose total changed, by day index in the window. */
  | { kind: "changed"; days: number[] }
  /** Read the key's window again (`stock.read`), then `setKey`. */
  | { kind: "reread" }
  /** A key the page does not hold; `inPage` says whether listing again would show it. */
  | { kind: "unknown" }
  | { kind: "ignored" };

export interface GridRow {
  key: string;
  version: number;
  totals: number[];
}

export class StockGridModel {
  readonly days: string[];
  private readonly first: number;
  private readonly rows = new Map<string, GridRow>();
  private order: string[] = [];
  /** The cursor of the page after this one (null: this is the last page). */
  next: string | null = null;

  constructor(
    from: string,
    dayCount: number,
    /** The page: keys after `after` (none = from the start). */
    readonly after: string | undefined = undefined,
  ) {
    const first = dayNumber(from);
    if (first === undefined) throw new Error(`not a day: ${from}`);
    this.first = first;
    this.days = Array.from({ length: dayCount }, (_, i) => dayOfNumber(first + i));
  }

  get from(): string {
    return this.days[0] as string;
  }

  get to(): string {
    return this.days.at(-1) as string;
  }

  /** The page's keys in order (as `stock:list` answered them). */
  get keys(): readonly string[] {
    return this.order;
  }

  row(key: string): GridRow | undefined {
    return this.rows.get(key);
  }

  /** Replaces the page with a listing; `next` is the listing's cursor (null = the last page). */
  load(keys: readonly StockKeySummary[], next: string | null): void {
    this.rows.clear();
    for (const summary of keys) this.rows.set(summary.key, { key: summary.key, version: summary.version, totals: [...summary.totals] });
    this.order = keys.map((summary) => summary.key);
    this.next = next;
  }

  /** Would a listing of this page include `key`? (Keys are listed in order.) */
  inPage(key: string): boolean {
    if (this.after !== undefined && key <= this.after) return false;
    const last = this.order.at(-1);
    return this.next === null || last === undefined || key <= last;
  }

  apply(push: StockPush): PushOutcome {
    const row = this.rows.get(push.key);
    if (!row) return { kind: "unknown" };
    if (push.seq <= row.version) return { kind: "ignored" };
    if (push.seq !== row.version + 1 || !push.totals) return { kind: "reread" };
    row.version = push.seq;
    const pushFrom = dayNumber(push.from) as number;
    const changed: number[] = [];
    push.totals.forEach((total, i) => {
      const index = pushFrom + i - this.first;
      if (index < 0 || index >= this.days.length || row.totals[index] === total) return;
      row.totals[index] = total;
      changed.push(index);
    });
    return { kind: "changed", days: changed };
  }

  /**
   * The key's window as read again (`stock.read`: the days that hold partitions). Ignored when
   * a push already brought a newer version. Returns the day indexes that changed.
   */
  setKey(key: string, read: { version: number; days: readonly StockDayState[] }): number[] {
    const row = this.rows.get(key);
    if (!row || read.version < row.version) return [];
    row.version = read.version;
    const totals = new Array<number>(this.days.length).fill(0);
    for (const day of read.days) {
      const index = (dayNumber(day.day) as number) - this.first;
      if (index >= 0 && index < totals.length) totals[index] = day.total;
    }
    const changed = totals.flatMap((total, i) => (row.totals[i] === total ? [] : [i]));
    row.totals = totals;
    return changed;
  }

  /**
   * A listing of the page read again (cheaper than reading many keys one by one, e.g. after an
   * import): each key it holds is taken unless a push brought a newer version meanwhile. Keys
   * the page does not hold are left to a relisting. Returns the changed cells as [key, day index].
   */
  merge(keys: readonly StockKeySummary[]): [string, number][] {
    const changed: [string, number][] = [];
    for (const summary of keys) {
      const row = this.rows.get(summary.key);
      if (!row || summary.version < row.version) continue;
      row.version = summary.version;
      summary.totals.forEach((total, i) => {
        if (i >= row.totals.length || row.totals[i] === total) return;
        row.totals[i] = total;
        changed.push([summary.key, i]);
      });
    }
    return changed;
  }

  /** The largest total in view (at least 1): the top of the heat scale. */
  maxTotal(): number {
    let max = 1;
    for (const row of this.rows.values()) for (const total of row.totals) if (total > max) max = total;
    return max;
  }

  /** Cells below zero in view. */
  negativeCells(): number {
    let count = 0;
    for (const row of this.rows.values()) for (const total of row.totals) if (total < 0) count++;
    return count;
  }
}
