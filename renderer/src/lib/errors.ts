import type { ErrorCode } from './contract';

/** A one-line, human-readable description of whatever a call threw. */
export function describeError(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  if (typeof error === 'string' && error) return error;
  return 'Something went wrong.';
}

/** The TernError code of what a call threw, or null (read by shape: no contract import here). */
export function errorCode(error: unknown): ErrorCode | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? (code as ErrorCode) : null;
}

/** The call failed because the connection to the host dropped (it may not have arrived). */
export function isDisconnected(error: unknown): boolean {
  return errorCode(error) === 'DISCONNECTED';
}
