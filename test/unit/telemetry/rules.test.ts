/** The alert rules: each metric's crossing, the guards against replies too short to judge, and quiet defaults. */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AlertMetric, type AlertRule, ReplyMetrics } from '../../../electron/common/contract';
import {
  DEFAULT_ERROR_WINDOW,
  DEFAULT_RULES,
  MIN_MS_FOR_CPU,
  MIN_REPLIES_FOR_ERROR_RATE,
  MIN_TOKENS_FOR_RATES,
  crossings,
} from '../../../electron/services/telemetry/rules';

/** A reply that crosses nothing: 96 tokens at 20 tok/s, every thread busy, memory as expected. */
function reply(over: Partial<ReplyMetrics> = {}): ReplyMetrics {
  return ReplyMetrics.parse({
    id: 'r1',
    startedAt: 1_700_000_000_000,
    durationMs: 5200,
    conversationId: 'c1',
    messageId: 'm1',
    source: 'ui',
    modelId: 'model',
    modelName: 'BitNet b1.58 2B4T',
    status: 'complete',
    threads: 4,
    promptTokens: 40,
    generatedTokens: 96,
    ttftMs: 450,
    prefillTokensPerSec: 90,
    decodeTokensPerSec: 20,
    tokenP50Ms: 48,
    tokenP95Ms: 70,
    cpuPercent: 92,
    peakMemoryBytes: 1.3e9,
    memoryExpectedBytes: 1.2e9,
    energyJoules: 40,
    joulesPerToken: 0.42,
    powerWatts: 7.7,
    energySource: 'modelled',
    ...over,
  });
}

const OK: ReplyMetrics['status'][] = ['complete', 'complete', 'complete', 'complete', 'complete'];

function only(metric: AlertMetric, over: Partial<AlertRule> = {}): AlertRule[] {
  return DEFAULT_RULES.filter((r) => r.metric === metric).map((r) => ({ ...r, ...over }));
}

function crossed(m: ReplyMetrics, statuses: readonly ReplyMetrics['status'][] = OK): AlertMetric[] {
  return crossings(DEFAULT_RULES, m, statuses).map((c) => c.metric);
}

describe('the defaults', () => {
  it('cover every metric once, enabled', () => {
    expect(DEFAULT_RULES.map((r) => r.metric).sort()).toEqual(['cpu', 'decodeSpeed', 'errorRate', 'firstToken', 'memory', 'tokenLatency']);
    expect(DEFAULT_RULES.every((r) => r.enabled)).toBe(true);
    expect(DEFAULT_ERROR_WINDOW).toBeGreaterThanOrEqual(MIN_REPLIES_FOR_ERROR_RATE);
  });

  it('are quiet on a normal reply', () => {
    expect(crossed(reply())).toEqual([]);
  });
});

describe('memory', () => {
  it('crosses above 150% of the expected memory', () => {
    const [c] = crossings(only('memory'), reply({ peakMemoryBytes: 2e9, memoryExpectedBytes: 1e9 }), OK);
    expect(c).toMatchObject({ metric: 'memory', severity: 'warning', value: 200, threshold: 150 });
    expect(c!.text).toContain('2.00 GB');
    expect(c!.text).toContain('200%');
  });

  it('does not cross at or below it, or without an expectation', () => {
    expect(crossed(reply({ peakMemoryBytes: 1.5e9, memoryExpectedBytes: 1e9 }))).toEqual([]);
    expect(crossed(reply({ peakMemoryBytes: 9e9, memoryExpectedBytes: null }))).toEqual([]);
    expect(crossed(reply({ peakMemoryBytes: 9e9, memoryExpectedBytes: 0 }))).toEqual([]);
    expect(crossed(reply({ peakMemoryBytes: null }))).toEqual([]);
  });
});

