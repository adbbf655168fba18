import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { persistentToken, readToken, saveToken } from '../../../electron/host/token';
import { contentSecurityPolicy } from '../../../electron/host/static';

describe('persistentToken', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'tern-token-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps one token per data folder, readable by its owner only', () => {
    const dir = tempDir();
    const first = persistentToken(dir);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(persistentToken(dir)).toBe(first);
    if (process.platform !== 'win32') expect(statSync(join(dir, 'host-token')).mode & 0o777).toBe(0o600);
    expect(persistentToken(tempDir())).not.toBe(first);
  });

  it('makes a new token when asked, and replaces a damaged file', () => {
    const dir = tempDir();
    const first = persistentToken(dir);
    const rotated = persistentToken(dir, true);
    expect(rotated).not.toBe(first);
    expect(persistentToken(dir)).toBe(rotated);
    writeFileSync(join(dir, 'host-token'), 'not a token');
    const replaced = persistentToken(dir);
    expect(replaced).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(join(dir, 'host-token'), 'utf8').trim()).toBe(replaced);
  });
});

describe('readToken and saveToken', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('reads without writing anything; only saveToken writes', () => {
    const parent = mkdtempSync(join(tmpdir(), 'tern-token-'));
    dirs.push(parent);
    const dir = join(parent, 'data');
    const fresh = readToken(dir);
    expect(fresh.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fresh.unsaved).toBe(true);
    expect(existsSync(dir)).toBe(false);

    saveToken(dir, fresh.token);
    expect(readToken(dir)).toEqual({ token: fresh.token, unsaved: false });
    if (process.platform !== 'win32') expect(statSync(join(dir, 'host-token')).mode & 0o777).toBe(0o600);

    const rotated = readToken(dir, true);
    expect(rotated.unsaved).toBe(true);
    expect(rotated.token).not.toBe(fresh.token);
    expect(readFileSync(join(dir, 'host-token'), 'utf8').trim()).toBe(fresh.token);

    writeFileSync(join(dir, 'host-token'), 'damaged');
    expect(readToken(dir).unsaved).toBe(true);
    expect(readFileSync(join(dir, 'host-token'), 'utf8')).toBe('damaged');
  });
});

describe('contentSecurityPolicy', () => {
  it('lists WebSocket origins but never an IPv6 literal, which CSP cannot express', () => {
    const csp = contentSecurityPolicy(['http://127.0.0.1:4310', 'http://[::1]:4310', 'http://localhost:4310']);
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:4310 ws://localhost:4310");
    expect(csp).not.toContain('[::1]');
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  });
});
