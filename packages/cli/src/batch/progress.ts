/** Where progress goes: stderr, as a redrawn bar on a TTY and periodic plain lines otherwise. */
export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
}

const clock = (s: number) => (s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`);

/** Images done / total, images/s, ETA and failures; `now` is injectable for tests. */
export class Progress {
  private done = 0;
  private failed = 0;
  private readonly start: number;
  private lastDraw = -Infinity;

  constructor(
    private readonly total: number,
    private readonly sink: ProgressSink,
    private readonly options: { intervalMs?: number; now?: () => number } = {},
  ) {
    this.start = this.now();
  }

  private now(): number {
    return this.options.now ? this.options.now() : performance.now();
  }

  /** One more image finished (ok or failed). */
  tick(ok: boolean): void {
    this.done++;
    if (!ok) this.failed++;
    const interval = this.options.intervalMs ?? (this.sink.isTTY ? 100 : 5000);
    const t = this.now();
    if (t - this.lastDraw >= interval || this.done === this.total) {
      this.lastDraw = t;
      this.draw(this.done === this.total);
    }
  }

  /** The status line: `12/32 images  3.10 img/s  ETA 7s  1 failed`. */
  line(): string {
    const seconds = (this.now() - this.start) / 1000;
    const rate = seconds > 0 ? this.done / seconds : 0;
    const eta = rate > 0 ? clock((this.total - this.done) / rate) : '?';
    const failed = this.failed ? `  ${this.failed} failed` : '';
    return `${this.done}/${this.total} images  ${rate.toFixed(2)} img/s  ETA ${eta}${failed}`;
  }

  private draw(last: boolean): void {
    if (this.sink.isTTY) {
      const width = 24;
      const filled = this.total ? Math.round((width * this.done) / this.total) : width;
      this.sink.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.line()}\x1b[K${last ? '\n' : ''}`);
    } else {
      this.sink.write(`progress: ${this.line()}\n`);
    }
  }

  /** Ends a TTY bar's line early (interrupt). */
  close(): void {
    if (this.sink.isTTY && this.done < this.total) this.sink.write('\n');
  }
}
