/**
 * A one-line progress bar on a terminal stream: `[██████░░░░] 60% text`, redrawn at most
 * ten times a second. On a stream that is not a terminal (a log file, CI) it prints a plain
 * line every few seconds instead, so logs stay readable.
 */
export class ProgressBar {
  private lastDraw = Date.now();
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly options: { width?: number; intervalMs?: number } = {},
  ) {}

  /** @param fraction done, from 0 to 1 */
  update(fraction: number, text: string): void {
    const now = Date.now();
    const interval = this.options.intervalMs ?? (this.stream.isTTY ? 100 : 5000);
    if (now - this.lastDraw < interval) return;
    this.lastDraw = now;
    this.draw(fraction, text);
  }

  /** Draws the final state and ends the line. */
  finish(fraction: number, text: string): void {
    this.draw(fraction, text);
    if (this.stream.isTTY && this.drawn) this.stream.write("\n");
  }

  private draw(fraction: number, text: string): void {
    const clamped = Math.min(1, Math.max(0, fraction));
    const width = this.options.width ?? 30;
    const filled = Math.round(clamped * width);
    const line = `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${String(Math.floor(clamped * 100)).padStart(3)}% ${text}`;
    if (this.stream.isTTY) this.stream.write(`\r${line}\x1b[K`);
    else this.stream.write(`${line}\n`);
    this.drawn = true;
  }
}
