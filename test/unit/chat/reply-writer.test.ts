/** The streaming writer's flush rule: every 16 tokens or 250 ms after the first unwritten one, whichever first. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FLUSH_EVERY_TOKENS, FLUSH_INTERVAL_MS, ReplyWriter } from '../../../electron/services/chat/reply-writer';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('ReplyWriter', () => {
  it('writes after 16 tokens without waiting for the timer', () => {
    const flush = vi.fn();
    const writer = new ReplyWriter({ flush });
    for (let i = 0; i < FLUSH_EVERY_TOKENS - 1; i++) writer.token();
    expect(flush).not.toHaveBeenCalled();
    writer.token();
    expect(flush).toHaveBeenCalledTimes(1);
    // The count starts again, and the timer of the first batch no longer fires.
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS * 2);
    expect(flush).toHaveBeenCalledTimes(1);
  });

  it('writes 250 ms after the first unwritten token when tokens are slow', () => {
    const flush = vi.fn();
    const writer = new ReplyWriter({ flush });
    writer.token();
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS - 1);
    writer.token();
    expect(flush).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(flush).toHaveBeenCalledTimes(1);
    // Nothing new: no write.
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS * 4);
    expect(flush).toHaveBeenCalledTimes(1);
  });

  it('a steady stream is written at least every 250 ms and every 16 tokens', () => {
    const flush = vi.fn();
    const writer = new ReplyWriter({ flush });
    // 100 tokens, one every 40 ms: 16 tokens take 640 ms, so the timer decides.
    const writes: number[] = [];
    flush.mockImplementation(() => writes.push(Date.now()));
    const start = Date.now();
    for (let i = 0; i < 100; i++) {
      writer.token();
      vi.advanceTimersByTime(40);
    }
    const gaps = writes.map((at, i) => at - (i === 0 ? start : writes[i - 1]!));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(FLUSH_INTERVAL_MS + 40);
    expect(writes.length).toBeGreaterThanOrEqual(100 * 40 / (FLUSH_INTERVAL_MS + 40));
  });

  it('flushNow writes what is pending once; dispose drops the timer without writing', () => {
    const flush = vi.fn();
    const writer = new ReplyWriter({ flush });
    writer.flushNow();
    expect(flush).not.toHaveBeenCalled();
    writer.token();
    writer.flushNow();
    writer.flushNow();
    expect(flush).toHaveBeenCalledTimes(1);
    writer.token();
    writer.dispose();
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS * 2);
    expect(flush).toHaveBeenCalledTimes(1);
  });
});
