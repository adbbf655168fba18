/**
 * The benchmark's arithmetic: the default sweep, the rows a sweep's samples make (median and
 * spread per thread count), and the best thread count.
 */
import type { BenchmarkRow, Spread } from '../../common/contract';
import type { BenchmarkSample } from '../engine-host/types';
import type { Cores } from './cores';

export const DEFAULT_PROMPT_LENGTHS = [32, 128, 512] as const;
export const DEFAULT_GEN_TOKENS = 64;
export const DEFAULT_REPETITIONS = 3;

/** 1, 2, 4, … up to the logical cores, the logical count itself and the physical count; distinct, sorted. */
export function defaultThreads(cores: Cores): number[] {
  const counts = new Set<number>();
  for (let n = 1; n <= cores.logical; n *= 2) counts.add(n);
  counts.add(cores.logical);
  counts.add(Math.min(cores.physical, cores.logical));
  return [...counts].sort((a, b) => a - b);
}

/**
 * Prompt lengths that fit the context with the tokens generated after them (a prompt of p and
 * n generated need p + n positions); distinct, sorted, at least 1.
 */
export function fitPromptLengths(lengths: readonly number[], contextTokens: number, genTokens: number): number[] {
  const room = Math.max(1, contextTokens - genTokens);
  return [...new Set(lengths.map((p) => Math.max(1, Math.min(p, room))))].sort((a, b) => a - b);
}

export function spread(values: number[]): Spread {
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  if (n === 0) return { median: 0, min: 0, max: 0 };
  const median = n % 2 ? v[(n - 1) / 2]! : (v[n / 2 - 1]! + v[n / 2]!) / 2;
  return { median, min: v[0]!, max: v[n - 1]! };
}

/** A sample with its energy per generated token (absent or null: not measured). */
export type MeasuredSample = BenchmarkSample & { joulesPerToken?: number | null };

function spreadOrNull(values: number[]): Spread | null {
  return values.length > 0 ? spread(values) : null;
}

/**
 * One row per thread count that has at least one sample at every prompt length (a cancelled
 * sweep keeps the thread counts it got through one repetition of), in the order of `threads`.
 * Prefill is taken at the longest prompt (shorter ones mostly measure the per-call overhead,
 * which the time to first token shows); decode over every sample; the time to first token per
 * prompt length.
 */
export function aggregate(samples: readonly MeasuredSample[], threads: readonly number[], promptLengths: readonly number[]): BenchmarkRow[] {
  const longest = Math.max(...promptLengths);
  const rows: BenchmarkRow[] = [];
  for (const t of threads) {
    const mine = samples.filter((s) => s.threads === t);
    const byLength = promptLengths.map((p) => mine.filter((s) => s.promptTokens === p));
    if (byLength.some((list) => list.length === 0)) continue;
    rows.push({
      threads: t,
      prefillTokensPerSecond: spread(mine.filter((s) => s.promptTokens === longest).map((s) => s.prefillTokensPerSecond)),
      decodeTokensPerSecond: spread(mine.map((s) => s.decodeTokensPerSecond)),
      ttftMs: byLength.map((list) => spread(list.map((s) => s.ttftMs))),
      joulesPerToken: spreadOrNull(mine.flatMap((s) => (typeof s.joulesPerToken === 'number' ? [s.joulesPerToken] : []))),
    });
  }
  return rows;
}

/** The thread count with the highest median decode rate; ties go to fewer threads; null without rows. */
export function bestThreads(rows: readonly BenchmarkRow[]): number | null {
  let best: BenchmarkRow | null = null;
  for (const row of rows) {
    const rate = row.decodeTokensPerSecond.median;
    if (
      best === null ||
      rate > best.decodeTokensPerSecond.median ||
      (rate === best.decodeTokensPerSecond.median && row.threads < best.threads)
    ) {
      best = row;
    }
  }
  return best?.threads ?? null;
}
