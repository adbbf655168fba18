/**
 * The messages between the engine host (host.ts) and the engine process (worker.ts), with a
 * small runtime check of each side's input: neither side trusts the other, and a malformed
 * message is reported, never thrown. Plain types only (no Node imports), so both sides share it.
 */
import type { GenerateOptions, GenerateResult, ModelDescription, TokenEvent, TokenizerInfo } from '../native';

// ---- host -> worker ----

export type HostRequest =
  /** header: the file may be only the start of a model (NativeAddon.inspect's InspectOptions). */
  | { t: 'inspect'; id: number; path: string; nCtx?: number; header?: boolean }
  | { t: 'load'; id: number; path: string; nCtx: number; threads: number }
  | { t: 'unload'; id: number }
  | { t: 'tokenize'; id: number; text: string; special: boolean; addBos: boolean }
  | { t: 'detokenize'; id: number; ids: number[] }
  | { t: 'generate'; id: number; ids: number[]; options: GenerateOptions }
  /** Stops the running generate or load whose request id is `id` (no result is sent for it). */
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
    } else if (key === 'ignoreEog') {
      if (typeof v !== 'boolean') return 'options.ignoreEog must be true or false';
      out.ignoreEog = v;
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
      return { ok: true, message: { t: 'load', id, path: value.path, nCtx: value.nCtx, threads: value.threads } };
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
      return { ok: true, message: { t: 'generate', id, ids: value.ids, options } };
    }
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

const RESULT_CHECKS: { [K in keyof ResultValues]: (value: unknown) => boolean } = {
  inspect: isDescription,
  load: isLoadedInfo,
  unload: (v) => v === null || v === undefined,
  tokenize: isIdArray,
  detokenize: (v) => typeof v === 'string',
  generate: isGenerateResult,
};

/** Whether a result value has the shape the request type promises. */
export function isResultValue<K extends keyof ResultValues>(kind: K, value: unknown): value is ResultValues[K] {
  return RESULT_CHECKS[kind](value);
}
