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
  | 'DISPOSED';

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
];

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  constructor(message: string, code: string) {
    super(message);
    this.name = 'EngineError';
    this.code = (CODES.includes(code) ? code : 'INTERNAL') as EngineErrorCode;
  }
}

export function isEngineError(error: unknown, code?: EngineErrorCode): error is EngineError {
  return error instanceof EngineError && (code === undefined || error.code === code);
}
