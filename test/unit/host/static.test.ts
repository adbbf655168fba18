import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePath } from '../../../electron/host/static';
import { type RunningHost, startHost } from '../../../electron/host/server';
import { fakeBackend, rendererDir } from './helpers';

let host: RunningHost;

/** A raw HTTP request: the path goes out exactly as written (no URL normalisation). */
function get(path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  host = await startHost({ rendererDir: rendererDir().root, port: 0, backend: fakeBackend() });
});
afterAll(() => host.close());

describe('static serving of the renderer', () => {
  it('serves index.html at / with a strict CSP', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('Tern test');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain(`ws://127.0.0.1:${host.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves the page URL with its token query', async () => {
    const res = await get(`/?token=${host.token}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('Tern test');
  });

  it('gives each asset its MIME type', async () => {
    expect((await get('/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get('/assets/icon.svg')).headers['content-type']).toBe('image/svg+xml');
    const head = await get('/assets/app.js', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe(String('console.log("app");'.length));
  });

  it('falls back to index.html for app routes, and 404s missing files', async () => {
    const route = await get('/conversations/c1');
    expect(route.status).toBe(200);
    expect(route.body).toContain('Tern test');
    expect((await get('/assets/missing.js')).status).toBe(404);
  });

  it('never serves anything outside its folder', async () => {
    for (const path of [
      '/../package.json',
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/package.json',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/..%5csecret.txt',
      '/%00index.html',
      '/%zz',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.body, path).not.toContain('SECRET');
      expect(res.body, path).not.toContain('"secret"');
    }
  });

  it('allows only GET and HEAD', async () => {
    const res = await get('/', 'POST');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('decodes paths strictly', () => {
    expect(decodePath('/a%20b.js?x=1')).toBe('/a b.js');
    expect(decodePath('/%2e%2e/x')).toBeUndefined();
    expect(decodePath('x')).toBeUndefined();
    expect(decodePath('/a\\b')).toBeUndefined();
  });
});
