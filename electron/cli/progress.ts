/**
 * Progress of a transfer on stderr: on a terminal, one line redrawn in place with `\r` (a bar,
 * percent, bytes of total, speed, time left); otherwise (piped, redirected to a file) plain lines,
 * one for each tenth of the file and one every PLAIN_EVERY_MS when a tenth takes longer, never
 * a `\r` or an escape sequence.
 */

export interface ProgressSample {
  /** What is being transferred (a file name). */
  label: string;
  received: number;
  /** null until known. */
  total: number | null;
  bytesPerSecond: number | null;
  etaSeconds: number | null;
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** A line at least this often in plain mode when the tenths come slowly. */
const PLAIN_EVERY_MS = 10_000;
/** The least time between two redraws of the terminal line. */
const REDRAW_MS = 100;

export class ProgressPrinter {
  private readonly tty: boolean;
  /** Whether the terminal line holds a progress line (to be cleared before a message). */
  private drawn = false;
  private lastDraw = 0;
  private lastTenth = -1;
  private lastPlain = 0;
  private lastReceived = -1;

  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number = () => Date.now(),
    tty?: boolean,
  ) {
    this.tty = tty ?? stream.isTTY === true;
  }

  get isTTY(): boolean {
    return this.tty;
  }

  /** Shows progress: redraws the line (terminal), or prints a line when due (plain). */
  update(sample: ProgressSample, force = false): void {
    const t = this.now();
    if (this.tty) {
      if (!force && t - this.lastDraw < REDRAW_MS) return;
      this.lastDraw = t;
      this.stream.write(`\r${fit(ttyLine(sample, this.stream.columns), this.stream.columns)}\x1b[K`);
      this.drawn = true;
      return;
    }
    if (sample.received === this.lastReceived && !force) return;
    const tenth = sample.total ? Math.floor((sample.received / sample.total) * 10) : -1;
    const due = this.lastTenth === -1 && this.lastPlain === 0;
    if (force || due || (tenth > this.lastTenth && tenth >= 0) || t - this.lastPlain >= PLAIN_EVERY_MS) {
      this.lastTenth = Math.max(this.lastTenth, tenth);
      this.lastPlain = t;
      this.lastReceived = sample.received;
      this.stream.write(`${plainLine(sample)}\n`);
    }
  }

  /** Prints a message on a line of its own (ending the progress line first, on a terminal). */
  message(text: string): void {
    this.end();
    this.stream.write(`${text}\n`);
  }

  /** Leaves the progress line as it is and moves to the next line. */
  end(): void {
    if (this.tty && this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}

function ttyLine(s: ProgressSample, columns: number | undefined): string {
  const percent = s.total ? Math.min(100, (s.received / s.total) * 100) : null;
  const parts = [
    percent === null ? '' : `${percent.toFixed(0).padStart(3)}%`,
    s.total ? `${formatBytes(s.received)} of ${formatBytes(s.total)}` : formatBytes(s.received),
    s.bytesPerSecond !== null ? `${formatBytes(s.bytesPerSecond)}/s` : '',
    s.etaSeconds !== null ? `ETA ${formatDuration(s.etaSeconds)}` : '',
  ].filter((part) => part !== '');
  const tail = parts.join('  ');
  const width = columns || 80;
  // The bar takes what is left of the line once the name and the numbers fit, within 10..30.
  const room = width - s.label.length - tail.length - 6;
  const barWidth = Math.min(30, room);
  const bar = percent !== null && barWidth >= 10 ? ` [${'#'.repeat(Math.round((percent / 100) * barWidth)).padEnd(barWidth, '.')}]` : '';
  return `${s.label}${bar} ${tail}`;
}

function plainLine(s: ProgressSample): string {
  const percent = s.total ? `${Math.floor(Math.min(100, (s.received / s.total) * 100))}%: ` : '';
  const of = s.total ? `${formatBytes(s.received)} of ${formatBytes(s.total)}` : formatBytes(s.received);
  const speed = s.bytesPerSecond !== null ? `, ${formatBytes(s.bytesPerSecond)}/s` : '';
  const eta = s.etaSeconds !== null && s.total !== null && s.received < s.total ? `, ${formatDuration(s.etaSeconds)} left` : '';
  return `${s.label}: ${percent}${of}${speed}${eta}`;
}

/** Cuts a line to the terminal's width (a wrapped line could not be redrawn with `\r`). */
function fit(line: string, columns: number | undefined): string {
  const width = (columns || 80) - 1;
  return width > 0 && line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}

/** 1.5 MB, 950 kB, 12 B (decimal units, as download tools and the hub show sizes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** 0:07, 12:34, 1:02:03. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
