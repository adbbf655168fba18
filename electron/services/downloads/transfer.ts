/**
 * One attempt at moving a file's bytes into its partial file: a Range request from the partial
 * file's size, appended on 206; a server that ignores Range (200) starts the file over; 416 at
 * the full size means it was already complete. The partial file only ever holds a prefix of the
 * file, so any stop (pause, a dropped connection, a kill -9) resumes from its size.
 */
import { type WriteStream, createWriteStream, statSync } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DownloadError, diskFull, isAbort, isDiskFull } from './errors';
import type { HttpClient } from './http';
import { unquote } from './hub';

export interface TransferOptions {
  http: HttpClient;
  url: string;
  token: { value: string; origin: string } | null;
  partPath: string;
  /** The validator from the first response (direct URLs): a changed file is sent whole instead of spliced. */
  etag: string | null;
  signal: AbortSignal;
  /** The bytes in the partial file, as they land. */
  onProgress(received: number): void;
  /** What the response said of the whole file, before its body. */
  onStart?(info: { totalBytes: number | null; etag: string | null; received: number }): void;
  /** Opens the partial file; tests inject a full disk here. */
  openFile?: (path: string, flags: 'a' | 'w') => WriteStream;
}

export interface TransferResult {
  totalBytes: number;
  etag: string | null;
}

export function partSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export async function transfer(options: TransferOptions): Promise<TransferResult> {
  const { http, partPath, signal } = options;
  const open = options.openFile ?? ((path, flags) => createWriteStream(path, { flags }));
  let offset = partSize(partPath);
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (offset > 0) {
    headers.range = `bytes=${offset}-`;
    if (options.etag && !options.etag.startsWith('W/')) headers['if-range'] = `"${options.etag}"`;
  }

  let response;
  try {
    response = await http.request(options.url, { headers, token: options.token, signal });
  } catch (error) {
    throw DownloadError.from(error, 'the download could not start');
  }
  const { status } = response;
  const etag = unquote(response.headers.etag);

  if (status === 416) {
    await response.body.dump();
    const total = totalFromContentRange(response.headers['content-range']);
    if (total !== null && offset === total) return { totalBytes: total, etag: options.etag };
    // The partial file is longer than the file (it changed on the server): start over.
    open(partPath, 'w').close();
    throw new DownloadError('the file on the server changed size; starting over', { retryable: true });
  }
  if (status === 401 || status === 403) {
    await response.body.dump();
    throw new DownloadError(`the server refused the download (${status}): it needs a token or has no access for it`, { code: 'auth' });
  }
  if (status === 404) {
    await response.body.dump();
    throw new DownloadError(`the server has no such file (404): ${redact(response.url)}`, { code: 'not-found' });
  }
  if (status !== 200 && status !== 206) {
    await response.body.dump();
    throw new DownloadError(`the server answered ${status}`, { retryable: status >= 500 || status === 429 || status === 408 });
  }

  let flags: 'a' | 'w' = 'a';
  let total: number | null;
  if (status === 206) {
    const range = parseContentRange(response.headers['content-range']);
    if (!range || range.start !== offset) {
      await response.body.dump();
      throw new DownloadError(`the server sent a range that does not start at byte ${offset}`, { retryable: true });
    }
    total = range.total;
  } else {
    // 200: the whole file (no Range asked, Range ignored, or the file changed since): start over.
    flags = 'w';
    offset = 0;
    const length = response.headers['content-length'];
    total = length !== undefined && /^\d+$/.test(length) ? Number(length) : null;
  }
  options.onStart?.({ totalBytes: total, etag: etag ?? options.etag, received: offset });

  let received = offset;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      done(null, chunk);
    },
  });
  const file = open(partPath, flags);
  let landed = offset;
  const report = (): void => {
    const now = offset + file.bytesWritten;
    if (now !== landed) {
      landed = now;
      options.onProgress(now);
    }
  };
  const timer = setInterval(report, 100);
  try {
    await pipeline(response.body, count, file, { signal });
  } catch (error) {
    if (isDiskFull(error)) throw diskFull();
    if (isAbort(error) || signal.aborted) throw signal.reason instanceof Error ? signal.reason : error;
    throw DownloadError.from(error, 'the connection was lost');
  } finally {
    clearInterval(timer);
    report();
  }
  const size = partSize(partPath);
  if (total !== null && size < total) throw new DownloadError(`the connection closed after ${size} of ${total} bytes`, { retryable: true });
  if (total !== null && size > total) {
    open(partPath, 'w').close();
    throw new DownloadError('the server sent more bytes than the file has; starting over', { retryable: true });
  }
  return { totalBytes: total ?? size, etag: etag ?? options.etag };
}

function parseContentRange(value: string | undefined): { start: number; total: number | null } | null {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value?.trim() ?? '');
  if (!match) return null;
  return { start: Number(match[1]), total: match[3] === '*' ? null : Number(match[3]) };
}

function totalFromContentRange(value: string | undefined): number | null {
  const match = /^bytes \*\/(\d+)$/.exec(value?.trim() ?? '');
  return match ? Number(match[1]) : null;
}

/** A URL without its query (signed CDN URLs carry credentials there). */
function redact(url: string): string {
  return url.replace(/\?.*$/, '');
}
