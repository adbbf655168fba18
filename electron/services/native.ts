/**
 * Loads the native addon (build/native/Release/tern.node) in plain Node, in Electron's main or
 * utility process, and from a packaged app (where it sits in app.asar.unpacked).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { CpuInfo } from '../common/contract';
import { EngineError } from './engine-errors';

export { EngineError } from './engine-errors';

/**
 * The kernel paths whose code runs the ternary products (the bulk of the work): decode is one
 * token, prefill a micro-batch of a prompt. Named like ModelLoadOptions.isa: scalar, avx2,
 * avxvnni, avx512, amx, neon. They can differ from the path the engine reports (NativeModel.isa,
 * CpuInfo.isa): "amx" runs its decode on avx512 code, "avxvnni" its prefill on avx2 code. The
 * file's weight format does not matter (the loader repacks every format into one layout).
 */
export interface KernelPaths {
  decode: string;
  prefill: string;
}

export interface InspectOptions {
  /**
   * The file may be only the start of a model (its metadata and tensor table, e.g. fetched with
   * an HTTP Range request). The description is the whole file's (memory, tensors, nParams),
   * with fileBytes the size its tensor table implies and headerOnly true. A file that ends
   * inside the header rejects with code NEED_MORE_BYTES, a message "the header needs at least N
   * bytes ..." and a property `needBytes` = N: a lower bound (fetch at least that much, better
   * more, and try again). Anything else fails as for the whole file.
   */
  header?: boolean;
}

/** A model file described without loading its weights (inspect) or as loaded (Model.info). */
export interface ModelDescription {
  arch: string;
  name: string;
  /** The ternary projections' type in the file: I2_S, TQ1_0, TQ2_0 (or "mixed"). */
  weightType: string;
  ffnAct: 'relu2' | 'silu';
  headTensor: string;
  tiedHead: boolean;
  ggufVersion: number;
  /** The whole file's size (headerOnly: as its tensor table implies it, data padded as GGUF pads it). */
  fileBytes: number;
  /** Described from the start of the file only (inspect with header: true). */
  headerOnly: boolean;
  nParams: number;
  hparams: {
    nVocab: number;
    nEmbd: number;
    nLayer: number;
    nHead: number;
    nHeadKv: number;
    headDim: number;
    nRot: number;
    nFf: number;
    nCtxTrain: number;
    rmsEps: number;
    ropeTheta: number;
  };
  tensors: { name: string; type: string; shape: number[]; offset: number; bytes: number }[];
  /** Every metadata key in file order; arrays summarised as "[N x type] first, ...". */
  metadata: { key: string; value: string }[];
  /** tokenizer.chat_template in full (the metadata list cuts long strings), or null. */
  chatTemplate: string | null;
  /** Estimated resident memory for a context of nCtx positions, in bytes. */
  memory: { nCtx: number; weights: number; kvCache: number; scratch: number; total: number };
  /** The kernel paths on this machine: a loaded model's own, else the default ones. */
  kernels: KernelPaths;
}

export interface ModelLoadOptions {
  /** 0 or absent: every hardware thread. */
  threads?: number;
  /** KV cache positions; 0 or absent: the model's training context. */
  nCtx?: number;
  /** Tokens per internal micro-batch of a prompt (memory and cancel granularity, not results). */
  nBatch?: number;
  /** Force a kernel path: scalar, avx2, avxvnni, avx512, amx, neon. */
  isa?: string;
  /** The LM head in memory: q8_0 (default), q6_k or f16. */
  head?: string;
  /** Read the metadata and tokenizer only (no weights, no context): tokenize/detokenize/info. */
  metadataOnly?: boolean;
  /** Load progress in [0, 1], on the JS thread. */
  onProgress?: (progress: number) => void;
  /** Cancels the load (it rejects with code CANCELLED). */
  cancel?: NativeCancelToken;
}

export interface NativeCancelToken {
  cancel(): void;
  readonly cancelled: boolean;
}

export interface TokenizeOptions {
  /** Prepend BOS when the file asks for it (default true). */
  addBos?: boolean;
  /** Parse special-token text into its id (default false). */
  special?: boolean;
}

