/**
 * The messages between the engine host (host.ts) and the engine process (worker.ts), with a
 * small runtime check of each side's input: neither side trusts the other, and a malformed
 * message is reported, never thrown. Plain types only (no Node imports), so both sides share it.
 */
import type { GenerateOptions, GenerateResult, ModelDescription, TokenEvent, TokenizerInfo } from '../native';
import type { BenchmarkSample, EngineUsage } from './types';

// ---- host -> worker ----

export type HostRequest =
  /** header: the file may be only the start of a model (NativeAddon.inspect's InspectOptions). */
  | { t: 'inspect'; id: number; path: string; nCtx?: number; header?: boolean }
  /** nBatch, head: as the addon's ModelLoadOptions (absent: the engine's defaults). */
  | { t: 'load'; id: number; path: string; nCtx: number; threads: number; nBatch?: number; head?: string }
  | { t: 'unload'; id: number }
  | { t: 'tokenize'; id: number; text: string; special: boolean; addBos: boolean }
  | { t: 'detokenize'; id: number; ids: number[] }
  /**
   * threads: the pool size for this request (0: every core); absent: as loaded. options.slot: the
   * KV slot (0 the app's, 1 the local API's; the host picks it from the request's source).
   */
  | { t: 'generate'; id: number; ids: number[]; options: GenerateOptions; threads?: number }
  /** A thread sweep on the loaded model (BenchmarkSweep); a 'sample' message follows each run. */
  | { t: 'benchmark'; id: number; threads: number[]; promptLengths: number[]; genTokens: number; repetitions: number }
  /** The loaded model's thread count now (the engine's pool size, 0 resolved to the cores). */
  | { t: 'threads'; id: number }
  /** The process's CPU time, memory and energy counter now: answered at once, even mid-generation. */
  | { t: 'usage'; id: number }
  /**
   * Stops the running generate or load whose request id is `id` (no result is sent for it), or
   * a benchmark after its sample in progress (its result then carries the samples so far).
   */
  | { t: 'cancel'; id: number };

export type HostRequestType = HostRequest['t'];

/** What a load resolves with, read from model.info() and model.specialTokens(). */
export interface LoadedInfo {
  description: ModelDescription;
  tokenizer: TokenizerInfo;
  nCtx: number;
  specialTokens: { id: number; text: string }[];
}

/** The value a successful result carries, per request type. */
export interface ResultValues {
  inspect: ModelDescription;
  load: LoadedInfo;
  unload: null;
  tokenize: number[];
  detokenize: string;
  generate: GenerateResult;
  benchmark: BenchmarkSample[];
  threads: number;
  usage: EngineUsage;
}

// ---- worker -> host ----

export interface WireError {
  message: string;
  /** An EngineErrorCode, or another code the worker chose. */
  code: string;
  /** With NEED_MORE_BYTES: how many bytes the header needs at least. */
  needBytes?: number;
}

export type WorkerMessage =
  | { t: 'ready'; pid: number }
  | { t: 'result'; id: number; ok: true; value: unknown }
  | { t: 'result'; id: number; ok: false; error: WireError }
  | { t: 'progress'; id: number; progress: number }
  | { t: 'token'; id: number; event: TokenEvent }
  /** A benchmark's run finished: the sample, and how many of how many are done. */
  | { t: 'sample'; id: number; sample: BenchmarkSample; done: number; total: number }
  /** Something went wrong outside any request (a malformed message arrived, for one). */
  | { t: 'warning'; message: string };

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string; id?: number };

// ---- checks ----

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInt(value: unknown, min = -Infinity): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function isIdArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => isInt(v));
}

export function isTokenEvent(value: unknown): value is TokenEvent {
  return (
    isObject(value) &&
    isInt(value.id) &&
    isInt(value.index) &&
    typeof value.text === 'string' &&
    isFiniteNumber(value.ms) &&
    isFiniteNumber(value.elapsedMs)
  );
}

/** The LM head formats Model.load accepts (LoadRequest.head). */
export const HEAD_TYPES: readonly string[] = ['q8_0', 'q6_k', 'f16'];

const NUMBER_OPTIONS = [
  'maxTokens',
  'temperature',
  'topK',
  'topP',
  'minP',
  'repeatPenalty',
  'repeatLastN',
  'frequencyPenalty',
  'presencePenalty',
  'seed',
  'draftMax',
] as const;

/** Copies the known generate options of the right type; anything else is an error. */
export function parseGenerateOptions(value: unknown): GenerateOptions | string {
  if (value === undefined) return {};
  if (!isObject(value)) return 'options must be an object';
  const out: GenerateOptions = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if ((NUMBER_OPTIONS as readonly string[]).includes(key)) {
      if (!isFiniteNumber(v)) return `options.${key} must be a number`;
      out[key as (typeof NUMBER_OPTIONS)[number]] = v;
    } else if (key === 'stop') {
      if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) return 'options.stop must be a list of strings';
      out.stop = [...(v as string[])];
    } else if (key === 'ignoreEog' || key === 'continuation') {
      if (typeof v !== 'boolean') return `options.${key} must be true or false`;
      out[key] = v;
    } else if (key === 'slot') {
      if (v !== 0 && v !== 1) return 'options.slot must be 0 or 1';
      out.slot = v;
    } else {
      return `unknown generate option "${key}"`;
    }
  }
  return out;
}

