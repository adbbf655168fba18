/** The readouts' arithmetic: percentiles, energy per token, rates and CPU share. */
import { describe, expect, it } from 'vitest';
import { cpuPercent, joulesPerToken, perSecond, percentile, recentRate } from '../../../electron/services/telemetry/stats';

describe('percentile', () => {
  it('interpolates linearly between the nearest ranks', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    const oneToTwenty = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(oneToTwenty, 95)).toBeCloseTo(19.05, 10);
    expect(percentile(oneToTwenty, 50)).toBeCloseTo(10.5, 10);
    // numpy.percentile([10, 20, 30, 40, 50], 90) = 46
    expect(percentile([10, 20, 30, 40, 50], 90)).toBeCloseTo(46, 10);
  });

  it('gives the extremes at 0 and 100', () => {
    expect(percentile([5, 1, 9], 0)).toBe(1);
    expect(percentile([5, 1, 9], 100)).toBe(9);
  });

  it('gives the one value for any p', () => {
    for (const p of [0, 50, 95, 100]) expect(percentile([42], p)).toBe(42);
  });

  it('is null without values', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([], 95)).toBeNull();
  });

  it('sorts unsorted input numerically, and leaves the input alone', () => {
    const values = [4, 1, 30, 2, 3];
    expect(percentile(values, 50)).toBe(3);
    // Sorted as strings, 30 would come before 4.
    expect(percentile(values, 100)).toBe(30);
    expect(values).toEqual([4, 1, 30, 2, 3]);
  });

  it('throws for p outside 0–100', () => {
    expect(() => percentile([1, 2, 3], -1)).toThrow(RangeError);
    expect(() => percentile([1, 2, 3], 100.5)).toThrow(RangeError);
    expect(() => percentile([1, 2, 3], Number.NaN)).toThrow(RangeError);
  });
});

describe('joulesPerToken', () => {
  it('divides energy by tokens', () => {
    expect(joulesPerToken(12, 48)).toBe(0.25);
    expect(joulesPerToken(0, 10)).toBe(0);
  });

  it('is null without energy or without tokens', () => {
    expect(joulesPerToken(null, 10)).toBeNull();
    expect(joulesPerToken(5, 0)).toBeNull();
    expect(joulesPerToken(5, null)).toBeNull();
    expect(joulesPerToken(5, -3)).toBeNull();
  });
});

describe('perSecond', () => {
  it('turns a count over ms into a rate per second', () => {
    expect(perSecond(10, 500)).toBe(20);
    expect(perSecond(0, 500)).toBeNull();
    expect(perSecond(10, 0)).toBeNull();
  });
});

describe('recentRate', () => {
  it('counts the tokens after the window start over the time they took', () => {
    // Slow at first, then a token every 100 ms; the last second holds the last 10 intervals.
    const elapsed = [0, 1000, 2000, 2100, 2200, 2300, 2400, 2500, 2600, 2700, 2800, 2900, 3000];
    // From 2000 (exactly 1000 ms before the last) to 3000: 10 tokens in 1000 ms.
    expect(recentRate(elapsed, 1000)).toBeCloseTo(10, 10);
    // A 500 ms window: 2500 → 3000, 5 tokens.
    expect(recentRate(elapsed, 500)).toBeCloseTo(10, 10);
    // A window covering everything: 12 tokens in 3000 ms.
    expect(recentRate(elapsed, 60_000)).toBeCloseTo(4, 10);
  });

  it('takes the last interval when the window is shorter than one token', () => {
    expect(recentRate([0, 100, 600], 100)).toBeCloseTo(2, 10);
  });

  it('is null with fewer than two tokens', () => {
    expect(recentRate([], 1000)).toBeNull();
    expect(recentRate([250], 1000)).toBeNull();
  });

  it('is null when the tokens came at the same moment', () => {
    expect(recentRate([100, 100, 100], 1000)).toBeNull();
  });
});

describe('cpuPercent', () => {
  it('is CPU time over wall time and threads', () => {
    expect(cpuPercent(2000, 1000, 4)).toBe(50);
    expect(cpuPercent(4000, 1000, 4)).toBe(100);
    expect(cpuPercent(0, 1000, 4)).toBe(0);
  });

  it('is null without wall time or threads, or with a negative CPU time', () => {
    expect(cpuPercent(100, 0, 4)).toBeNull();
    expect(cpuPercent(100, 1000, 0)).toBeNull();
    expect(cpuPercent(-1, 1000, 4)).toBeNull();
    expect(cpuPercent(100, Number.NaN, 4)).toBeNull();
  });
});
