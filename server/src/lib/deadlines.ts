/** The longest delay setTimeout honours; a longer one overflows and fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Items that fall due at a time (ms since the epoch), on one timer for all of them: each
 * connection's token expiry, say. A timer per connection cost about 0.8 KiB of heap each (Node
 * keeps a list per distinct delay, and every token's delay differs); here an item costs an
 * entry in its second's set. Items are due at the end of their second (never early), in
 * whole-second steps; however far ahead (a token for 30 days), the wait is re-armed in steps
 * setTimeout allows. The timer does not keep the process alive.
 *
 * @example const expiries = new Deadlines<Socket>((socket) => socket.disconnect(true));
 *          expiries.add(socket, exp * 1000); // and on disconnect: expiries.delete(socket, exp * 1000)
 */
export class Deadlines<T> {
  /** Second (rounded up) → the items due then. */
  private readonly buckets = new Map<number, Set<T>>();
  /** The seconds that have a bucket, as a min-heap (a second whose bucket emptied is skipped when it comes up). */
  private readonly seconds: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private armedFor: number | undefined;

  constructor(
    private readonly onDue: (item: T) => void,
    private readonly maxStepMs = MAX_TIMER_MS,
  ) {}

  add(item: T, atMs: number): void {
    const second = Math.ceil(atMs / 1000);
    const bucket = this.buckets.get(second);
    if (bucket) {
      bucket.add(item);
      return;
    }
    this.buckets.set(second, new Set([item]));
    push(this.seconds, second);
    if (this.armedFor === undefined || second < this.armedFor) this.arm();
  }

  /** Forgets an item added with this time (a connection that closed first). */
  delete(item: T, atMs: number): void {
    const second = Math.ceil(atMs / 1000);
    const bucket = this.buckets.get(second);
    if (!bucket?.delete(item) || bucket.size > 0) return;
    this.buckets.delete(second);
  }

  /** Stops the timer; nothing more falls due. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = undefined;
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = undefined;
    while (this.seconds.length > 0 && !this.buckets.has(this.seconds[0] as number)) pop(this.seconds);
    const next = this.seconds[0];
    if (next === undefined) return;
    this.armedFor = next;
    this.timer = setTimeout(() => this.fire(), Math.min(Math.max(0, next * 1000 - Date.now()), this.maxStepMs));
    this.timer.unref();
  }

  private fire(): void {
    const now = Date.now();
    while (this.seconds.length > 0 && (this.seconds[0] as number) * 1000 <= now) {
      const second = pop(this.seconds) as number;
      const bucket = this.buckets.get(second);
      this.buckets.delete(second);
      for (const item of bucket ?? []) this.onDue(item);
    }
    this.arm();
  }
}

function push(heap: number[], value: number): void {
  heap.push(value);
  for (let i = heap.length - 1; i > 0; ) {
    const parent = (i - 1) >> 1;
    if ((heap[parent] as number) <= value) break;
    [heap[parent], heap[i]] = [value, heap[parent] as number];
    i = parent;
  }
}

function pop(heap: number[]): number | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length === 0 || last === undefined) return top;
  heap[0] = last;
  for (let i = 0; ; ) {
    const [left, right] = [2 * i + 1, 2 * i + 2];
    let least = i;
    if (left < heap.length && (heap[left] as number) < (heap[least] as number)) least = left;
    if (right < heap.length && (heap[right] as number) < (heap[least] as number)) least = right;
    if (least === i) break;
    [heap[i], heap[least]] = [heap[least] as number, heap[i] as number];
    i = least;
  }
  return top;
}
