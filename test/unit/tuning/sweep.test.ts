/** The benchmark's arithmetic: default sweeps, rows (median, min, max), the best thread count. */
import { describe, expect, it } from 'vitest';
import type { BenchmarkSample } from '../../../electron/services/engine-host/types';
import { aggregate, bestThreads, defaultThreads, fitPromptLengths, spread } from '../../../electron/services/tuning/sweep';

function sample(threads: number, repetition: number, promptTokens: number, decode: number, prefill = decode * 10, ttftMs = 1000 / decode): BenchmarkSample {
  return { threads, repetition, promptTokens, decodeTokensPerSecond: decode, prefillTokensPerSecond: prefill, ttftMs };
}

describe('default sweep', () => {
  it('threads: powers of two up to the logical cores, the logical and physical counts; distinct, sorted', () => {
    expect(defaultThreads({ logical: 1, physical: 1 })).toEqual([1]);
    expect(defaultThreads({ logical: 2, physical: 1 })).toEqual([1, 2]);
    expect(defaultThreads({ logical: 8, physical: 4 })).toEqual([1, 2, 4, 8]);
    expect(defaultThreads({ logical: 12, physical: 6 })).toEqual([1, 2, 4, 6, 8, 12]);
    expect(defaultThreads({ logical: 32, physical: 16 })).toEqual([1, 2, 4, 8, 16, 32]);
  });

  it('prompt lengths fit the context with the tokens generated after them', () => {
    expect(fitPromptLengths([32, 128, 512], 4096, 64)).toEqual([32, 128, 512]);
    expect(fitPromptLengths([32, 128, 512], 256, 64)).toEqual([32, 128, 192]);
    expect(fitPromptLengths([512, 128, 512], 4096, 64)).toEqual([128, 512]);
  });
});

describe('rows', () => {
  it('spread: the median (the mean of the middle two when even), min and max', () => {
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(spread([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
    expect(spread([])).toEqual({ median: 0, min: 0, max: 0 });
  });

  it('one row per thread count: prefill at the longest prompt, decode over all, time to first token per prompt length', () => {
    const samples = [
      sample(1, 1, 32, 10, 100, 50),
      sample(1, 1, 128, 12, 200, 70),
      sample(1, 2, 32, 11, 110, 40),
      sample(1, 2, 128, 9, 220, 90),
      sample(1, 3, 32, 10, 120, 60),
      sample(1, 3, 128, 14, 180, 80),
    ];
    const [row] = aggregate(samples, [1], [32, 128]);
    expect(row).toEqual({
      threads: 1,
      prefillTokensPerSecond: { median: 200, min: 180, max: 220 },
      decodeTokensPerSecond: { median: 10.5, min: 9, max: 14 },
      ttftMs: [
        { median: 50, min: 40, max: 60 },
        { median: 80, min: 70, max: 90 },
      ],
      joulesPerToken: null,
    });
  });

  it("energy per token: the spread of the samples' figures, leaving out those not measured", () => {
    const samples = [
      { ...sample(1, 1, 32, 10), joulesPerToken: 0.04 },
      { ...sample(1, 2, 32, 10), joulesPerToken: null },
      { ...sample(1, 3, 32, 10), joulesPerToken: 0.06 },
      sample(2, 1, 32, 18),
    ];
    const [one, two] = aggregate(samples, [1, 2], [32]);
    expect(one!.joulesPerToken).toEqual({ median: 0.05, min: 0.04, max: 0.06 });
    expect(two!.joulesPerToken).toBeNull();
  });

  it('a thread count without one whole repetition has no row (a cancelled sweep keeps the others)', () => {
    const samples = [sample(1, 1, 32, 10), sample(1, 1, 128, 10), sample(2, 1, 32, 18)];
    expect(aggregate(samples, [1, 2, 4], [32, 128]).map((r) => r.threads)).toEqual([1]);
  });

  it('best: the highest median decode rate; a tie goes to fewer threads; none without rows', () => {
    const rows = aggregate(
      [sample(1, 1, 8, 10), sample(2, 1, 8, 19), sample(4, 1, 8, 25), sample(8, 1, 8, 25), sample(16, 1, 8, 20)],
      [1, 2, 4, 8, 16],
      [8],
    );
    expect(bestThreads(rows)).toBe(4);
    expect(bestThreads([...rows].reverse())).toBe(4);
    expect(bestThreads([])).toBeNull();
  });
});
