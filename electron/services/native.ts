/**
 * Loads the native addon (build/native/Release/tern.node) in plain Node, in Electron's main or
 * utility process, and from a packaged app (where it sits in app.asar.unpacked).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { CpuInfo } from '../common/contract';

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
  fileBytes: number;
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
  /** Estimated resident memory for a context of nCtx positions, in bytes. */
  memory: { nCtx: number; weights: number; mapped: number; kvCache: number; scratch: number; total: number };
}

export interface ModelLoadOptions {
  /** 0 or absent: every hardware thread. */
  threads?: number;
  /** KV cache positions; 0 or absent: the model's training context. */
  nCtx?: number;
  /** Force a kernel path: scalar, avx2, avx512, neon. */
  isa?: string;
}

/** A loaded model with its context. Calls reject with an Error carrying `code`. */
export interface NativeModel {
  readonly isa: string;
  readonly threads: number;
  info(): ModelDescription;
  /** Logits of the last position for ids evaluated from position 0. */
  logits(ids: number[]): Promise<Float32Array>;
  /** n greedy token ids after ids (argmax, ties to the lowest id). */
  run(ids: number[], n: number): Promise<number[]>;
  setThreads(n: number): void;
  dispose(): void;
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
  seed: number;
  /** A GGUF whose tokenizer keys are copied (its vocabulary size must equal nVocab). */
  vocabFrom?: string;
}

/** Engine errors: `code` is the engine's status (FORMAT, UNSUPPORTED, IO, CONTEXT_FULL, ...). */
export interface EngineError extends Error {
  code: string;
}

/** The addon's surface, as the C++ side exports it. */
export interface NativeAddon {
  cpuInfo(): CpuInfo;
  inspect(file: string, nCtx?: number): Promise<ModelDescription>;
  Model: { load(path: string, options?: ModelLoadOptions): Promise<NativeModel> };
  synth(path: string, options: SynthOptions): Promise<void>;
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
  cached = require(path) as NativeAddon;
  return cached;
}
