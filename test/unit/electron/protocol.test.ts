import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler, resolveAppPath } from '../../../electron/main/protocol';
import { mimeType } from '../../../electron/services/mime';
import type { ProtocolHandler } from '../../../electron/main/ports';

let base: string;
let root: string;
let handler: ProtocolHandler;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'tern-protocol-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Tern</title>');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(join(root, 'assets', 'my file.svg'), '<svg/>');
  writeFileSync(join(base, 'secret.txt'), 'secret');
  mkdirSync(join(base, 'renderer-evil'));
  writeFileSync(join(base, 'renderer-evil', 'x.js'), 'evil');
  handler = createAppProtocolHandler(root);
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

describe('tern:// protocol', () => {
  it('is registered as a standard, secure scheme', () => {
    expect(APP_SCHEME_PRIVILEGES.scheme).toBe('tern');
    expect(APP_SCHEME_PRIVILEGES.privileges).toMatchObject({ standard: true, secure: true });
    expect(APP_SCHEME_PRIVILEGES.privileges?.bypassCSP).toBeFalsy();
  });

  it('serves index.html at the root and by name, with the CSP', async () => {
    for (const url of ['tern://app/', 'tern://app', 'tern://app/index.html', 'tern://app/index.html?x=1#top']) {
      const response = await get(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).toContain('<title>Tern</title>');
    }
  });

  it('serves assets with their MIME types', async () => {
    const js = await get('tern://app/assets/index-abc.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('console.log(1)');
    expect((await get('tern://app/assets/index-abc.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const svg = await get('tern://app/assets/my%20file.svg');
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
  });

  it('answers 404 for missing files, folders and other hosts', async () => {
    expect((await get('tern://app/nope.js')).status).toBe(404);
    expect((await get('tern://app/assets')).status).toBe(404);
    expect((await get('tern://other/index.html')).status).toBe(404);
  });

  it('never serves a file outside the renderer folder', async () => {
    const attempts = [
      'tern://app/..%2fsecret.txt',
      'tern://app/%2e%2e%2fsecret.txt',
      'tern://app/assets/..%2f..%2fsecret.txt',
      'tern://app/..%2frenderer-evil/x.js',
      'tern://app/%2fetc%2fpasswd',
      'tern://app/..%5csecret.txt',
      'tern://app/index.html%00.js',
      'tern://app/%E0%A4%A',
    ];
    for (const url of attempts) {
      const response = await get(url);
      expect(response.status, url).not.toBe(200);
      expect(await response.text(), url).not.toMatch(/secret|evil|root:/);
    }
    // The URL parser itself folds plain dot segments back under the root.
    const folded = await get('tern://app/../../secret.txt');
    expect(folded.status).toBe(404);
  });

  it('allows GET and HEAD only', async () => {
    expect((await get('tern://app/index.html', 'POST')).status).toBe(405);
    const head = await get('tern://app/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});

describe('resolveAppPath', () => {
  it('maps paths under the root and refuses the rest', () => {
    expect(resolveAppPath('/srv/r', '/')).toBe('/srv/r/index.html');
    expect(resolveAppPath('/srv/r', '/a/b.js')).toBe('/srv/r/a/b.js');
    expect(resolveAppPath('/srv/r', '/a/../b.js')).toBe('/srv/r/b.js');
    expect(resolveAppPath('/srv/r', '/../r2/x')).toBeNull();
    expect(resolveAppPath('/srv/r', '/%2e%2e/x')).toBeNull();
    expect(resolveAppPath('/srv/r', '/%')).toBeNull();
    expect(resolveAppPath('/srv/r', '/a%00b')).toBeNull();
  });

  it('knows the MIME types the renderer build uses', () => {
    expect(mimeType('a.mjs')).toBe('text/javascript; charset=utf-8');
    expect(mimeType('a.WOFF2')).toBe('font/woff2');
    expect(mimeType('a.png')).toBe('image/png');
    expect(mimeType('a.json')).toBe('application/json; charset=utf-8');
    expect(mimeType('noext')).toBe('application/octet-stream');
  });
});
