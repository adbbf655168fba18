/**
 * `tern serve` as a real process: the built CLI (out/main/cli.js, rebuilt here when older than
 * the sources), the real services on a temp data folder, the contract over WebSocket.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrapApi } from '../../../electron/common/contract';
import { createWsTransport, type WsTransport } from '../../../renderer/src/api/ws-transport';

const root = resolve(__dirname, '../../..');
const cli = join(root, 'bin', 'tern.cjs');
const LINE = /^Tern is serving on (http:\/\/127\.0\.0\.1:(\d+))\/\?token=([A-Za-z0-9_-]{43})$/;

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|tsx|css|html)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function ensureBuilt(): void {
  const outputs = [join(root, 'out', 'main', 'cli.js'), join(root, 'out', 'renderer', 'index.html')];
  const built = outputs.every((p) => existsSync(p)) ? Math.min(...outputs.map((p) => statSync(p).mtimeMs)) : 0;
  const sources = Math.max(newestSource(join(root, 'electron')), newestSource(join(root, 'renderer')));
  if (built > sources) return;
  execFileSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: root,
    stdio: 'pipe',
  });
}

interface Served {
  child: ChildProcess;
  origin: string;
  port: number;
  token: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `tern serve` and waits for its line; rejects with its stderr if it exits first. */
function startServe(dataDir: string, extra: string[] = []): Promise<Served> {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--data-dir', dataDir, ...extra], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`tern serve printed no URL in time\n${err}`)), 20_000);
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const first = out.split('\n')[0] ?? '';
      const match = out.includes('\n') ? LINE.exec(first) : null;
      if (!match) return;
      clearTimeout(timer);
      resolvePromise({
        child,
        origin: match[1] ?? '',
        port: Number(match[2]),
        token: match[3] ?? '',
        stdout: () => out,
        stderr: () => err,
        exited,
      });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`tern serve exited with ${code} before printing its URL\n${err}`));
    });
  });
}

/** Runs `tern serve` expecting it to refuse: its exit code and stderr. */
function refusedServe(args: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, [cli, 'serve', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((done) => child.once('exit', (code) => done({ code, stderr, stdout })));
}

function apiFor(served: Served): { transport: WsTransport; api: ReturnType<typeof unwrapApi> } {
  const origin = served.origin;
  const transport = createWsTransport({
    url: `ws://127.0.0.1:${served.port}/ws?token=${served.token}`,
    WebSocket: class extends WebSocket {
      constructor(url: string) {
        super(url, { origin });
      }
    },
    connectTimeoutMs: 5000,
  });
  return { transport, api: unwrapApi(transport.api) };
}

const dataDir = mkdtempSync(join(tmpdir(), 'tern-serve-'));
const running: ChildProcess[] = [];

beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('tern serve (a real process)', () => {
  it('prints one URL line, serves the UI and the contract, refuses a second owner, and stops cleanly', async () => {
    const first = await startServe(dataDir);
    running.push(first.child);
    expect(first.stdout().trim().split('\n')).toHaveLength(1);
    expect(first.stderr()).toContain(dataDir);

    const page = await fetch(`${first.origin}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");

    const { transport, api } = apiFor(first);
    const info = await api.getAppInfo({});
    expect(info.host).toBe('headless');
    expect(info.dataDir).toBe(dataDir);
    const created = await api.createConversation({ title: 'Survives restarts' });

    // A second host on the same folder, while the first runs: refused, naming the owner.
    const second = await refusedServe(['--port', '0', '--data-dir', dataDir]);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain(`tern serve on ${first.origin}`);
    expect(second.stdout).toBe('');

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.stderr()).toContain('SIGTERM');
    expect(existsSync(join(dataDir, 'tern.lock'))).toBe(false);
    transport.close();

    // Afterwards the folder is free again, and the data is still there.
    const again = await startServe(dataDir);
    running.push(again.child);
    const next = apiFor(again);
    const listed = await next.api.listConversations({});
    expect(listed.map((c) => c.id)).toContain(created.id);
    next.transport.close();
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
  });

  it('will not bind a non-loopback address without --allow-remote', async () => {
    const result = await refusedServe(['--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('--allow-remote');
    expect(result.stdout).toBe('');
  });

  it('refuses bad options with a message', async () => {
    const result = await refusedServe(['--port', 'eighty']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--port must be a whole number/);
  });
});
