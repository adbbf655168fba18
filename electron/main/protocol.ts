/**
 * Serves the built renderer (out/renderer) on tern://app/. Only files under that folder, only
 * GET and HEAD, with their MIME type and the security headers; anything else is refused.
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { CustomScheme } from 'electron';
import { SECURITY_HEADERS } from './csp';
import { APP_HOST, APP_SCHEME } from './origin';
import type { ProtocolHandler, RequestLike } from './ports';
import { mimeType } from '../services/mime';

/** Registered before the app is ready: a standard, secure scheme with its own origin. */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
};

export type ReadFile = (path: string) => Promise<Uint8Array<ArrayBuffer>>;

/**
 * The file under `root` that a request names, or null when it names something outside it.
 * `/` is index.html.
 */
export function resolveAppPath(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = decoded.replace(/^\/+/, '') || 'index.html';
  const base = resolve(root);
  const full = resolve(base, relative);
  return full.startsWith(base + sep) ? full : null;
}

export function createAppProtocolHandler(root: string, readFile: ReadFile = fsReadFile): ProtocolHandler {
  return async (request: RequestLike) => {
    const url = new URL(request.url);
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'method not allowed');
    if (url.hostname !== APP_HOST) return plain(404, 'not found');
    const path = resolveAppPath(root, url.pathname);
    if (path === null) return plain(403, 'forbidden');
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = await readFile(path);
    } catch {
      return plain(404, 'not found');
    }
    const headers = { ...SECURITY_HEADERS, 'Content-Type': mimeType(path), 'Cache-Control': 'no-cache' };
    return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers });
  };
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}