function describe(value: unknown): string {
  if (isObject(value) && typeof value.t === 'string') return `"${value.t.slice(0, 40)}"`;
  return Array.isArray(value) ? 'an array' : typeof value;
}

/** Checks a request that reached the worker. */
export function parseHostRequest(value: unknown): Parsed<HostRequest> {
  if (!isObject(value) || typeof value.t !== 'string') return { ok: false, error: `malformed request: ${describe(value)}` };
  if (!isInt(value.id, 0)) return { ok: false, error: `malformed request ${describe(value)}: no valid id` };
  const id = value.id;
  const bad = (why: string): Parsed<HostRequest> => ({ ok: false, error: `malformed ${value.t} request: ${why}`, id });
  switch (value.t) {
    case 'inspect':
      if (typeof value.path !== 'string' || value.path === '') return bad('path must be a non-empty string');
      if (value.nCtx !== undefined && !isInt(value.nCtx, 0)) return bad('nCtx must be a whole number >= 0');
      if (value.header !== undefined && typeof value.header !== 'boolean') return bad('header must be true or false');
      return {
        ok: true,
        message: {
          t: 'inspect',
          id,
          path: value.path,
          ...(value.nCtx === undefined ? {} : { nCtx: value.nCtx }),
          ...(value.header === undefined ? {} : { header: value.header }),
        },
      };
    case 'load':
      if (typeof value.path !== 'string' || value.path === '') return bad('path must be a non-empty string');
      if (!isInt(value.nCtx, 0)) return bad('nCtx must be a whole number >= 0');
      if (!isInt(value.threads, 0)) return bad('threads must be a whole number >= 0');
      if (value.nBatch !== undefined && !isInt(value.nBatch, 1)) return bad('nBatch must be a whole number >= 1');
      if (value.head !== undefined && !HEAD_TYPES.includes(value.head as string)) return bad(`head must be one of ${HEAD_TYPES.join(', ')}`);
      return {
        ok: true,
        message: {
          t: 'load',
          id,
          path: value.path,
          nCtx: value.nCtx,
          threads: value.threads,
          ...(value.nBatch === undefined ? {} : { nBatch: value.nBatch }),
          ...(value.head === undefined ? {} : { head: value.head as string }),
        },
      };
    case 'unload':
      return { ok: true, message: { t: 'unload', id } };
    case 'cancel':
      return { ok: true, message: { t: 'cancel', id } };
    case 'tokenize':
      if (typeof value.text !== 'string') return bad('text must be a string');
      if (typeof value.special !== 'boolean' || typeof value.addBos !== 'boolean') return bad('special and addBos must be true or false');
      return { ok: true, message: { t: 'tokenize', id, text: value.text, special: value.special, addBos: value.addBos } };
    case 'detokenize':
      if (!isIdArray(value.ids)) return bad('ids must be a list of whole numbers');
      return { ok: true, message: { t: 'detokenize', id, ids: value.ids } };
    case 'generate': {
      if (!isIdArray(value.ids)) return bad('ids must be a list of whole numbers');
      const options = parseGenerateOptions(value.options);
      if (typeof options === 'string') return bad(options);
      if (value.threads !== undefined && !isInt(value.threads, 0)) return bad('threads must be a whole number >= 0');
      return { ok: true, message: { t: 'generate', id, ids: value.ids, options, ...(value.threads === undefined ? {} : { threads: value.threads }) } };
    }
    case 'benchmark': {
      const intList = (v: unknown, min: number): v is number[] => Array.isArray(v) && v.length > 0 && v.length <= 1024 && v.every((n) => isInt(n, min));
      if (!intList(value.threads, 0)) return bad('threads must be a non-empty list of whole numbers >= 0');
      if (!intList(value.promptLengths, 1)) return bad('promptLengths must be a non-empty list of whole numbers >= 1');
      if (!isInt(value.genTokens, 1)) return bad('genTokens must be a whole number >= 1');
      if (!isInt(value.repetitions, 1)) return bad('repetitions must be a whole number >= 1');
      return {
        ok: true,
        message: {
          t: 'benchmark',
          id,
          threads: [...value.threads],
          promptLengths: [...value.promptLengths],
          genTokens: value.genTokens,
          repetitions: value.repetitions,
        },
      };
    }
    case 'threads':
      return { ok: true, message: { t: 'threads', id } };
    case 'usage':
      return { ok: true, message: { t: 'usage', id } };
    default:
      return bad('unknown request type');
  }
}