export interface DetokenizeOptions {
  skipSpecial?: boolean;
}

/** Sampler and stop settings of one request; absent fields take the engine's defaults. */
export interface GenerateOptions {
  /** -1 (default): until the context is full. */
  maxTokens?: number;
  /** <= 0: greedy. Default 0.7. */
  temperature?: number;
  topK?: number;
  topP?: number;
  minP?: number;
  repeatPenalty?: number;
  repeatLastN?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  seed?: number;
  /** Generation ends before the first of these strings. */
  stop?: string[];
  /** Keep going after EOS / EOT. */
  ignoreEog?: boolean;
  /**
   * The reply continues the prompt's text (a completion, not a chat turn): a SentencePiece
   * vocabulary's first generated piece keeps its leading space ("is" + " Paris").
   */
  continuation?: boolean;
  /**
   * Prompt-lookup drafting: up to this many tokens that followed the last few tokens earlier in
   * the prompt or output are checked with each step in one batch. The output is identical to 0
   * (off, the default) for every setting; text that repeats its context comes faster. 0..64.
   */
  draftMax?: number;
  /**
   * The KV slot to run in: 0 (default) the app's own, 1 the local API's. Each slot is a context
   * of its own (the load's nCtx, nBatch, kernel path and threads; slot 1 is made by its first
   * use, which adds a KV cache and scratch to memory()), and each reuses the prefix it holds, so
   * a conversation continued in one never evicts the other's. One request runs at a time per
   * model, whichever the slot; cancel() stops it.
   */
  slot?: 0 | 1;
}

/** One generated token (id -1: text held back until the end, released as the last event). */
export interface TokenEvent {
  id: number;
  index: number;
  /** Valid UTF-8 text, possibly empty (never half a character; a possible stop string is held back). */
  text: string;
  /** Since the previous token; for the first, since the request began (time to first token). */
  ms: number;
  elapsedMs: number;
}

export type StopReason = 'eog' | 'stop_string' | 'max_tokens' | 'context_end' | 'cancelled' | 'none';

export interface GenerateResult {
  promptTokens: number;
  /** Prompt tokens already in the KV cache (a previous turn). */
  promptTokensReused: number;
  /** Prompt tokens evaluated by this request. */
  promptTokensComputed: number;
  generatedTokens: number;
  /** Drafted tokens evaluated, and of them the ones kept (draftMax > 0). */
  draftedTokens: number;
  draftTokensAccepted: number;
  ttftMs: number;
  prefillMs: number;
  decodeMs: number;
  totalMs: number;
  prefillTokensPerSecond: number;
  decodeTokensPerSecond: number;
  stopReason: StopReason;
  ids: number[];
  text: string;
}

export interface MemoryInUse {
  weights: number;
  /** Of every slot in use (GenerateOptions.slot), as scratch and total. */
  kvCache: number;
  scratch: number;
  total: number;
  nCtx: number;
  /** Positions slot 0's KV cache holds. */
  nPast: number;
  /** KV slots made: 1, 2 once slot 1 was used; 0 for a model loaded metadata-only. */
  slots: number;
  /** Positions slot 1's KV cache holds (0 until it is used). */
  nPastApi: number;
}

export interface TokenizerInfo {
  present: boolean;
  nTokens: number;
  bos: number;
  eos: number;
  eot: number;
  addBos: boolean;
}

