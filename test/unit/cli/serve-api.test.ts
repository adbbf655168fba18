/**
 * `tern serve --api`: the built CLI as a real process on a temp data folder. The local API's
 * address (or why it is not serving) goes to stderr; stdout keeps its one line, the page URL.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { type AddressInfo, type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bin, root, tern } from './helpers';

const PAGE_LINE = /^Tern is serving on http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/;
const API_LINE = /^tern serve: local API on (http:\/\/127\.0\.0\.1:(\d+)\/v1)$/m;
const NOT_SERVING = /^tern serve: local API not serving: .+$/m;

/** The CLI and the renderer it serves, rebuilt when missing or older than the sources. */
function ensureBuilt(): void {
  const outputs = [join(root, 'out', 'main', 'cli.js'), join(root, 'out', 'renderer', 'index.html')];
  const sources = [join(root, 'electron'), join(root, 'renderer', 'src')].map(newest);
  if (outputs.every((p) => existsSync(p) && statSync(p).mtimeMs > Math.max(...sources))) return;
  execFileSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'pipe' });
}

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else if (/\.(ts|tsx|css|html)$/.test(entry.name)) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

interface Serving {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const children = new Set<ChildProcess>();
const scratch: string[] = [];
let blocker: Server | null = null;

beforeAll(() => ensureBuilt(), 180_000);

afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((done) => (blocker ? blocker.close(() => done()) : done()));
  blocker = null;
});

/** Starts `tern serve --port 0` on a new data folder; resolves once stderr matches `until`. */
function startServe(args: string[], until: RegExp): Promise<Serving> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tern-serve-api-'));
  scratch.push(dataDir);
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', dataDir, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tern serve did not say ${until} in time\nstdout: ${out}\nstderr: ${err}`)), 25_000);
    const check = () => {
      if (!until.test(err)) return;
      clearTimeout(timer);
      resolve({ child, stdout: () => out, stderr: () => err, exited });
    };
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      check();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`tern serve exited with ${code}\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}

/** stdout's lines, once the page URL's line has been written (it may come after the API's line). */
async function stdoutLines(serving: Serving): Promise<string[]> {
  const until = Date.now() + 10_000;
  while (!serving.stdout().includes('\n') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  return serving.stdout().split('\n').filter((line) => line.length > 0);
}

async function stop(serving: Serving): Promise<number | null> {
  serving.child.kill('SIGTERM');
  return serving.exited;
}

describe('tern serve --api', () => {
  it('--api --api-port 0 prints the API address on stderr; stdout keeps exactly one line', async () => {
    const serving = await startServe(['--api', '--api-port', '0'], API_LINE);
    const match = API_LINE.exec(serving.stderr());
    const port = Number(match?.[2]);
    expect(serving.stderr().match(new RegExp(API_LINE.source, 'gm'))).toHaveLength(1); // said once
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(4311);
    const lines = await stdoutLines(serving);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(PAGE_LINE);
    // The API answers there: /health needs no key.
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    // Nothing more on stdout after a while.
    await new Promise((r) => setTimeout(r, 300));
    expect(serving.stdout().split('\n').filter(Boolean)).toHaveLength(1);
    expect(await stop(serving)).toBe(0);
  });

  it('says why on stderr when the port is taken, and keeps serving the UI', async () => {
    blocker = createServer();
    await new Promise<void>((done) => blocker!.listen(0, '127.0.0.1', () => done()));
    const taken = (blocker.address() as AddressInfo).port;
    const serving = await startServe(['--api', '--api-port', String(taken)], NOT_SERVING);
    expect(serving.stderr()).not.toMatch(API_LINE);
    const lines = await stdoutLines(serving);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(PAGE_LINE);
    const page = new URL(lines[0]!.replace('Tern is serving on ', ''));
    expect((await fetch(`${page.origin}/`)).status).toBe(200);
    expect(serving.child.exitCode).toBeNull();
    expect(await stop(serving)).toBe(0);
  });

  it('without --api says nothing of the API (off by default)', async () => {
    const serving = await startServe([], /press Ctrl\+C to stop/);
    await new Promise((r) => setTimeout(r, 500));
    expect(serving.stderr()).not.toMatch(/local API/);
    expect(await stop(serving)).toBe(0);
  });

  it('refuses --api-port without --api, and a port out of range', () => {
    const alone = tern(['serve', '--api-port', '5000']);
    expect(alone.status).toBe(2);
    expect(alone.stderr).toContain('--api-port goes with --api');
    const range = tern(['serve', '--api', '--api-port', '70000']);
    expect(range.status).toBe(2);
    expect(range.stderr).toContain('--api-port must be a whole number');
    expect(alone.stdout + range.stdout).toBe('');
  });

  it('--help names --api and --api-port', () => {
    const help = tern(['serve', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout + help.stderr).toContain('--api-port N');
    expect(help.stdout + help.stderr).toMatch(/--api\s+also serve the local OpenAI-compatible API/);
  });
});
