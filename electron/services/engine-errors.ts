/**
 * Errors of the native engine. The addon throws these (registered with setErrorClass), so
 * callers can test `error instanceof EngineError` and switch on `code`.
 */

/** The engine's status codes, plus the addon's own (BUSY, DISPOSED). */
export type EngineErrorCode =
  | 'INVALID_ARGUMENT'
  | 'IO'
  | 'FORMAT'
  | 'UNSUPPORTED'
  | 'OUT_OF_MEMORY'
  | 'CANCELLED'
  | 'CONTEXT_FULL'
  | 'INTERNAL'
  | 'BUSY'
  | 'DISPOSED'
  /** inspect({ header: true }) of a prefix too short for the header; needBytes says how much (at least). */
  | 'NEED_MORE_BYTES';

const CODES: readonly string[] = [
  'INVALID_ARGUMENT',
  'IO',
  'FORMAT',
  'UNSUPPORTED',
  'OUT_OF_MEMORY',
  'CANCELLED',
  'CONTEXT_FULL',
  'INTERNAL',
  'BUSY',
  'DISPOSED',
  'NEED_MORE_BYTES',
];

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  /** With NEED_MORE_BYTES: the least size the file must have. */
  readonly needBytes?: number;
  constructor(message: string, code: string, needBytes?: number) {
    super(message);
    this.name = 'EngineError';
    this.code = (CODES.includes(code) ? code : 'INTERNAL') as EngineErrorCode;
    if (needBytes !== undefined) this.needBytes = needBytes;
  }
}

export function isEngineError(error: unknown, code?: EngineErrorCode): error is EngineError {
  return error instanceof EngineError && (code === undefined || error.code === code);
}
