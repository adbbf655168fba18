/** A download's speed over the last few seconds, from samples of the bytes on disk. */
const WINDOW_MS = 5000;

export class SpeedMeter {
  private samples: { at: number; bytes: number }[] = [];

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Starts over from this many bytes (a new connection). */
  reset(bytes: number): void {
    this.samples = [{ at: this.now(), bytes }];
  }

  add(bytes: number): void {
    const at = this.now();
    this.samples.push({ at, bytes });
    while (this.samples.length > 2 && at - this.samples[1]!.at > WINDOW_MS) this.samples.shift();
  }

  /** null until there is half a second of samples to go on. */
  bytesPerSecond(): number | null {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at - first.at < 500) return null;
    return Math.max(0, ((last.bytes - first.bytes) * 1000) / (last.at - first.at));
  }
}
