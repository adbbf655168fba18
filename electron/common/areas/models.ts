/** The model files Tern knows of, and the engine that runs one of them. */
import { z } from 'zod';
import { Empty, Id, call } from '../schema';

/** The kernel path the engine runs a model's matmuls on, on this CPU: one token (decode) and a prompt (prefill). */
export const KernelPaths = z.object({ decode: z.string(), prefill: z.string() });
export type KernelPaths = z.infer<typeof KernelPaths>;

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
  /** The kernel paths for this model's weight format on this CPU; null when the file cannot run. */
  kernels: KernelPaths.nullable(),
  /** When a reply last used it (ms since the epoch); null: never. */
  lastUsedAt: z.number().nullable(),
});
export type ModelFile = z.infer<typeof ModelFile>;

export const ModelList = z.object({
  /** The models folder (created at start). */
  folder: z.string(),
  models: z.array(ModelFile),
  /** A scan is under way; more files may appear. */
  scanning: z.boolean(),
  /** The model new conversations start with. */
  defaultModelId: Id.nullable(),
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

export const CatalogEntry = z.object({
  repo: z.string(),
  file: z.string(),
  name: z.string(),
  /** One line. */
  description: z.string(),
  license: z.string(),
  architecture: z.string(),
  /** In billions, as published. */
  parameters: z.number().positive(),
  /** Training context, in tokens. */
  contextLength: z.number().int().positive(),
  recommended: z.boolean(),
});
export type CatalogEntry = z.infer<typeof CatalogEntry>;

export const Catalog = z.object({ entries: z.array(CatalogEntry) });
export type Catalog = z.infer<typeof Catalog>;

/**
 * Whether a model will run here: the engine's memory estimate (weights repacked, the KV cache at
 * the context, overhead) against this machine's memory, and the file against free disk.
 * fits: comfortably; tight: it may, with little to spare (a warning); too-large: refused unless
 * the user overrides.
 */
export const Fit = z.object({
  verdict: z.enum(['fits', 'tight', 'too-large']),
  /** One line for a model's row, e.g. "Fits: needs 1.4 GB of 12 GB available". */
  label: z.string(),
  /** Why it is tight or too large, in words. */
  problems: z.array(z.string()),
  memoryBytes: z.number().nonnegative(),
  contextTokens: z.number().int().positive(),
  availableMemoryBytes: z.number().nonnegative(),
  totalMemoryBytes: z.number().nonnegative(),
  /** The file's size (before a download), and the free disk it would go on; null after. */
  fileBytes: z.number().nonnegative().nullable(),
  freeDiskBytes: z.number().nonnegative().nullable(),
  kernels: KernelPaths.nullable(),
});
export type Fit = z.infer<typeof Fit>;

const ModelId = z.object({ modelId: Id }).strict();

export const modelCalls = {
  listModels: call(Empty, ModelList),
  /** Looks at the models folder again. */
  rescanModels: call(Empty, ModelList),
  getEngineStatus: call(Empty, EngineStatus),
  /** Loads a model now (a reply loads its conversation's model by itself); one too large is refused unless override. */
  loadModel: call(z.object({ modelId: Id, override: z.boolean().optional() }).strict(), EngineStatus),
  /** Frees the model at once (cancelling what runs). */
  unloadModel: call(Empty, EngineStatus),
  /**
   * Makes another folder the models folder (created if missing). moveFiles: the models and
   * partial downloads move along; otherwise the models stay behind (and leave the list), and
   * partial downloads still move so that nothing starts over.
   */
  moveModelsFolder: call(z.object({ path: z.string().min(1).max(4096), moveFiles: z.boolean() }).strict(), ModelList),
  /** The models Tern offers to download. */
  listCatalog: call(Empty, Catalog),
  /** Before a download: the file's header fetched with a Range request, and the engine's estimate from it. */
  checkDownloadFit: call(
    z.object({ source: z.string().trim().min(1).max(4096), file: z.string().min(1).max(1024).optional(), revision: z.string().min(1).max(256).optional() }).strict(),
    Fit,
  ),
  /** Before a load: the same from the file. */
  checkModelFit: call(ModelId, Fit),
  /** Adds a GGUF from elsewhere on this computer: copied into the models folder, or linked where it is. */
  importModel: call(z.object({ path: z.string().min(1).max(4096), mode: z.enum(['copy', 'link']) }).strict(), ModelFile),
  /** Deletes a model's file (conversations keep their text). */
  deleteModel: call(ModelId, z.object({ id: Id })),
  setDefaultModel: call(ModelId, ModelList),
  /** Desktop app only: shows the model's file in the system's file manager. */
  showModelInFolder: call(ModelId, Empty),
  /** Desktop app only: the system's file dialog, for a GGUF to import; null when cancelled. */
  chooseModelFile: call(Empty, z.object({ path: z.string().nullable() })),
} as const;

export const modelEvents = {
  modelsChanged: ModelList,
  engineStatus: EngineStatus,
} as const;
