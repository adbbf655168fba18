/**
 * The idle power of a package-wide energy counter, from two reads around the idle gap before a
 * request: when the engine goes idle, and when it gets busy again. Nothing reads the counter in
 * between (no polling while idle). A gap too short to average, or so long the counter may have
 * wrapped more than once, keeps the baseline measured before.
 */

/** Shorter idle gaps than this are not averaged (timer and file-read noise dominate). */
export const MIN_IDLE_GAP_MS = 1000;

export interface CounterReading {
  /** Which counter (EnergyCounter.key). */
  key: string;
  /** A monotonic clock, in ms. */
  atMs: number;
  joules: number;
  /** How far apart two reads of this counter can be and still be trusted, in ms. */
  trustGapMs: number;
}

export class IdleBaseline {
  private idleSince: CounterReading | null = null;
  private measured: { key: string; watts: number } | null = null;

  /** The baseline of this counter, in W, or null when none is known. */
  watts(key: string): number | null {
    return this.measured?.key === key ? this.measured.watts : null;
  }

  /** The latest baseline, whatever the counter (for the status line). */
  latest(): number | null {
    return this.measured?.watts ?? null;
  }

  /** The engine went idle: the reading at the start of the gap. */
  idle(reading: CounterReading): void {
    this.idleSince = reading;
  }

  /** The engine got busy: the reading at the end of the gap gives the baseline when the gap can be trusted. */
  busy(reading: CounterReading): void {
    const since = this.idleSince;
    this.idleSince = null;
    if (!since || since.key !== reading.key) return;
    const gap = reading.atMs - since.atMs;
    if (gap < MIN_IDLE_GAP_MS || gap > reading.trustGapMs) return;
    const watts = ((reading.joules - since.joules) * 1000) / gap;
    if (watts >= 0 && Number.isFinite(watts)) this.measured = { key: reading.key, watts };
  }

  /** Forgets the gap in progress (the engine process changed, say). */
  forgetGap(): void {
    this.idleSince = null;
  }
}
