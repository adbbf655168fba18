/**
 * The downloads settings typed into Settings, checked before they go to the host: the hub's
 * endpoint (the host only fetches over HTTPS, or plain HTTP to this computer) and the path of a
 * new models folder.
 */

/** How many downloads run at once (AppSettings.parallelDownloads). */
export const PARALLEL_RULE = { min: 1, max: 8, integer: true };

export type ParsedText<T> = { ok: true; value: T } | { ok: false; error: string };

const MAX_ENDPOINT = 2048;
const MAX_PATH = 4096;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function isLoopback(url: URL): boolean {
  return LOOPBACK.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
}

/** The endpoint typed: empty for the default (null), else an https URL (http only to this computer). */
export function parseHubEndpoint(text: string): ParsedText<string | null> {
  const trimmed = text.trim();
  if (!trimmed) return { ok: true, value: null };
  if (trimmed.length > MAX_ENDPOINT) return { ok: false, error: `Enter at most ${MAX_ENDPOINT} characters.` };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, error: 'Enter a URL starting with https://, or leave it empty.' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, error: 'Enter a URL starting with https://, or leave it empty.' };
  }
  if (url.protocol === 'http:' && !isLoopback(url)) {
    return { ok: false, error: 'Use https://: plain http is only allowed to this computer (localhost or 127.0.0.1).' };
  }
  if (url.username || url.password) {
    return { ok: false, error: 'Leave the name and password out of the URL; save a token instead.' };
  }
  return { ok: true, value: trimmed };
}

/** A full path: /… on Linux and macOS, C:\… or \\server\share\… on Windows. */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\');
}

/** The new models folder typed: a full path other than the current folder. */
export function parseFolderPath(text: string, current: string | null): ParsedText<string> {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, error: 'Enter the full path of a folder.' };
  if (trimmed.length > MAX_PATH) return { ok: false, error: `Enter at most ${MAX_PATH} characters.` };
  if (!isAbsolutePath(trimmed)) return { ok: false, error: 'Enter a full path, starting with / (or a drive letter on Windows).' };
  if (current !== null && withoutTrailingSeparator(trimmed) === withoutTrailingSeparator(current)) {
    return { ok: false, error: 'That is already the models folder.' };
  }
  return { ok: true, value: trimmed };
}

function withoutTrailingSeparator(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  return trimmed || path;
}
