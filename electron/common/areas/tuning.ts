/**
 * Tuning: CPU threads, the scenario presets (each with its equivalent among the product brief's
 * deployment scenarios), saved profiles, and the in-app benchmark that says what is best here.
 */
import { z } from 'zod';
import { Empty, Id, call } from '../schema';
import { EnergySource } from './conversations';

export const ScenarioId = z.enum(['battery', 'balanced', 'performance', 'maximum']);
export type ScenarioId = z.infer<typeof ScenarioId>;

export const HeadType = z.enum(['q8_0', 'q6_k', 'f16']);
export type HeadType = z.infer<typeof HeadType>;

/** What a scenario or a profile sets. */
export const TuningValues = z
  .object({
    /** CPU threads for the engine: 1 … the logical cores. */
    threads: z.number().int().min(1).max(1024),
    /** The context in tokens (capped at the model's own). Needs a reload. */
    contextTokens: z.number().int().min(256).max(131_072),
    /** Prompt tokens evaluated per step (the prompt micro-batch). Needs a reload. */
    promptBatch: z.number().int().min(1).max(4096),
    /** The LM head's precision in memory. Needs a reload. */
    headType: HeadType,
    /** The longest reply, in tokens. */
    maxTokens: z.number().int().min(1).max(32_768),
  })
  .strict();
export type TuningValues = z.infer<typeof TuningValues>;

export const Scenario = z.object({
  id: ScenarioId,
  /** "Battery saver", "Balanced", "Performance", "Maximum". */
  name: z.string(),
  /** Its equivalent in the product brief: mobile, edge, server, cloud. */
  briefScenario: z.enum(['mobile', 'edge', 'server', 'cloud']),
  /** The brief's memory limit for it, in bytes. */
  briefMemoryBytes: z.number().positive(),
  /** The brief's thread limit for it. */
  briefMaxThreads: z.number().int().positive(),
  /** What it is for, in one line. */
  description: z.string(),
  /** What it sets on this machine. */
  values: TuningValues,
});
export type Scenario = z.infer<typeof Scenario>;

export const TuningProfile = z.object({
  id: Id,
  name: z.string(),
  values: TuningValues,
  createdAt: z.number(),
});
export type TuningProfile = z.infer<typeof TuningProfile>;

export const TuningState = z.object({
  /** The values in force. */
  values: TuningValues,
  /** The scenario they came from, while unchanged since; null: custom. */
  scenario: ScenarioId.nullable(),
  /** Where the thread count comes from: chosen, the best benchmark here, or the physical cores. */
  threadsFrom: z.enum(['chosen', 'benchmark', 'physical-cores']),
  logicalCores: z.number().int().positive(),
  physicalCores: z.number().int().positive(),
  scenarios: z.array(Scenario),
  profiles: z.array(TuningProfile),
  /** Profiles chosen as a model's own default, by model id. */
  modelProfiles: z.record(z.string(), Id),
  /** The loaded model's memory need at the context in force (for the scenarios' limits), or null. */
  loadedModelBytes: z.number().nonnegative().nullable(),
  /** Values that differ from what the loaded model was loaded with and wait for a reload. */
  pendingReload: z.array(z.enum(['contextTokens', 'promptBatch', 'headType'])),
});
export type TuningState = z.infer<typeof TuningState>;

export const TuningChanges = TuningValues.partial().strict();
export type TuningChanges = z.infer<typeof TuningChanges>;

// ---- the benchmark ----

export const Spread = z.object({ median: z.number(), min: z.number(), max: z.number() });
export type Spread = z.infer<typeof Spread>;

/** One thread count's results. */
export const BenchmarkRow = z.object({
  threads: z.number().int().positive(),
  prefillTokensPerSecond: Spread,
  decodeTokensPerSecond: Spread,
  /** Time to first token at each prompt length, in ms (the same order as promptLengths). */
  ttftMs: z.array(Spread),
  /**
   * Energy per generated token, in J: each run's energy (its prompt and its reply) over the tokens
   * it generated; null when not measured (benchmarks run before Tern measured energy).
   */
  joulesPerToken: Spread.nullable(),
});
export type BenchmarkRow = z.infer<typeof BenchmarkRow>;

