/**
 * Requests a minute per key: a sliding window (the times of the requests let in over the last
 * minute). A request over the limit learns when the oldest one leaves the window.
 */
const WINDOW_MS = 60_000;

export class RateLimiter {
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Lets the request in (answers null) or answers the seconds until one would be let in. */
  take(key: string, perMinute: number): number | null {
    const now = this.now();
    let times = this.windows.get(key);
    if (!times) {
      times = [];
      this.windows.set(key, times);
    }
    while (times.length > 0 && (times[0] as number) <= now - WINDOW_MS) times.shift();
    if (times.length >= perMinute) {
      const oldest = times[times.length - perMinute] as number;
      return Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000));
    }
    times.push(now);
    return null;
  }

  /** Forgets every window (a rotated key starts afresh). */
  clear(): void {
    this.windows.clear();
  }
}
