/**
 * What the library keeps of an inspected file: the facts the picker shows, or why the engine
 * cannot run it. Stored as JSON in the model file cache.
 */
import { isEngineError } from '../engine-errors';
import type { ModelDescription } from '../native';

export type Inspection =
  | {
      ok: true;
      arch: string;
      name: string | null;
      weightType: string;
      parameters: number;
      contextLength: number;
    }
  | { ok: false; problem: string };

/** Architectures the engine runs (native/src/model). */
const RUNNABLE_ARCHS = new Set(['bitnet-b1.58', 'bitnet-25', 'bitnet', 'llama']);

export function fromDescription(description: ModelDescription): Inspection {
  if (!RUNNABLE_ARCHS.has(description.arch)) {
    return { ok: false, problem: `the engine does not run the ${description.arch} architecture` };
  }
  if (description.tensors.length === 0) {
    return { ok: false, problem: 'the file holds a tokenizer but no weights' };
  }
  if (!description.metadata.some((m) => m.key === 'tokenizer.ggml.tokens')) {
    return { ok: false, problem: 'the file has no tokenizer, so text cannot be turned into tokens' };
  }
  return {
    ok: true,
    arch: description.arch,
    name: description.name.trim() || null,
    weightType: description.weightType,
    parameters: description.nParams,
    contextLength: description.hparams.nCtxTrain,
  };
}

/** A failed inspection in words: the engine's own message, made a sentence. */
export function fromError(error: unknown): Extract<Inspection, { ok: false }> {
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, problem: message.replace(/^\w/, (c) => c.toLowerCase()).replace(/\.$/, '') };
}

export function isInspection(value: unknown): value is Inspection {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v.ok === false) return typeof v.problem === 'string';
  return v.ok === true && typeof v.arch === 'string' && typeof v.weightType === 'string' && typeof v.parameters === 'number';
}

/** Whether an inspection's error is the engine's verdict on the file (not a crash, a closed or a missing engine). */
export function isFileVerdict(error: unknown): boolean {
  return isEngineError(error, 'FORMAT') || isEngineError(error, 'UNSUPPORTED');
}
