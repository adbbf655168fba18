/** The Tuning view's words: scenarios against the product brief, values, benchmark figures. */
import type { HeadType, Scenario, ScenarioId, Spread, TuningState, TuningValues } from './contract';
import { formatBytes } from './format';

/** The radios' names: the UI's contract, whatever the host calls them. */
export const SCENARIO_LABELS: Record<ScenarioId, string> = {
  battery: 'Battery saver',
  balanced: 'Balanced',
  performance: 'Performance',
  maximum: 'Maximum',
};

export const SCENARIO_ORDER: ScenarioId[] = ['battery', 'balanced', 'performance', 'maximum'];

export const HEAD_LABELS: Record<HeadType, string> = {
  q8_0: 'Q8_0 (8-bit)',
  q6_k: 'Q6_K (6-bit, smaller)',
  f16: 'F16 (16-bit, largest)',
};

/** The values that take effect only when the model is loaded again. */
export const RELOAD_NOTE = 'applies after the model reloads';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/**
 * A limit from the brief, as the brief writes it: whole binary megabytes or gigabytes
 * ("512 MB", "8 GB"); anything else in the decimal units of formatBytes.
 */
export function formatBriefBytes(bytes: number): string {
  if (bytes >= GiB && bytes % GiB === 0) return `${bytes / GiB} GB`;
  if (bytes >= GiB && bytes % MiB === 0) return `${Number((bytes / GiB).toFixed(2))} GB`;
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MB`;
  return formatBytes(bytes);
}

export type BriefFit = 'fits' | 'does-not-fit' | 'unknown';

export function briefFit(scenario: Scenario, loadedModelBytes: number | null): BriefFit {
  if (loadedModelBytes === null) return 'unknown';
  return loadedModelBytes <= scenario.briefMemoryBytes ? 'fits' : 'does-not-fit';
}

/** "brief limit 512 MB — the loaded model needs 1.4 GB: does not fit". */
export function briefMemoryText(scenario: Scenario, loadedModelBytes: number | null): string {
  const limit = `brief limit ${formatBriefBytes(scenario.briefMemoryBytes)}`;
  if (loadedModelBytes === null) return `${limit} — no model is loaded to compare`;
  const verdict = briefFit(scenario, loadedModelBytes) === 'fits' ? 'fits' : 'does not fit';
  return `${limit} — the loaded model needs ${formatBytes(loadedModelBytes)}: ${verdict}`;
}

/** "2 threads, 2,048-token context, prompt micro-batch 32, head Q6_K, replies up to 256 tokens". */
export function valuesText(values: TuningValues): string {
  return [
    `${values.threads} ${values.threads === 1 ? 'thread' : 'threads'}`,
    `${values.contextTokens.toLocaleString('en-US')}-token context`,
    `prompt micro-batch ${values.promptBatch}`,
    `head ${values.headType.toUpperCase()}`,
    `replies up to ${values.maxTokens.toLocaleString('en-US')} tokens`,
  ].join(', ');
}

/** Where the thread count in force comes from. */
export function threadsFromText(tuning: TuningState): string {
  switch (tuning.threadsFrom) {
    case 'chosen':
      return 'chosen here';
    case 'benchmark':
      return 'the best measured here (benchmark)';
    case 'physical-cores':
      return `the physical cores (${tuning.physicalCores})`;
  }
}

/** "21.4" (tok/s) with one decimal under 100, whole above. */
export function formatRate(value: number): string {
  return value >= 100 ? String(Math.round(value)) : value.toFixed(1);
}

/** "19.0–21.0". */
export function formatRange(spread: Spread, format: (value: number) => string = formatRate): string {
  return `${format(spread.min)}–${format(spread.max)}`;
}

/** Milliseconds for the TTFT cells: "180 ms", "1.4 s". */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Thread counts typed as "1, 2, 4 8": sorted, unique; an error for anything else. */
export function parseThreadList(text: string, max: number): { ok: true; value: number[] | undefined } | { ok: false; error: string } {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (parts.length === 0) return { ok: true, value: undefined };
  const values: number[] = [];
  for (const part of parts) {
    const n = Number(part);
    if (!Number.isInteger(n) || n < 1 || n > max) return { ok: false, error: `Thread counts are whole numbers from 1 to ${max}.` };
    values.push(n);
  }
  const unique = [...new Set(values)].sort((a, b) => a - b);
  if (unique.length > 32) return { ok: false, error: 'At most 32 thread counts.' };
  return { ok: true, value: unique };
}
