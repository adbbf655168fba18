/**
 * Writes a streaming reply to the store while it grows: at least every 250 ms or every 16 tokens,
 * whichever comes first, so a crash or a kill loses at most that much. The store write itself is
 * the caller's `flush`; this decides when.
 */
export interface ReplyWriterOptions {
  /** Saves everything received so far. */
  flush: () => void;
  intervalMs?: number;
  everyTokens?: number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

export const FLUSH_INTERVAL_MS = 250;
export const FLUSH_EVERY_TOKENS = 16;

export class ReplyWriter {
  private unflushed = 0;
  private timer: unknown = null;
  private readonly intervalMs: number;
  private readonly everyTokens: number;
  private readonly setTimer: (callback: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;

  constructor(private readonly options: ReplyWriterOptions) {
    this.intervalMs = options.intervalMs ?? FLUSH_INTERVAL_MS;
    this.everyTokens = options.everyTokens ?? FLUSH_EVERY_TOKENS;
    this.setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
    this.clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  }

  /** A token arrived (its text is already in the caller's buffer). */
  token(): void {
    this.unflushed += 1;
    if (this.unflushed >= this.everyTokens) {
      this.flushNow();
      return;
    }
    if (this.timer === null) this.timer = this.setTimer(() => this.flushNow(), this.intervalMs);
  }

  /** Writes what is pending now (the end of a reply, or before a shutdown). */
  flushNow(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    if (this.unflushed === 0) return;
    this.unflushed = 0;
    this.options.flush();
  }

  /** Stops the timer without writing (the reply's message is gone). */
  dispose(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    this.unflushed = 0;
  }
}
