/** The model files Tern knows of, and the engine that runs one of them. */
import { z } from 'zod';
import { Empty, Id, call } from '../schema';

export const ModelFile = z.object({
  /** The file's sha256: stable across renames and moves. */
  id: Id,
  path: z.string(),
  fileName: z.string(),
  /** The model's own name (general.name), when the file has one. */
  name: z.string().nullable(),
  sizeBytes: z.number().nonnegative(),
  /** general.architecture, e.g. bitnet-b1.58; null when the file could not be read. */
  arch: z.string().nullable(),
  /** The ternary weights' format (I2_S, TQ1_0, TQ2_0), when known. */
  weightType: z.string().nullable(),
  parameters: z.number().nonnegative().nullable(),
  contextLength: z.number().int().nonnegative().nullable(),
  /** 'folder': found in the models folder; 'added': named with --model. */
  source: z.enum(['folder', 'added']),
  /** Why the engine cannot run this file, in words; null when it can. */
  problem: z.string().nullable(),
  /** Where Tern downloaded it from (owner/repo/file or a URL); null for a file it did not download. */
  origin: z.string().nullable(),
  /** true: its sha256 matched the hub's (or the one given); false: downloaded unverified; null: not downloaded by Tern. */
  verified: z.boolean().nullable(),
});
export type ModelFile = z.infer<typeof ModelFile>;

export const ModelList = z.object({
  /** The models folder (created at start). */
  folder: z.string(),
  models: z.array(ModelFile),
  /** A scan is under way; more files may appear. */
  scanning: z.boolean(),
});
export type ModelList = z.infer<typeof ModelList>;

export const EngineState = z.enum(['idle', 'loading', 'ready', 'error']);

export const EngineStatus = z.object({
  /** idle: no model in memory; loading; ready: the model answers; error: the last load failed. */
  state: EngineState,
  /** The model loaded or loading. */
  modelId: Id.nullable(),
  /** Load progress in [0, 1] while loading. */
  progress: z.number().min(0).max(1).nullable(),
  /** What went wrong, in words (a failed load, an engine that stopped). */
  error: z.string().nullable(),
  /** The context of the loaded model, in tokens. */
  contextTokens: z.number().int().nullable(),
  /** Whether a reply or another request is running. */
  busy: z.boolean(),
});
export type EngineStatus = z.infer<typeof EngineStatus>;

export const modelCalls = {
  listModels: call(Empty, ModelList),
  /** Looks at the models folder again. */
  rescanModels: call(Empty, ModelList),
  getEngineStatus: call(Empty, EngineStatus),
  /** Loads a model now (a reply loads its conversation's model by itself). */
  loadModel: call(z.object({ modelId: Id }).strict(), EngineStatus),
  /** Frees the model at once (cancelling what runs). */
  unloadModel: call(Empty, EngineStatus),
  /**
   * Makes another folder the models folder (created if missing). moveFiles: the models and
   * partial downloads move along; otherwise the models stay behind (and leave the list), and
   * partial downloads still move so that nothing starts over.
   */
  moveModelsFolder: call(z.object({ path: z.string().min(1).max(4096), moveFiles: z.boolean() }).strict(), ModelList),
} as const;

export const modelEvents = {
  modelsChanged: ModelList,
  engineStatus: EngineStatus,
} as const;