describe('cpu', () => {
  it('crosses below 50% of the threads on a complete reply long enough', () => {
    const [c] = crossings(only('cpu'), reply({ cpuPercent: 30, durationMs: MIN_MS_FOR_CPU }), OK);
    expect(c).toMatchObject({ metric: 'cpu', value: 30, threshold: 50 });
    expect(c!.text).toContain('4 threads');
  });

  it('does not cross at 50% or above', () => {
    expect(crossed(reply({ cpuPercent: 50 }))).toEqual([]);
    expect(crossed(reply({ cpuPercent: 180 }))).toEqual([]);
  });

  it('judges a reply that was cut short (stopped, or at its length limit) like a complete one', () => {
    expect(crossed(reply({ cpuPercent: 10, status: 'interrupted' }))).toEqual(['cpu']);
  });

  it('does not judge a reply shorter than MIN_MS_FOR_CPU, a failed one, or one without a figure', () => {
    expect(crossed(reply({ cpuPercent: 10, durationMs: MIN_MS_FOR_CPU - 1 }))).toEqual([]);
    expect(crossings(only('cpu'), reply({ cpuPercent: 10, status: 'error' }), OK)).toEqual([]);
    expect(crossed(reply({ cpuPercent: null }))).toEqual([]);
  });
});

describe('decodeSpeed', () => {
  it('crosses below 5 tok/s', () => {
    const [c] = crossings(only('decodeSpeed'), reply({ decodeTokensPerSec: 3.14 }), OK);
    expect(c).toMatchObject({ metric: 'decodeSpeed', value: 3.14, threshold: 5 });
    expect(c!.text).toBe('Decode 3.1 tok/s, below 5 tok/s');
  });

  it('does not cross at 5 tok/s or above', () => {
    expect(crossed(reply({ decodeTokensPerSec: 5 }))).toEqual([]);
  });

  it('does not judge a reply of fewer than MIN_TOKENS_FOR_RATES tokens', () => {
    expect(crossed(reply({ decodeTokensPerSec: 1, generatedTokens: MIN_TOKENS_FOR_RATES - 1 }))).toEqual([]);
    expect(crossed(reply({ decodeTokensPerSec: 1, generatedTokens: null }))).toEqual([]);
    expect(crossed(reply({ decodeTokensPerSec: 1, generatedTokens: MIN_TOKENS_FOR_RATES }))).toEqual(['decodeSpeed']);
    expect(crossed(reply({ decodeTokensPerSec: null }))).toEqual([]);
  });
});

describe('tokenLatency', () => {
  it('crosses above 1000 ms at p95', () => {
    const [c] = crossings(only('tokenLatency'), reply({ tokenP95Ms: 1234.4 }), OK);
    expect(c).toMatchObject({ metric: 'tokenLatency', value: 1234.4, threshold: 1000 });
    expect(c!.text).toBe('Per-token latency p95 1234 ms, above 1000 ms');
  });

  it('does not cross at 1000 ms or below', () => {
    expect(crossed(reply({ tokenP95Ms: 1000 }))).toEqual([]);
  });

  it('does not judge a reply of fewer than MIN_TOKENS_FOR_RATES tokens', () => {
    expect(crossed(reply({ tokenP95Ms: 5000, generatedTokens: MIN_TOKENS_FOR_RATES - 1 }))).toEqual([]);
    expect(crossed(reply({ tokenP95Ms: null }))).toEqual([]);
  });
});

describe('firstToken', () => {
  it('crosses above 15 s', () => {
    const [c] = crossings(only('firstToken'), reply({ ttftMs: 15_500 }), OK);
    expect(c).toMatchObject({ metric: 'firstToken', value: 15_500, threshold: 15_000 });
    expect(c!.text).toBe('First token after 15.5 s, above 15 s');
  });

  it('does not cross at 15 s or below, or without a first token', () => {
    expect(crossed(reply({ ttftMs: 15_000 }))).toEqual([]);
    expect(crossed(reply({ ttftMs: null }))).toEqual([]);
  });
});

