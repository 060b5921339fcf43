/**
 * A one-line progress bar on stderr, redrawn with `\r` at most every 200 ms. No dependency;
 * on a non-terminal stderr it still works (a log shows the last state of each line).
 */
export class ProgressBar {
  private lastDraw = 0;

  /** `total` may be set later, when it is known. */
  constructor(private readonly label: string, public total = 0, private readonly width = 30) {}

  update(done: number, detail = '', force = false): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < 200) return;
    this.lastDraw = now;
    const share = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const filled = Math.round(share * this.width);
    process.stderr.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(this.width - filled)}] ${done}/${this.total} ${detail}\u001b[K`);
  }

  finish(done: number, detail = ''): void {
    this.update(done, detail, true);
    process.stderr.write('\n');
  }
}
