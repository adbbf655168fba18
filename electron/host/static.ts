/**
 * Serves the built renderer (out/renderer): files by their extension's MIME type, index.html for
 * `/` and for unknown extension-less paths (the SPA fallback), nothing outside the root.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import { mimeType } from '../services/mime';

/** The Content-Security-Policy of every page: no inline or foreign scripts, WebSocket to us only. */
export function contentSecurityPolicy(wsOrigins: Iterable<string>): string {
  // CSP host sources cannot name IPv6 literals ([::1]); 'self' covers the page's own origin.
  const ws = [...wsOrigins].filter((origin) => !origin.includes('[')).map((origin) => origin.replace(/^http:/, 'ws:'));
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${ws.join(' ')}`.trim(),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export interface StaticOptions {
  /** The folder holding index.html and assets/. */
  root: string;
  /** The Content-Security-Policy header value. */
  csp: string;
}

type Resolved = { kind: 'file'; path: string; size: number } | { kind: 'error'; status: number; message: string };

export function createStaticHandler(options: StaticOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const rootReal = realpath(options.root);
  const common = {
    'Content-Security-Policy': options.csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };

  function fail(res: ServerResponse, status: number, message: string, extra: Record<string, string> = {}): void {
    res.writeHead(status, { ...common, ...extra, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(`${message}\n`);
  }

  async function resolveFile(urlPath: string): Promise<Resolved> {
    const root = await rootReal;
    const segments = urlPath.split('/').filter((s) => s.length > 0);
    if (segments.some((s) => s === '..' || s === '.')) return { kind: 'error', status: 400, message: 'bad path' };
    const wanted = join(root, ...segments);
    if (!inside(root, wanted)) return { kind: 'error', status: 400, message: 'bad path' };

    const hidden = segments.some((s) => s.startsWith('.'));
    const found = hidden ? undefined : await fileAt(root, wanted);
    if (found) return found;
    const last = segments[segments.length - 1] ?? '';
    if (segments.length === 0 || extname(last) === '') {
      const index = await fileAt(root, join(root, 'index.html'));
      if (index) return index;
    }
    return { kind: 'error', status: 404, message: 'not found' };
  }

  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      fail(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      return;
    }
    const urlPath = decodePath(req.url ?? '/');
    if (urlPath === undefined) {
      fail(res, 400, 'bad path');
      return;
    }
    resolveFile(urlPath).then(
      (resolved) => {
        if (resolved.kind === 'error') {
          fail(res, resolved.status, resolved.message);
          return;
        }
        const isHtml = resolved.path.endsWith('.html');
        const immutable = !isHtml && resolved.path.includes(`${sep}assets${sep}`);
        res.writeHead(200, {
          ...common,
          'Content-Type': mimeType(resolved.path),
          'Content-Length': String(resolved.size),
          'Cache-Control': isHtml ? 'no-store' : immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        });
        if (req.method === 'HEAD') {
          res.end();
          return;
        }
        const stream = createReadStream(resolved.path);
        stream.on('error', () => res.destroy());
        stream.pipe(res);
      },
      () => fail(res, 500, 'internal error'),
    );
  };
}

/** The decoded path of a request target, or undefined when it cannot be served safely. */
export function decodePath(target: string): string | undefined {
  const raw = target.split(/[?#]/, 1)[0] ?? '';
  if (!raw.startsWith('/')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  if (decoded.split('/').some((s) => s === '..' || s === '.')) return undefined;
  return decoded;
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** A regular file at path whose real location is still inside root. */
async function fileAt(root: string, path: string): Promise<Resolved | undefined> {
  try {
    const real = await realpath(path);
    if (!inside(root, real)) return undefined;
    const info = await stat(real);
    return info.isFile() ? { kind: 'file', path: real, size: info.size } : undefined;
  } catch {
    return undefined;
  }
}
