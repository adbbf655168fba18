/** The idle power of a package-wide counter, from the two reads around an idle gap. */
import { describe, expect, it } from 'vitest';
import { type CounterReading, IdleBaseline, MIN_IDLE_GAP_MS } from '../../../electron/services/telemetry/idle-baseline';

const TRUST = 600_000;

function at(atMs: number, joules: number, key = 'powercap', trustGapMs = TRUST): CounterReading {
  return { key, atMs, joules, trustGapMs };
}

describe('IdleBaseline', () => {
  it('knows nothing before a gap', () => {
    const baseline = new IdleBaseline();
    expect(baseline.watts('powercap')).toBeNull();
    expect(baseline.latest()).toBeNull();
  });

  it('gives (J2 − J1) / gap for a normal gap', () => {
    const baseline = new IdleBaseline();
    baseline.idle(at(10_000, 100));
    baseline.busy(at(15_000, 120)); // 20 J in 5 s
    expect(baseline.watts('powercap')).toBeCloseTo(4, 12);
    expect(baseline.latest()).toBeCloseTo(4, 12);
    // Another counter has no baseline.
    expect(baseline.watts('engine:package:1')).toBeNull();
  });

  it('averages a gap of exactly the minimum', () => {
    const baseline = new IdleBaseline();
    baseline.idle(at(0, 10));
    baseline.busy(at(MIN_IDLE_GAP_MS, 12.5));
    expect(baseline.watts('powercap')).toBeCloseTo(2.5, 12);
  });

  it('keeps the previous baseline after a gap shorter than the minimum', () => {
    const baseline = new IdleBaseline();
    baseline.idle(at(0, 0));
    baseline.busy(at(10_000, 30)); // 3 W
    baseline.idle(at(20_000, 100));
    baseline.busy(at(20_000 + MIN_IDLE_GAP_MS - 1, 150)); // would be ~50 W
    expect(baseline.watts('powercap')).toBeCloseTo(3, 12);
  });

  it('ignores a gap longer than the counter can be trusted over', () => {
    const baseline = new IdleBaseline();
    baseline.idle(at(0, 0, 'powercap', 160_000));
    baseline.busy(at(100_000, 500, 'powercap', 160_000)); // 5 W
    baseline.idle(at(200_000, 1000, 'powercap', 160_000));
    baseline.busy(at(200_000 + 160_001, 1010, 'powercap', 160_000)); // may have wrapped: ignored
    expect(baseline.watts('powercap')).toBeCloseTo(5, 12);
    // A gap of exactly the trusted length is taken.
    baseline.idle(at(400_000, 2000, 'powercap', 160_000));
    baseline.busy(at(560_000, 2000 + 160 * 2, 'powercap', 160_000));
    expect(baseline.watts('powercap')).toBeCloseTo(2, 12);
  });

  it('ignores a gap whose two reads are of different counters', () => {
    const baseline = new IdleBaseline();
    baseline.idle(at(0, 0, 'engine:package:1'));
    baseline.busy(at(5000, 50, 'engine:package:2'));
    expect(baseline.latest()).toBeNull();
    expect(baseline.watts('engine:package:1')).toBeNull();
    expect(baseline.watts('engine:package:2')).toBeNull();
  });

  it('replaces the baseline with a new counter’s, and answers only for that counter', () => {
    const baseline = new IdleBaseline();
    baseline.idle(at(0, 0, 'engine:package:1'));
    baseline.busy(at(5000, 50, 'engine:package:1')); // 10 W
    baseline.idle(at(10_000, 0, 'engine:package:2'));
    baseline.busy(at(14_000, 24, 'engine:package:2')); // 6 W
    expect(baseline.watts('engine:package:1')).toBeNull();
    expect(baseline.watts('engine:package:2')).toBeCloseTo(6, 12);
    expect(baseline.latest()).toBeCloseTo(6, 12);
  });

  it('ignores a counter that went down (a new process, a reset)', () => {
    const baseline = new IdleBaseline();
    baseline.idle(at(0, 0));
    baseline.busy(at(2000, 4)); // 2 W
    baseline.idle(at(3000, 100));
    baseline.busy(at(8000, 90));
    expect(baseline.watts('powercap')).toBeCloseTo(2, 12);
  });

  it('takes a gap once: a busy without an idle before it changes nothing', () => {
    const baseline = new IdleBaseline();
    baseline.idle(at(0, 0));
    baseline.busy(at(2000, 4)); // 2 W
    baseline.busy(at(10_000, 100));
    expect(baseline.watts('powercap')).toBeCloseTo(2, 12);
  });

  it('forgets the gap in progress', () => {
    const baseline = new IdleBaseline();
    baseline.idle(at(0, 0));
    baseline.busy(at(2000, 4)); // 2 W
    baseline.idle(at(3000, 10));
    baseline.forgetGap();
    baseline.busy(at(8000, 60)); // would be 10 W
    expect(baseline.watts('powercap')).toBeCloseTo(2, 12);
  });

  it('takes the latest idle read as the start of the gap', () => {
    const baseline = new IdleBaseline();
    baseline.idle(at(0, 0));
    baseline.idle(at(4000, 40));
    baseline.busy(at(6000, 46));
    expect(baseline.watts('powercap')).toBeCloseTo(3, 12);
  });
});
