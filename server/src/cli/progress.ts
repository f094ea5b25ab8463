// The progress line of a long scan on a terminal: files done of total, findings so far and the
// package last finished, rewritten in place on stderr. It appears only once a scan has run for about a
// second (short scans stay silent; a timer shows it even while the first package takes long), is
// redrawn at most every PROGRESS_INTERVAL_MS, never wraps (a wrapped line cannot be rewritten with \r),
// and is erased before anything else is printed.
import type { ScanProgress } from './scan';
import { count, Paint, plural } from './terminal';

const PROGRESS_INTERVAL_MS = 100;
const CLEAR_LINE = '\r\x1b[2K';

export interface ProgressStream {
  write(text: string): unknown;
  columns?: number;
}

export class ProgressLine {
  private latest: ScanProgress | undefined;
  private shown = '';
  private drawnAt = 0;
  private readonly started = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly stream: ProgressStream,
    private readonly paint: Paint,
    private readonly delayMs: number,
  ) {
    this.timer = setInterval(() => this.draw(), PROGRESS_INTERVAL_MS);
    this.timer.unref();
  }

  readonly update = (progress: ScanProgress): void => {
    this.latest = progress;
    if (Date.now() - this.drawnAt >= PROGRESS_INTERVAL_MS) this.draw();
  };

  /** Stops drawing and erases the line, so that what follows starts on a clean line. */
  finish(): void {
    clearInterval(this.timer);
    if (this.shown) this.stream.write(CLEAR_LINE);
    this.shown = '';
  }

  private draw(): void {
    const p = this.latest;
    const now = Date.now();
    if (!p || now - this.started < this.delayMs) return;
    this.drawnAt = now;
    const head = `scanning ${count(p.done)}/${plural(p.total, 'file')} · ${plural(p.findings, 'finding')}${p.dir ? ' · ' : ''}`;
    // A terminal that does not say its size (columns 0) gets 80.
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    const room = width - head.length;
    const dir = room <= 1 ? '' : p.dir.length <= room ? p.dir : `…${p.dir.slice(p.dir.length - room + 1)}`;
    const text = `${head}${dir}`.slice(0, width);
    if (text === this.shown) return;
    this.shown = text;
    this.stream.write(`${CLEAR_LINE}${this.paint.dim(text)}`);
  }
}