/** Checks a message that reached the host. */
export function parseWorkerMessage(value: unknown): Parsed<WorkerMessage> {
  if (!isObject(value) || typeof value.t !== 'string') return { ok: false, error: `malformed message from the engine: ${describe(value)}` };
  const bad = (why: string): Parsed<WorkerMessage> => ({
    ok: false,
    error: `malformed ${describe(value)} message from the engine: ${why}`,
    ...(isInt(value.id, 0) ? { id: value.id } : {}),
  });
  switch (value.t) {
    case 'ready':
      return isInt(value.pid, 0) ? { ok: true, message: { t: 'ready', pid: value.pid } } : bad('no pid');
    case 'warning':
      return typeof value.message === 'string' ? { ok: true, message: { t: 'warning', message: value.message } } : bad('no text');
    case 'result': {
      if (!isInt(value.id, 0)) return bad('no valid id');
      if (value.ok === true) return { ok: true, message: { t: 'result', id: value.id, ok: true, value: value.value } };
      if (value.ok !== false) return bad('ok must be true or false');
      const error = value.error;
      if (!isObject(error) || typeof error.message !== 'string' || typeof error.code !== 'string') return bad('error must have a message and a code');
      const needBytes = typeof error.needBytes === 'number' && Number.isFinite(error.needBytes) ? { needBytes: error.needBytes } : {};
      return { ok: true, message: { t: 'result', id: value.id, ok: false, error: { message: error.message, code: error.code, ...needBytes } } };
    }
    case 'progress':
      if (!isInt(value.id, 0)) return bad('no valid id');
      if (!isFiniteNumber(value.progress)) return bad('progress must be a number');
      return { ok: true, message: { t: 'progress', id: value.id, progress: Math.min(1, Math.max(0, value.progress)) } };
    case 'token':
      if (!isInt(value.id, 0)) return bad('no valid id');
      if (!isTokenEvent(value.event)) return bad('event is not a token event');
      return { ok: true, message: { t: 'token', id: value.id, event: value.event } };
    case 'sample':
      if (!isInt(value.id, 0)) return bad('no valid id');
      if (!isBenchmarkSample(value.sample)) return bad('sample is not a benchmark sample');
      if (!isInt(value.done, 1) || !isInt(value.total, 1) || value.done > value.total) return bad('done and total must be whole numbers, done <= total');
      return { ok: true, message: { t: 'sample', id: value.id, sample: value.sample, done: value.done, total: value.total } };
    default:
      return bad('unknown message type');
  }
}

// ---- result values (checked by the host before it resolves a request) ----

function isDescription(value: unknown): value is ModelDescription {
  return isObject(value) && typeof value.arch === 'string' && isObject(value.hparams) && Array.isArray(value.tensors);
}

function isTokenizerInfo(value: unknown): value is TokenizerInfo {
  return isObject(value) && typeof value.present === 'boolean' && isInt(value.bos) && isInt(value.eos) && isInt(value.eot) && typeof value.addBos === 'boolean';
}

function isLoadedInfo(value: unknown): value is LoadedInfo {
  return (
    isObject(value) &&
    isDescription(value.description) &&
    isTokenizerInfo(value.tokenizer) &&
    isInt(value.nCtx, 0) &&
    Array.isArray(value.specialTokens) &&
    value.specialTokens.every((s) => isObject(s) && isInt(s.id) && typeof s.text === 'string')
  );
}

function isGenerateResult(value: unknown): value is GenerateResult {
  return isObject(value) && typeof value.stopReason === 'string' && isIdArray(value.ids) && typeof value.text === 'string' && isInt(value.generatedTokens, 0);
}

export function isBenchmarkSample(value: unknown): value is BenchmarkSample {
  return (
    isObject(value) &&
    isInt(value.threads, 0) &&
    isInt(value.repetition, 1) &&
    isInt(value.promptTokens, 0) &&
    isFiniteNumber(value.ttftMs) &&
    isFiniteNumber(value.prefillTokensPerSecond) &&
    isFiniteNumber(value.decodeTokensPerSecond)
  );
}

function isEnergy(value: unknown): value is EngineUsage['energy'] {
  return value === null || (isObject(value) && (value.scope === 'package' || value.scope === 'process') && isFiniteNumber(value.joules));
}

function isUsage(value: unknown): value is EngineUsage {
  return (
    isObject(value) &&
    isInt(value.pid, 0) &&
    isFiniteNumber(value.cpuMs) &&
    isFiniteNumber(value.rssBytes) &&
    isFiniteNumber(value.baseRssBytes) &&
    (value.modelBytes === null || isFiniteNumber(value.modelBytes)) &&
    isEnergy(value.energy)
  );
}

const RESULT_CHECKS: { [K in keyof ResultValues]: (value: unknown) => boolean } = {
  inspect: isDescription,
  load: isLoadedInfo,
  unload: (v) => v === null || v === undefined,
  tokenize: isIdArray,
  detokenize: (v) => typeof v === 'string',
  generate: isGenerateResult,
  benchmark: (v) => Array.isArray(v) && v.every(isBenchmarkSample),
  threads: (v) => isInt(v, 0),
  usage: isUsage,
};

/** Whether a result value has the shape the request type promises. */
export function isResultValue<K extends keyof ResultValues>(kind: K, value: unknown): value is ResultValues[K] {
  return RESULT_CHECKS[kind](value);
}