describe('errorRate', () => {
  const failed = reply({ status: 'error', generatedTokens: 0, decodeTokensPerSec: null, tokenP95Ms: null, cpuPercent: null });

  it('crosses above 5% of the last replies, on the failure that crosses it, as critical', () => {
    const statuses: ReplyMetrics['status'][] = ['error', 'complete', 'complete', 'complete', 'complete'];
    const [c] = crossings(only('errorRate'), failed, statuses);
    expect(c).toMatchObject({ metric: 'errorRate', severity: 'critical', value: 20, threshold: 5 });
    expect(c!.text).toBe('1 of the last 5 replies failed (20%, above 5%)');
  });

  it('does not cross at 5% or below', () => {
    const statuses: ReplyMetrics['status'][] = ['error', ...Array<ReplyMetrics['status']>(19).fill('complete')];
    expect(crossings(only('errorRate'), failed, statuses)).toEqual([]);
    // Interrupted replies are not failures.
    const interrupted: ReplyMetrics['status'][] = ['error', 'interrupted', 'interrupted', 'interrupted', 'interrupted', ...Array<ReplyMetrics['status']>(15).fill('complete')];
    expect(crossings(only('errorRate'), failed, interrupted)).toEqual([]);
  });

  it('is judged only on a failed reply', () => {
    const statuses: ReplyMetrics['status'][] = ['complete', 'error', 'error', 'error', 'error'];
    expect(crossings(only('errorRate'), reply(), statuses)).toEqual([]);
    expect(crossings(only('errorRate'), reply({ status: 'interrupted' }), statuses)).toEqual([]);
  });

  it('waits for MIN_REPLIES_FOR_ERROR_RATE replies', () => {
    const few = Array<ReplyMetrics['status']>(MIN_REPLIES_FOR_ERROR_RATE - 1).fill('error');
    expect(crossings(only('errorRate'), failed, few)).toEqual([]);
    expect(crossings(only('errorRate'), failed, [...few, 'error'])).toHaveLength(1);
  });
});

describe('rules', () => {
  const bad = reply({ peakMemoryBytes: 9e9, cpuPercent: 5, decodeTokensPerSec: 1, tokenP95Ms: 9000, ttftMs: 60_000 });

  it('cross together', () => {
    expect(crossed(bad).sort()).toEqual(['cpu', 'decodeSpeed', 'firstToken', 'memory', 'tokenLatency']);
  });

  it('are silent when disabled', () => {
    const off = DEFAULT_RULES.map((r) => ({ ...r, enabled: false }));
    expect(crossings(off, bad, OK)).toEqual([]);
    const failed = { ...bad, status: 'error' as const };
    expect(crossings(off, failed, ['error', 'error', 'error', 'error', 'error'])).toEqual([]);
  });

  it('use their own threshold and severity', () => {
    expect(crossings(only('decodeSpeed', { threshold: 25 }), reply(), OK)).toMatchObject([{ metric: 'decodeSpeed', threshold: 25, value: 20 }]);
    expect(crossings(only('firstToken', { threshold: 400, severity: 'critical' }), reply(), OK)).toMatchObject([{ severity: 'critical' }]);
  });
});

const SESSION = resolve(__dirname, '../../fixtures/monitoring/normal-session.json');

describe('a recorded normal session', () => {
  it.skipIf(!existsSync(SESSION))('crosses no default rule', () => {
    const session = ReplyMetrics.array().parse(JSON.parse(readFileSync(SESSION, 'utf8')));
    expect(session.length).toBeGreaterThan(0);
    const statuses: ReplyMetrics['status'][] = [];
    for (const m of session) {
      statuses.unshift(m.status);
      const now = statuses.slice(0, DEFAULT_ERROR_WINDOW);
      expect({ reply: m.id, crossings: crossings(DEFAULT_RULES, m, now) }).toEqual({ reply: m.id, crossings: [] });
    }
  });
});
