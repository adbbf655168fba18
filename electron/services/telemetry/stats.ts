/**
 * The arithmetic of the readouts: percentiles of per-token latencies, rates over a window, and
 * energy per token. Pure functions, so the figures the UI shows are tested on their own.
 */

/**
 * The p-th percentile (0–100) of the values, interpolating linearly between the two nearest
 * ranks (the common definition: numpy's default, Excel's PERCENTILE.INC). Null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside 0–100`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.ceil(rank);
  const low = sorted[below]!;
  return low + (sorted[above]! - low) * (rank - below);
}

/** Energy per generated token, in J; null without energy or without tokens. */
export function joulesPerToken(joules: number | null, tokens: number | null): number | null {
  if (joules === null || tokens === null || tokens <= 0) return null;
  return joules / tokens;
}

/** Tokens per second over a duration in ms; null when there is nothing to divide. */
export function perSecond(count: number, ms: number): number | null {
  return count > 0 && ms > 0 ? (count * 1000) / ms : null;
}

/**
 * The decode rate over the last `windowMs` of token times (each token's elapsed ms since the
 * request began, ascending): the tokens after the window's start over the time they took.
 */
export function recentRate(elapsed: readonly number[], windowMs: number): number | null {
  const n = elapsed.length;
  if (n < 2) return null;
  const last = elapsed[n - 1]!;
  let first = n - 1;
  while (first > 0 && last - elapsed[first - 1]! <= windowMs) first -= 1;
  if (first === n - 1) first = n - 2; // a window shorter than one token: the last interval
  return perSecond(n - 1 - first, last - elapsed[first]!);
}

/** A CPU share: CPU time over wall time and threads, in % (100: every thread busy all the time). */
export function cpuPercent(cpuMs: number, wallMs: number, threads: number): number | null {
  if (!(wallMs > 0) || !(threads > 0) || cpuMs < 0) return null;
  return (cpuMs / (wallMs * threads)) * 100;
}