/** A loaded model with its context. Calls reject with an Error carrying `code`. */
export interface NativeModel {
  readonly isa: string;
  readonly threads: number;
  info(): ModelDescription & { tokenizer: TokenizerInfo; nCtx: number; weightsLoaded: boolean };
  /** Logits of the last position for ids evaluated from position 0. */
  logits(ids: number[]): Promise<Float32Array>;
  /** n greedy token ids after ids (argmax, ties to the lowest id). */
  run(ids: number[], n: number): Promise<number[]>;
  setThreads(n: number): void;
  tokenize(text: string, options?: TokenizeOptions): Promise<number[]>;
  detokenize(ids: number[], options?: DetokenizeOptions & { stream?: false }): Promise<string>;
  /** One piece per id as a streaming decoder gives them (plus a last flush piece if any). */
  detokenize(ids: number[], options: DetokenizeOptions & { stream: true }): Promise<string[]>;
  /** ids: the full request (the whole conversation); the cached prefix is reused. */
  generate(ids: number[], options?: GenerateOptions, onToken?: (event: TokenEvent) => void): Promise<GenerateResult>;
  /** Stops the running generation: its promise resolves with stopReason 'cancelled'. */
  cancel(): void;
  memory(): MemoryInUse;
  /**
   * The control and user-defined tokens: tokenize() matches their text only with special: true,
   * except a SentencePiece vocabulary's user-defined tokens, which it always splits out.
   */
  specialTokens(): { id: number; text: string }[];
  /** Cancels what runs, waits for it, frees the model. */
  dispose(): Promise<void>;
}

export interface SynthOptions {
  arch: string;
  format: 'I2_S' | 'TQ1_0' | 'TQ2_0';
  nEmbd: number;
  nLayer: number;
  nHead: number;
  nHeadKv: number;
  nFf: number;
  nVocab: number;
  nCtx: number;
  ropeTheta: number;
  /** RMSNorm epsilon (default 1e-5). */
  rmsEps?: number;
  seed: number;
  /** A GGUF whose tokenizer keys are copied (its vocabulary size must equal nVocab). */
  vocabFrom?: string;
}

/**
 * A cumulative energy counter the OS gives this process, in J (only differences mean anything):
 * 'package' is the CPU package's meter (Windows' Energy Meter Interface), 'process' the OS's own
 * estimate for this process (macOS ri_energy_nj).
 */
export interface EnergyReading {
  scope: 'package' | 'process';
  joules: number;
}

/** The addon's surface, as the C++ side exports it. */
export interface NativeAddon {
  /** kernels: the default kernel paths (as kernelPaths()). */
  cpuInfo(): CpuInfo & { kernels: KernelPaths };
  inspect(file: string, nCtx?: number, options?: InspectOptions): Promise<ModelDescription>;
  /**
   * The kernel paths a model loaded with this isa (absent: the default, TERN_ISA respected) and
   * micro-batch size (absent: 64) runs; throws UNSUPPORTED for a path this CPU or build lacks.
   */
  kernelPaths(options?: { isa?: string; nBatch?: number }): KernelPaths;
  Model: { load(path: string, options?: ModelLoadOptions): Promise<NativeModel> };
  CancelToken: new () => NativeCancelToken;
  setErrorClass(cls: new (message: string, code: string) => Error): void;
  synth(path: string, options: SynthOptions): Promise<void>;
  /** The energy counter now; null where the OS gives none (Linux). Absent in builds before it. */
  energyCounter?(): EnergyReading | null;
}

const ADDON_RELATIVE = join('build', 'native', 'Release', 'tern.node');

/** Folders that may hold the addon: the app root above this file, and its unpacked twin. */
function candidates(from: string): string[] {
  const found: string[] = [];
  let dir = from;
  for (let i = 0; i < 6; i++) {
    found.push(join(dir, ADDON_RELATIVE));
    found.push(join(dir.replace(/app\.asar(?=$|[\\/])/, 'app.asar.unpacked'), ADDON_RELATIVE));
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (process.env.TERN_ADDON) found.unshift(process.env.TERN_ADDON);
  return found;
}

let cached: NativeAddon | undefined;

export function loadAddon(): NativeAddon {
  if (cached) return cached;
  const tried = candidates(__dirname);
  const path = tried.find((p) => existsSync(p));
  if (!path) {
    throw new Error(
      `the native engine (tern.node) was not found; build it with \`npm run build:native\`. Looked in:\n  ${tried.join('\n  ')}`,
    );
  }
  const require = createRequire(__filename);
  const addon = require(path) as NativeAddon;
  addon.setErrorClass(EngineError);
  cached = addon;
  return cached;
}
