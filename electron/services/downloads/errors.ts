/** What can go wrong in a download, in words, and whether trying again may help. */
import { UrlNotAllowedError } from './http';

export type DownloadErrorCode = 'auth' | 'not-found' | 'disk-full' | 'bad-hash' | 'refused' | 'url' | 'network' | 'http';

export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  readonly code: DownloadErrorCode;
  /** A dropped connection or a server error: worth another try after a pause. */
  readonly retryable: boolean;

  constructor(message: string, options: { code?: DownloadErrorCode; retryable?: boolean } = {}) {
    super(message);
    this.retryable = options.retryable ?? false;
    this.code = options.code ?? (this.retryable ? 'network' : 'http');
  }

  /** Any error from a request as a DownloadError; an abort is passed through untouched. */
  static from(error: unknown, context: string): Error {
    if (error instanceof DownloadError || isAbort(error)) return error as Error;
    if (error instanceof UrlNotAllowedError) return new DownloadError(error.message, { code: 'url' });
    if (isDiskFull(error)) return diskFull();
    const message = error instanceof Error ? error.message : String(error);
    return new DownloadError(`${context}: ${message}`, { retryable: true });
  }
}

export function diskFull(): DownloadError {
  return new DownloadError('the disk is full: free some space, then resume', { code: 'disk-full' });
}

export function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

export function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as NodeJS.ErrnoException).code === 'ABORT_ERR');
}
