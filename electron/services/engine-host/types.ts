/**
 * What the services see of the engine process: one model loaded at a time, requests queued with
 * their source (the UI's first), cancel, and a process that is restarted when it dies. The
 * implementation (host.ts) speaks the message protocol of protocol.ts to worker.ts.
 */
import type { GenerateOptions, GenerateResult, ModelDescription, TokenEvent, TokenizerInfo } from '../native';

/**
 * Who asked: the app's own window, or the local API. UI requests go first, and each source runs
 * in a KV slot of its own (GenerateOptions.slot: 'ui' 0, 'api' 1), so one's cached prefix
 * survives the other's requests.
 */
export type RequestSource = 'ui' | 'api';

export type EngineHostState = 'idle' | 'loading' | 'ready' | 'error';

export interface EngineHostStatus {
  state: EngineHostState;
  /** The caller's key of the model loaded or loading (the model id), null when idle. */
  modelKey: string | null;
  /** Load progress in [0, 1] while loading. */
  progress: number | null;
  /** The last failure in words: a load error, or why the engine process stopped. */
  error: string | null;
  /** Generations running or queued. */
  pending: number;
}

/** A loaded model, as the prompt builder and the chat service need it. */
export interface LoadedModel {
  modelKey: string;
  path: string;
  description: ModelDescription;
  tokenizer: TokenizerInfo;
  /** The context the model was loaded with, in tokens. */
  nCtx: number;
  specialTokens: { id: number; text: string }[];
}

export interface LoadRequest {
  modelKey: string;
  path: string;
  /** Context in tokens (the KV cache). */
  nCtx: number;
  /** 0 or absent: every core. */
  threads?: number;
  /** Prompt tokens per step (the micro-batch); absent: the engine's default. A change reloads. */
  nBatch?: number;
  /** The LM head's precision in memory (q8_0, q6_k, f16); absent: q8_0. A change reloads. */
  head?: string;
}

/** A thread sweep on the loaded model (tuning's benchmark). */
export interface BenchmarkSweep {
  threads: number[];
  /** Prompt lengths in tokens; each repetition runs each (random ids, nothing reused from the cache). */
  promptLengths: number[];
  /** Tokens generated after each prompt (greedy, end-of-text ignored). */
  genTokens: number;
  repetitions: number;
}

/** One run: a prompt of promptTokens, then genTokens generated. */
export interface BenchmarkSample {
  threads: number;
  /** 1-based. */
  repetition: number;
  promptTokens: number;
  ttftMs: number;
  prefillTokensPerSecond: number;
  decodeTokensPerSecond: number;
}

export interface BenchmarkRun {
  /** Called once, just before the sweep is sent to the engine process (after any wait for its turn). */
  onStart?: () => void;
  /** After each sample: it, and how many are done of how many. */
  onSample?: (sample: BenchmarkSample, done: number, total: number) => void;
  /** Stops after the sample in progress; the promise resolves with the samples so far. */
  signal?: AbortSignal;
}

export interface GenerateRequest {
  source: RequestSource;
  /** CPU threads for this request (the pool resizes; no reload); absent: as loaded. */
  threads?: number;
  /** The whole sequence (the conversation so far); the engine reuses its cached prefix. */
  ids: number[];
  /** options.slot is ignored: the host picks the slot from `source`. */
  options: GenerateOptions;
  /** Called once, just before the request is sent to the engine process (after any wait in the queue). */
  onStart?: () => void;
  /** Every generated token, in order. */
  onToken?: (event: TokenEvent) => void;
  /** Aborting removes a queued request, or stops a running one (it resolves 'cancelled'). */
  signal?: AbortSignal;
}

/** The engine process died while a request ran or waited; `ids` are the tokens streamed before. */
export class EngineCrashedError extends Error {
  readonly code = 'ENGINE_CRASHED';
  constructor(
    message: string,
    readonly ids: number[] = [],
  ) {
    super(message);
    this.name = 'EngineCrashedError';
  }
}

/** What the engine process uses, as the OS counts it (the telemetry's sampler reads this). */
export interface EngineUsage {
  /** The process; a restarted engine has a new one, and its counters start again. */
  pid: number;
  /** CPU time the process has used since it started (user and system), in ms. */
  cpuMs: number;
  /** Its resident memory now, in bytes. */
  rssBytes: number;
  /** Its resident memory when it became ready, before any model (the runtime's own share), in bytes. */
  baseRssBytes: number;
  /** What the loaded model has allocated by the engine's own count (weights, KV caches, scratch); null: none loaded. */
  modelBytes: number | null;
  /**
   * An energy counter the OS gives the engine process, cumulative, in J: 'package' is the CPU
   * package's meter (Windows' Energy Meter Interface: measured), 'process' the OS's own estimate
   * for this process (macOS ri_energy_nj). Null where there is none (Linux reads powercap itself).
   */
  energy: { scope: 'package' | 'process'; joules: number } | null;
}

export interface EngineHost {
  status(): EngineHostStatus;
  /** The loaded model, or null. */
  loaded(): LoadedModel | null;
  /**
   * Describes a file without loading its weights, in the engine process. Rejects with the reason.
   * nCtx: the context the memory estimate is for (absent: the model's own). header: the file may
   * be only the start of a model (see InspectOptions in native.ts; NEED_MORE_BYTES when too short).
   */
  inspect(path: string, options?: { header?: boolean; nCtx?: number }): Promise<ModelDescription>;
  /** Loads a model (unloading the one before); resolves at once when it is already loaded with these settings. */
  load(request: LoadRequest): Promise<LoadedModel>;
  /** Frees the model now, cancelling what runs and rejecting what waits. */
  unload(): Promise<void>;
  tokenize(text: string, options: { special: boolean; addBos: boolean }): Promise<number[]>;
  detokenize(ids: number[]): Promise<string>;
  /** Queued behind other generations, UI requests ahead of API ones. */
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /**
   * Runs a thread sweep on the loaded model, alone: it waits for the generation running, and
   * generations asked for meanwhile wait for it. Rejects when no model is loaded.
   */
  benchmark(sweep: BenchmarkSweep, run?: BenchmarkRun): Promise<BenchmarkSample[]>;
  /**
   * The engine process's CPU time, memory and OS energy counter now. Answered at once, even while
   * a generation runs; rejects when there is no engine process (it died, or the host is closed).
   */
  usage(): Promise<EngineUsage>;
  /** Unload by itself after this long without a request; 0: never. */
  setIdleUnload(ms: number): void;
  /** Status changes (state, load progress, pending count). */
  onStatus(listener: (status: EngineHostStatus) => void): () => void;
  /** The engine process stopped unexpectedly (it is restarted; the model is no longer loaded). */
  onCrash(listener: (reason: string) => void): () => void;
  /** Stops the engine process for good. */
  close(): Promise<void>;
}