export const BenchmarkRequest = z
  .object({
    /** Thread counts to try (default: 1, 2, 4 … up to the logical cores, and the physical count). */
    threads: z.array(z.number().int().min(1).max(1024)).min(1).max(32).optional(),
    /** Prompt lengths for the time to first token (default three, within the context). */
    promptLengths: z.array(z.number().int().min(1).max(131_072)).min(1).max(3).optional(),
    /** Generated tokens per repetition (decode rate). */
    genTokens: z.number().int().min(1).max(1024).optional(),
    repetitions: z.number().int().min(1).max(20).optional(),
  })
  .strict();
export type BenchmarkRequest = z.infer<typeof BenchmarkRequest>;

export const Benchmark = z.object({
  id: Id,
  createdAt: z.number(),
  state: z.enum(['running', 'done', 'cancelled', 'failed']),
  error: z.string().nullable(),
  modelId: Id,
  modelName: z.string(),
  modelFile: z.string(),
  cpu: z.string(),
  kernels: z.object({ decode: z.string(), prefill: z.string() }),
  engineVersion: z.string(),
  /** The settings it ran with. */
  settings: z.object({ contextTokens: z.number().int(), promptBatch: z.number().int(), headType: HeadType }),
  threads: z.array(z.number().int()),
  promptLengths: z.array(z.number().int()),
  genTokens: z.number().int(),
  repetitions: z.number().int(),
  rows: z.array(BenchmarkRow),
  /** Where the energy figures come from; null when none was measured. */
  energySource: EnergySource.nullable(),
  /** The thread count with the best decode rate (ties: the fewer threads); null until there are rows. */
  bestThreads: z.number().int().nullable(),
});
export type Benchmark = z.infer<typeof Benchmark>;

export const BenchmarkProgress = z.object({
  id: Id,
  /** Repetitions done and in all. */
  done: z.number().int().nonnegative(),
  total: z.number().int().positive(),
  /** What runs now, in words ("4 threads, repetition 2 of 3"). */
  step: z.string(),
});
export type BenchmarkProgress = z.infer<typeof BenchmarkProgress>;

const ById = z.object({ id: Id }).strict();

export const tuningCalls = {
  getTuning: call(Empty, TuningState),
  /** Changes some values (the scenario becomes custom unless they match it). */
  updateTuning: call(TuningChanges, TuningState),
  applyScenario: call(z.object({ scenario: ScenarioId }).strict(), TuningState),
  saveProfile: call(z.object({ name: z.string().trim().min(1).max(80) }).strict(), TuningState),
  applyProfile: call(ById, TuningState),
  deleteProfile: call(ById, TuningState),
  /** A model's own default profile (applied when a conversation with it loads it); null: none. */
  setModelProfile: call(z.object({ modelId: Id, profileId: Id.nullable() }).strict(), TuningState),
  /** Runs a thread sweep on the loaded model (loading the default model if none), exclusive with chat and the API. */
  runBenchmark: call(BenchmarkRequest, Benchmark),
  /** Stops the running benchmark after the repetition in progress. */
  cancelBenchmark: call(Empty, z.object({ cancelled: z.boolean() })),
  listBenchmarks: call(Empty, z.array(Benchmark)),
  /** Sets the thread count to the benchmark's best. */
  applyBestThreads: call(ById, TuningState),
  /** The benchmark as JSON or Markdown, with the `tern bench` command that reproduces it. */
  exportBenchmark: call(z.object({ id: Id, format: z.enum(['json', 'markdown']) }).strict(), z.object({ fileName: z.string(), content: z.string() })),
} as const;

export const tuningEvents = {
  tuningChanged: TuningState,
  benchmarkProgress: BenchmarkProgress,
  /** A benchmark started, finished, was cancelled or failed. */
  benchmarkChanged: Benchmark,
} as const;
