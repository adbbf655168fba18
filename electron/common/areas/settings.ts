/** The app's settings: defaults every conversation starts from, and the engine's housekeeping. */
import { z } from 'zod';
import { Empty, call } from '../schema';

export const Sampling = z
  .object({
    /** 0: greedy (always the likeliest token). */
    temperature: z.number().min(0).max(5),
    topP: z.number().min(0).max(1),
    /** 0: off. */
    topK: z.number().int().min(0).max(1000),
    minP: z.number().min(0).max(1),
    /** 1: off. */
    repeatPenalty: z.number().min(0.5).max(3),
    /** The longest reply, in tokens. */
    maxTokens: z.number().int().min(1).max(32_768),
    /** null: a new seed for every reply. */
    seed: z.number().int().min(0).max(0xffff_ffff).nullable(),
  })
  .strict();
export type Sampling = z.infer<typeof Sampling>;

export const SamplingOverrides = Sampling.partial();
export type SamplingOverrides = z.infer<typeof SamplingOverrides>;

export const AppSettings = z
  .object({
    /** The system prompt of conversations that do not set their own; '' for none. */
    systemPrompt: z.string().max(20_000),
    sampling: Sampling,
    /** The context in tokens: the model's training context, capped at this. */
    contextTokens: z.number().int().min(256).max(131_072),
    /** Unload the model after this many minutes without a request; 0: never. */
    idleUnloadMinutes: z.number().int().min(0).max(24 * 60),
    /** How many downloads run at once. */
    parallelDownloads: z.number().int().min(1).max(8),
    /** The Hugging Face hub's base URL; null: HF_ENDPOINT, else https://huggingface.co. */
    hubEndpoint: z.string().url().max(2048).nullable(),
    /** CPU threads for the engine; null: the best measured here, else the physical cores. */
    threads: z.number().int().min(1).max(1024).nullable(),
    /** Prompt tokens per step (the prompt micro-batch). */
    promptBatch: z.number().int().min(1).max(4096),
    /** The LM head's precision in memory. */
    headType: z.enum(['q8_0', 'q6_k', 'f16']),
    /** The scenario the tuning values came from, while unchanged since; null: custom. */
    scenario: z.enum(['battery', 'balanced', 'performance', 'maximum']).nullable(),
  })
  .strict();
export type AppSettings = z.infer<typeof AppSettings>;

export const DEFAULT_SETTINGS: AppSettings = {
  systemPrompt: 'You are a helpful assistant.',
  sampling: { temperature: 0.7, topP: 0.9, topK: 40, minP: 0.05, repeatPenalty: 1.05, maxTokens: 1024, seed: null },
  contextTokens: 4096,
  idleUnloadMinutes: 15,
  parallelDownloads: 2,
  hubEndpoint: null,
  threads: null,
  promptBatch: 64,
  headType: 'q8_0',
  scenario: null,
};

export const SettingsChanges = z
  .object({
    systemPrompt: AppSettings.shape.systemPrompt.optional(),
    sampling: SamplingOverrides.optional(),
    contextTokens: AppSettings.shape.contextTokens.optional(),
    idleUnloadMinutes: AppSettings.shape.idleUnloadMinutes.optional(),
    parallelDownloads: AppSettings.shape.parallelDownloads.optional(),
    hubEndpoint: AppSettings.shape.hubEndpoint.optional(),
  })
  .strict();
export type SettingsChanges = z.infer<typeof SettingsChanges>;

export const settingsCalls = {
  getSettings: call(Empty, AppSettings),
  /** Changes the settings given; answers with all of them. */
  updateSettings: call(SettingsChanges, AppSettings),
  /** Puts every setting back to its default. */
  resetSettings: call(Empty, AppSettings),
} as const;

export const settingsEvents = {
  settingsChanged: AppSettings,
} as const;
