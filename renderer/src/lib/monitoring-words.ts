/** The Monitoring section's words: alert rules, the energy's origin, the sampler. */
import type { AlertMetric, EnergyStatus, MonitoringState } from './contract';
import { ENERGY_SOURCE_WORDS } from './format';

export interface RuleWords {
  /** The rule in words: the checkbox's name ("Memory above % of expected"). */
  name: string;
  /** The words before and after the threshold, as the row shows them. */
  before: string;
  after: string;
  /** The threshold field's name ("Memory threshold (%)"). */
  field: string;
  /** The largest threshold the field takes. */
  max: number;
}

export const RULE_WORDS: Record<AlertMetric, RuleWords> = {
  memory: { name: 'Memory above % of expected', before: 'Memory above', after: '% of expected', field: 'Memory threshold (%)', max: 10_000 },
  cpu: { name: 'CPU below % of its threads', before: 'CPU below', after: '% of its threads', field: 'CPU threshold (%)', max: 100 },
  decodeSpeed: { name: 'Decode speed below tok/s', before: 'Decode speed below', after: 'tok/s', field: 'Decode speed threshold (tok/s)', max: 100_000 },
  tokenLatency: {
    name: 'Per-token latency p95 above ms',
    before: 'Per-token latency p95 above',
    after: 'ms',
    field: 'Per-token latency threshold (ms)',
    max: 1_000_000,
  },
  firstToken: {
    name: 'Time to first token above ms',
    before: 'Time to first token above',
    after: 'ms',
    field: 'Time to first token threshold (ms)',
    max: 1_000_000,
  },
  errorRate: { name: 'Error rate above %', before: 'Error rate above', after: '%', field: 'Error rate threshold (%)', max: 100 },
};

/** The retention choices, in days. */
export const RETENTION_DAYS = [1, 7, 30, 90, 365];

export function retentionLabel(days: number): string {
  if (days === 1) return '1 day';
  if (days === 365) return '1 year';
  return `${days} days`;
}

/** "Energy is modelled", "Energy is measured", "Energy is an OS estimate". */
export function energySentence(energy: EnergyStatus): string {
  return energy.source === 'os-estimate' ? 'Energy is an OS estimate' : `Energy is ${ENERGY_SOURCE_WORDS[energy.source]}`;
}

/** Where the CPU's rated power comes from. */
export function cpuWattsFromText(energy: EnergyStatus): string {
  switch (energy.cpuWattsFrom) {
    case 'table':
      return `From the table of common CPUs, for ${energy.cpuName}.`;
    case 'user':
      return `Entered by you (the CPU: ${energy.cpuName}).`;
    case 'default':
      return `A default for CPUs not in the table: ${energy.cpuName} is not in it. Enter its rated power (TDP) for a better estimate.`;
    case null:
      return `Used only when energy is modelled (the CPU: ${energy.cpuName}).`;
  }
}

/** "Sampled only while the engine works — sampling every 0.5 s, 1,234 samples so far". */
export function samplerText(sampler: MonitoringState['sampler']): string {
  const every = `${Number((sampler.intervalMs / 1000).toFixed(2))} s`;
  const state = sampler.active ? `sampling every ${every}` : 'idle';
  const count = `${sampler.samples.toLocaleString('en-US')} ${sampler.samples === 1 ? 'sample' : 'samples'} so far`;
  return `Sampled only while the engine works — ${state}, ${count}`;
}
