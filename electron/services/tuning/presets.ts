/**
 * The scenario presets, each the equivalent of one of the product brief's deployment scenarios
 * (../shared/BITNET.md, "From the product brief"): its thread limit and memory limit are the
 * brief's; the rest is Tern's choice for the same priority:
 *
 * | preset        | brief  | threads                 | context | micro-batch | head | reply |
 * |---------------|--------|-------------------------|---------|-------------|------|-------|
 * | Battery saver | mobile | min(2, physical cores)  | 2048    | 32          | q6_k | 256   |
 * | Balanced      | edge   | min(4, physical cores)  | 4096    | 64          | q8_0 | 512   |
 * | Performance   | server | min(8, physical cores)  | 4096    | 128         | q8_0 | 1024  |
 * | Maximum       | cloud  | min(16, logical cores)  | 8192    | 256         | f16  | 2048  |
 *
 * Why: threads stay on physical cores (hyper-threads add little to these kernels and cost power)
 * except for Maximum, which may use every hardware thread. The context is the KV cache, which
 * grows with it: 2048 keeps a small model near the brief's 512 MB; 4096 is Tern's default;
 * 8192 for long documents. The micro-batch is how many prompt tokens one step evaluates: smaller
 * needs less scratch memory and stops sooner when cancelled, larger prefills faster (64 is the
 * engine's default). The LM head (the vocabulary projection, the largest tensor of a small model)
 * is q6_k where memory matters most, q8_0 (the engine's default, near-lossless) in between, and
 * f16 (the file's own precision, no requantization) where memory is plentiful. The reply length
 * bounds the time and energy of one answer; 1024 is the brief's output limit.
 */
import type { Scenario, ScenarioId, TuningValues } from '../../common/contract';
import type { Cores } from './cores';

const MB = 1024 * 1024;

interface Preset {
  id: ScenarioId;
  name: string;
  briefScenario: Scenario['briefScenario'];
  briefMemoryBytes: number;
  briefMaxThreads: number;
  /** Which core count bounds the threads besides the brief's limit. */
  cores: keyof Cores;
  description: string;
  values: Omit<TuningValues, 'threads'>;
}

const PRESETS: readonly Preset[] = [
  {
    id: 'battery',
    name: 'Battery saver',
    briefScenario: 'mobile',
    briefMemoryBytes: 512 * MB,
    briefMaxThreads: 2,
    cores: 'physical',
    description: 'Few cores, a small context and short replies: the least memory and power, for a laptop on battery.',
    values: { contextTokens: 2048, promptBatch: 32, headType: 'q6_k', maxTokens: 256 },
  },
  {
    id: 'balanced',
    name: 'Balanced',
    briefScenario: 'edge',
    briefMemoryBytes: 1024 * MB,
    briefMaxThreads: 4,
    cores: 'physical',
    description: 'Up to four cores and the default context: good speed without taking over the machine.',
    values: { contextTokens: 4096, promptBatch: 64, headType: 'q8_0', maxTokens: 512 },
  },
  {
    id: 'performance',
    name: 'Performance',
    briefScenario: 'server',
    briefMemoryBytes: 2048 * MB,
    briefMaxThreads: 8,
    cores: 'physical',
    description: 'Up to eight physical cores and a larger prompt batch: faster replies and prompts, more memory.',
    values: { contextTokens: 4096, promptBatch: 128, headType: 'q8_0', maxTokens: 1024 },
  },
  {
    id: 'maximum',
    name: 'Maximum',
    briefScenario: 'cloud',
    briefMemoryBytes: 4096 * MB,
    briefMaxThreads: 16,
    cores: 'logical',
    description: 'Every hardware thread up to sixteen, a long context and a full-precision head: the most the machine can give.',
    values: { contextTokens: 8192, promptBatch: 256, headType: 'f16', maxTokens: 2048 },
  },
];

/** The scenarios as they apply on a machine with these cores. */
export function scenarios(cores: Cores): Scenario[] {
  return PRESETS.map((preset) => ({
    id: preset.id,
    name: preset.name,
    briefScenario: preset.briefScenario,
    briefMemoryBytes: preset.briefMemoryBytes,
    briefMaxThreads: preset.briefMaxThreads,
    description: preset.description,
    values: { threads: Math.max(1, Math.min(preset.briefMaxThreads, cores[preset.cores])), ...preset.values },
  }));
}

/** What a scenario sets on a machine with these cores. */
export function scenarioValues(id: ScenarioId, cores: Cores): TuningValues {
  const scenario = scenarios(cores).find((s) => s.id === id);
  if (!scenario) throw new Error(`no scenario ${id}`);
  return scenario.values;
}

export function sameValues(a: TuningValues, b: TuningValues): boolean {
  return (
    a.threads === b.threads &&
    a.contextTokens === b.contextTokens &&
    a.promptBatch === b.promptBatch &&
    a.headType === b.headType &&
    a.maxTokens === b.maxTokens
  );
}
