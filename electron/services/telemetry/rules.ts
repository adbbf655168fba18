/**
 * Alert rules over each reply's metrics: the product brief's alerts (memory, CPU, minimum
 * tok/s, maximum latency, error rate) with defined metrics, and defaults that stay quiet in
 * normal use. A rule is judged only on a reply long enough for its metric to mean something.
 */
import type { AlertMetric, AlertRule, ReplyMetrics } from '../../common/contract';

export const DEFAULT_RULES: readonly AlertRule[] = [
  // The engine's peak resident memory against its runtime and the model's own estimate: a leak or a wrong estimate.
  { metric: 'memory', enabled: true, threshold: 150, severity: 'warning' },
  // The engine's CPU time against the threads given to it: below half, other programs are taking the CPU.
  { metric: 'cpu', enabled: true, threshold: 50, severity: 'warning' },
  { metric: 'decodeSpeed', enabled: true, threshold: 5, severity: 'warning' },
  { metric: 'tokenLatency', enabled: true, threshold: 1000, severity: 'warning' },
  { metric: 'firstToken', enabled: true, threshold: 15_000, severity: 'warning' },
  { metric: 'errorRate', enabled: true, threshold: 5, severity: 'critical' },
];

export const DEFAULT_ERROR_WINDOW = 20;
export const DEFAULT_RETENTION_DAYS = 30;

/** Too short a reply says nothing about its rate, latency spread or CPU share. */
export const MIN_TOKENS_FOR_RATES = 16;
export const MIN_MS_FOR_CPU = 2000;
/**
 * Memory is judged only this far over the expected figure: the estimate covers the weights, the
 * KV cache and the scratch buffers, not the tokenizer's tables or the allocator's slack, which
 * would make every small model look over.
 */
export const MEMORY_SLACK_BYTES = 256 * 1024 * 1024;
/** The error rate is judged once this many replies are known. */
export const MIN_REPLIES_FOR_ERROR_RATE = 5;

export interface Crossing {
  metric: AlertMetric;
  severity: AlertRule['severity'];
  value: number;
  threshold: number;
  text: string;
}

/**
 * The rules a finished reply crosses. `lastStatuses` are the statuses of the latest replies
 * (this one first), at most `errorWindow`; the error rate is judged when this reply failed, so
 * the alert comes with the failure that crosses it and not again with every reply after.
 */
export function crossings(rules: readonly AlertRule[], m: ReplyMetrics, lastStatuses: readonly ReplyMetrics['status'][]): Crossing[] {
  const found: Crossing[] = [];
  for (const rule of rules) {
    if (!rule.enabled) continue;
    const crossing = judge(rule, m, lastStatuses);
    if (crossing) found.push(crossing);
  }
  return found;
}

function judge(rule: AlertRule, m: ReplyMetrics, lastStatuses: readonly ReplyMetrics['status'][]): Crossing | null {
  const { threshold, severity, metric } = rule;
  const crossing = (value: number, text: string): Crossing => ({ metric, severity, value, threshold, text });
  const enoughTokens = (m.generatedTokens ?? 0) >= MIN_TOKENS_FOR_RATES;
  switch (metric) {
    case 'memory': {
      if (m.peakMemoryBytes === null || !m.memoryExpectedBytes) return null;
      const percent = (m.peakMemoryBytes / m.memoryExpectedBytes) * 100;
      return percent > threshold && m.peakMemoryBytes - m.memoryExpectedBytes > MEMORY_SLACK_BYTES
        ? crossing(
            percent,
            `Engine memory ${megabytes(m.peakMemoryBytes)} is ${Math.round(percent)}% of the ${megabytes(m.memoryExpectedBytes)} expected (above ${threshold}%)`,
          )
        : null;
    }
    case 'cpu': {
      if (m.cpuPercent === null || m.durationMs < MIN_MS_FOR_CPU || m.status === 'error') return null;
      return m.cpuPercent < threshold
        ? crossing(
            m.cpuPercent,
            `The engine got ${Math.round(m.cpuPercent)}% of its ${m.threads ?? '?'} threads' time (below ${threshold}%): other programs are using the CPU`,
          )
        : null;
    }
    case 'decodeSpeed': {
      if (m.decodeTokensPerSec === null || !enoughTokens) return null;
      return m.decodeTokensPerSec < threshold ? crossing(m.decodeTokensPerSec, `Decode ${rate(m.decodeTokensPerSec)} tok/s, below ${threshold} tok/s`) : null;
    }
    case 'tokenLatency': {
      if (m.tokenP95Ms === null || !enoughTokens) return null;
      return m.tokenP95Ms > threshold ? crossing(m.tokenP95Ms, `Per-token latency p95 ${Math.round(m.tokenP95Ms)} ms, above ${threshold} ms`) : null;
    }
    case 'firstToken': {
      if (m.ttftMs === null) return null;
      return m.ttftMs > threshold ? crossing(m.ttftMs, `First token after ${seconds(m.ttftMs)}, above ${seconds(threshold)}`) : null;
    }
    case 'errorRate': {
      if (m.status !== 'error' || lastStatuses.length < MIN_REPLIES_FOR_ERROR_RATE) return null;
      const failed = lastStatuses.filter((s) => s === 'error').length;
      const percent = (failed / lastStatuses.length) * 100;
      return percent > threshold
        ? crossing(percent, `${failed} of the last ${lastStatuses.length} replies failed (${Math.round(percent)}%, above ${threshold}%)`)
        : null;
    }
  }
}

function megabytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${Math.round(bytes / 1e6)} MB`;
}

function rate(value: number): string {
  return value >= 10 ? value.toFixed(0) : value.toFixed(1);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;
}
