/**
 * `tern serve` as a real process: the built CLI (out/main/cli.js, rebuilt here when older than
 * the sources), the real services on a temp data folder, the contract over WebSocket.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function exitsWithin(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((done) => setTimeout(done, 100));
  }
  return !isAlive(pid);
}

const dataDir = mkdtempSync(join(tmpdir(), 'tern-serve-'));
const running: ChildProcess[] = [];
/** Hosts started by npm, by pid: killed at the end if a test left one running. */
const orphans: number[] = [];
const scratch: string[] = [];

beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  for (const pid of orphans) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
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

  it('writes nothing into the data folder when its port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    try {
      const port = (blocker.address() as AddressInfo).port;
      const parent = mkdtempSync(join(tmpdir(), 'tern-serve-port-'));
      scratch.push(parent);
      const fresh = join(parent, 'data');
      const result = await refusedServe(['--port', String(port), '--data-dir', fresh]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('already in use');
      expect(result.stdout).toBe('');
      expect(existsSync(fresh)).toBe(false);
    } finally {
      await new Promise((done) => blocker.close(done));
    }
  });

  it("a host refused for a data folder in use leaves the running host's token alone, even with --new-token", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tern-serve-token-'));
    scratch.push(dir);
    const first = await startServe(dir);
    running.push(first.child);
    const tokenFile = join(dir, 'host-token');
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(first.token);

    for (const extra of [['--new-token'], []]) {
      const second = await refusedServe(['--port', '0', '--data-dir', dir, ...extra]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('in use by tern serve');
      expect(readFileSync(tokenFile, 'utf8').trim()).toBe(first.token);
    }
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    // Once it really serves, --new-token does replace the saved token.
    const rotated = await startServe(dir, ['--new-token']);
    running.push(rotated.child);
    expect(rotated.token).not.toBe(first.token);
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(rotated.token);
    rotated.child.kill('SIGTERM');
    expect(await rotated.exited).toBe(0);
  });

  it('`npm run serve` stopped by npm\'s pid stops the host too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tern-serve-npm-'));
    scratch.push(dir);
    const npm = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'serve', '--', '--port', '0', '--data-dir', dir], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.push(npm);
    let out = '';
    let err = '';
    npm.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    await new Promise<void>((done, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm run serve printed no URL in time\n${err}`)), 30_000);
      npm.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (!/^Tern is serving on http:\/\/127\.0\.0\.1:\d+\/\?token=\S+$/m.test(out)) return;
        clearTimeout(timer);
        done();
      });
    });
    // The host names itself in the data folder's lock.
    const host = (JSON.parse(readFileSync(join(dir, 'tern.lock'), 'utf8')) as { pid: number }).pid;
    orphans.push(host);
    expect(host).not.toBe(npm.pid);
    expect(isAlive(host)).toBe(true);

    npm.kill('SIGTERM');
    expect(await exitsWithin(host, 8000)).toBe(true);
    expect(existsSync(join(dir, 'tern.lock'))).toBe(false);
    expect(err).toContain('shutting down');
  }, 60_000);

  it('refuses bad options with a message', async () => {
    const result = await refusedServe(['--port', 'eighty']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--port must be a whole number/);
  });
});
