/**
 * `tern pull` against the fake hub: the built CLI runs as a child process (spawned asynchronously,
 * so that the fake hub in this process keeps answering) with HF_ENDPOINT pointing at it and a
 * temporary data folder.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProgressPrinter, formatBytes, formatDuration } from '../../../electron/cli/progress';
import { acquireLock } from '../../../electron/services/lock';
import { type FakeHub, type RecordedRequest, startFakeHub } from '../../support/fake-hub';
import { type Result, bin, ensureCliBuilt, root } from './helpers';

const REPO = 'tern-tests/tiny-bitnet';
const FILE = 'bitnet-tiny-i2_s.gguf';
const model = readFileSync(join(root, 'test/fixtures/models/synth-bitnet-b1.58-i2_s.gguf'));
const vocabOnly = readFileSync(join(root, 'test/fixtures/tokenizer/llama3-bitnet-b1.58-vocab-only.gguf'));

let hub: FakeHub;
let work: string;
let dataDir: string;
let models: string;
/** Every CLI started, to be ended if a test fails before it exits. */
const children = new Set<ChildProcess>();

beforeAll(() => ensureCliBuilt(), 120_000);

beforeEach(async () => {
  hub = await startFakeHub();
  hub.addFile(REPO, FILE, model);
  work = mkdtempSync(join(tmpdir(), 'tern-pull-'));
  dataDir = join(work, 'data');
  models = join(dataDir, 'models');
});

afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  await hub.close();
  rmSync(work, { recursive: true, force: true });
});

interface Exit extends Result {
  signal: NodeJS.Signals | null;
}

interface Running {
  child: ChildProcess;
  done: Promise<Exit>;
}

/** Starts `tern pull ARGS --data-dir <dataDir>` with the fake hub as HF_ENDPOINT and no token unless given. */
function startPull(args: string[], env: Record<string, string> = {}): Running {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, HF_ENDPOINT: hub.endpoint, ...env };
  if (!('HF_TOKEN' in env)) delete childEnv.HF_TOKEN;
  delete childEnv.HUGGING_FACE_HUB_TOKEN;
  const child = spawn(process.execPath, [bin, 'pull', ...args, '--data-dir', dataDir], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
  return { child, done };
}

const pull = (args: string[], env: Record<string, string> = {}): Promise<Exit> => startPull(args, env).done;

const lines = (text: string): string[] => text.split('\n').filter((line) => line.length > 0);
const lastLine = (text: string): string => lines(text).at(-1) ?? '';
const contentGets = (): RecordedRequest[] => hub.requests.filter((r) => r.server === 'cdn' && r.method === 'GET');
const partSize = (path: string): number => (existsSync(path) ? statSync(path).size : 0);

async function until(what: string, test: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A successful pull: exit 0, one stdout line naming the file in the models folder, the same bytes, no partial file. */
function expectPulled(result: Result, fileName = FILE, content = model): string {
  expect(result.status, result.stderr).toBe(0);
  const out = lines(result.stdout);
  expect(out).toEqual([join(models, fileName)]);
  const path = out[0]!;
  expect(readFileSync(path).equals(content)).toBe(true);
  expect(readdirSync(models).filter((name) => name.endsWith('.part'))).toEqual([]);
  expect(result.stderr).not.toContain('\r');
  return path;
}

describe('tern pull', () => {
  it('downloads owner/repo/file.gguf into the models folder and prints its path', async () => {
    const result = await pull([`${REPO}/${FILE}`]);
    expectPulled(result);
    expect(result.stderr).toMatch(/verified: its sha256 matches the hub's/);
    expect(result.stderr).not.toMatch(/unverified/);
    // Piped: plain lines, not a flood.
    expect(lines(result.stderr).length).toBeLessThan(25);
    expect(existsSync(join(dataDir, 'tern.lock'))).toBe(false);
  }, 60_000);

  it('takes owner/repo with --file, and a hub URL', async () => {
    expectPulled(await pull([REPO, '--file', FILE]));
    rmSync(dataDir, { recursive: true, force: true });
    expectPulled(await pull([`${hub.endpoint}/${REPO}/resolve/main/${FILE}`]));
  }, 60_000);

  it('takes --revision', async () => {
    const other = readFileSync(join(root, 'test/fixtures/models/synth-bitnet-tq2_0.gguf'));
    hub.addFile(REPO, 'rev.gguf', other, { revision: 'v1' });
    const missing = await pull([`${REPO}/rev.gguf`]);
    expect(missing.status).toBe(1);
    expect(lastLine(missing.stderr)).toBe(`tern pull: ${REPO} has no file rev.gguf at main`);
    rmSync(dataDir, { recursive: true, force: true });
    expectPulled(await pull([`${REPO}/rev.gguf`, '--revision', 'v1']), 'rev.gguf', other);
    expect(hub.requests.some((r) => r.method === 'HEAD' && r.url === `/${REPO}/resolve/v1/rev.gguf`)).toBe(true);
  }, 60_000);

  it('takes owner/repo alone when the repo has one .gguf file, and refuses to guess among several', async () => {
    expectPulled(await pull([REPO]));
    hub.addFile(REPO, 'other.gguf', model);
    const result = await pull([REPO]);
    expect(result.status).toBe(2);
    expect(lines(result.stderr)).toEqual([`tern pull: ${REPO} has 2 .gguf files; choose one: ${FILE}, other.gguf`]);
  }, 60_000);

  it('answers a second pull of a finished file at once, without downloading it again', async () => {
    expectPulled(await pull([`${REPO}/${FILE}`]));
    const served = hub.bytesServed();
    const again = await pull([`${REPO}/${FILE}`]);
    expectPulled(again);
    expect(again.stderr).toMatch(/already downloaded/);
    expect(hub.bytesServed()).toBe(served);
  }, 60_000);

  it('says a direct URL is unverified, and verified with --sha256', async () => {
    const url = hub.addDirect('files/direct.gguf', model);
    const result = await pull([url]);
    expectPulled(result, 'direct.gguf');
    expect(result.stderr).toMatch(/unverified/);

    rmSync(dataDir, { recursive: true, force: true });
    const real = (await import('node:crypto')).createHash('sha256').update(model).digest('hex');
    const checked = await pull([url, '--sha256', real.toUpperCase()]);
    expectPulled(checked, 'direct.gguf');
    expect(checked.stderr).toMatch(/verified: its sha256 matches the one given with --sha256/);
  }, 60_000);

  it('fails when --sha256 is not the sha256 the hub has for the file', async () => {
    const result = await pull([`${REPO}/${FILE}`, '--sha256', 'cd'.repeat(32)]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(lastLine(result.stderr)).toMatch(/^tern pull: the hub says \S+ has sha256 [0-9a-f]{64}, not (cd){32} as given/);
  }, 60_000);

  it('fails on a wrong sha256, with one line, and sets the file aside', async () => {
    hub.addFile(REPO, 'bad.gguf', model, { sha256Override: 'ab'.repeat(32) });
    const result = await pull([`${REPO}/bad.gguf`]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const last = lastLine(result.stderr);
    expect(last).toMatch(/^tern pull: the file's sha256 is [0-9a-f]{64}, not (ab){32} as the hub says/);
    expect(lines(result.stderr).filter((line) => line.includes('sha256'))).toEqual([last]);
    expect(existsSync(join(models, 'bad.gguf'))).toBe(false);
    expect(existsSync(join(models, 'bad.gguf.part'))).toBe(false);
    expect(readFileSync(join(models, 'bad.gguf.rejected')).equals(model)).toBe(true);
  }, 60_000);

  it('fails on a file the engine cannot run, with its reason', async () => {
    hub.addFile(REPO, 'vocab.gguf', vocabOnly);
    const result = await pull([`${REPO}/vocab.gguf`]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(lastLine(result.stderr)).toMatch(/^tern pull: the engine cannot run this file: .*tokenizer but no weights.*set aside as vocab\.gguf\.rejected$/);
    expect(existsSync(join(models, 'vocab.gguf'))).toBe(false);
    expect(existsSync(join(models, 'vocab.gguf.rejected'))).toBe(true);
  }, 60_000);

  it('fails on a gated repo without a token, and succeeds with HF_TOKEN, which never goes to the cdn', async () => {
    hub.behave.requireToken = 'hf_test_secret';
    const denied = await pull([`${REPO}/${FILE}`]);
    expect(denied.status).toBe(1);
    expect(denied.stdout).toBe('');
    expect(lastLine(denied.stderr)).toBe(`tern pull: ${REPO} is gated or private: it needs a Hugging Face token (set HF_TOKEN, or save one in Settings)`);
    expect(contentGets()).toEqual([]);

    const allowed = await pull([`${REPO}/${FILE}`], { HF_TOKEN: 'hf_test_secret' });
    expectPulled(allowed);
    expect(hub.requests.some((r) => r.server === 'hub' && r.headers.authorization === 'Bearer hf_test_secret')).toBe(true);
    expect(contentGets().length).toBeGreaterThan(0);
    for (const request of hub.requests.filter((r) => r.server === 'cdn')) expect(request.headers.authorization).toBeUndefined();
  }, 60_000);

  it('fails with one line for a file or repo that is not there', async () => {
    const noFile = await pull([`${REPO}/missing.gguf`]);
    expect(noFile.status).toBe(1);
    expect(lastLine(noFile.stderr)).toBe(`tern pull: ${REPO} has no file missing.gguf at main`);
    const noRepo = await pull(['nobody/nothing/model.gguf']);
    expect(noRepo.status).toBe(1);
    expect(lastLine(noRepo.stderr)).toBe('tern pull: there is no repository nobody/nothing on the hub');
  }, 60_000);

  it('refuses a data folder in use, saying to add the download in the app', async () => {
    mkdirSync(dataDir, { recursive: true });
    const lock = acquireLock(dataDir, 'tern serve on http://127.0.0.1:4310');
    try {
      const result = await pull([`${REPO}/${FILE}`]);
      expect(result.status).toBe(1);
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toMatch(/^tern pull: the data folder .* is in use by tern serve on http:\/\/127\.0\.0\.1:4310 \(pid \d+ .*add the download in the app instead, or stop it first\n$/);
      expect(hub.requests).toEqual([]);
    } finally {
      lock.release();
    }
  }, 60_000);

  it('refuses bad arguments with one line', async () => {
    const cases: [string[], RegExp][] = [
      [[], /SOURCE is required/],
      [['a/b/c.gguf', 'd/e/f.gguf'], /exactly one SOURCE/],
      [[`${REPO}/${FILE}`, '--sha256', 'xyz'], /--sha256 must be 64 hex digits/],
      [[`${REPO}/${FILE}`, '--file', 'x.gguf'], /the file is named twice/],
      [['justonename'], /is not a model/],
      [[`${REPO}/${FILE}`, '--bogus'], /unknown option --bogus/],
    ];
    for (const [args, message] of cases) {
      const result = await pull(args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(lines(result.stderr), args.join(' ')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
    expect(hub.requests).toEqual([]);
  }, 60_000);

  it('resumes after being killed with SIGKILL mid-download, from the bytes on disk', async () => {
    hub.behave.bytesPerSecond = 200_000;
    const part = join(models, `${FILE}.part`);
    const first = startPull([`${REPO}/${FILE}`]);
    await until('the partial file to have some bytes', () => partSize(part) > 50_000);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const onDisk = partSize(part);
    expect(onDisk).toBeGreaterThan(0);
    expect(onDisk).toBeLessThan(model.length);

    hub.behave.bytesPerSecond = undefined;
    const resumed = await pull([`${REPO}/${FILE}`]);
    expectPulled(resumed);
    expect(resumed.stderr).toMatch(/resuming/);

    const gets = contentGets();
    expect(gets).toHaveLength(2);
    expect(gets[0]!.headers.range).toBeUndefined();
    expect(gets[1]!.headers.range).toBe(`bytes=${onDisk}-`);
    expect(gets[1]!.status).toBe(206);
    const inFlight = gets[0]!.bytesSent - onDisk;
    expect(hub.bytesServed()).toBeLessThanOrEqual(model.length + inFlight);
  }, 90_000);

  it('pauses on Ctrl+C (exit 130) and resumes when run again', async () => {
    hub.behave.bytesPerSecond = 200_000;
    const part = join(models, `${FILE}.part`);
    const first = startPull([`${REPO}/${FILE}`]);
    await until('the partial file to have some bytes', () => partSize(part) > 50_000);
    first.child.kill('SIGINT');
    const paused = await first.done;
    expect(paused.status).toBe(130);
    expect(paused.stdout).toBe('');
    expect(paused.stderr).toMatch(/paused; run the same command again to resume/);
    expect(existsSync(join(dataDir, 'tern.lock'))).toBe(false);
    const onDisk = partSize(part);
    expect(onDisk).toBeGreaterThan(0);

    hub.behave.bytesPerSecond = undefined;
    expectPulled(await pull([`${REPO}/${FILE}`]));
    const gets = contentGets();
    expect(gets).toHaveLength(2);
    expect(gets[1]!.headers.range).toBe(`bytes=${onDisk}-`);
    expect(hub.bytesServed()).toBeLessThanOrEqual(model.length + gets[0]!.bytesSent - onDisk);
  }, 90_000);
});

describe('the progress printer', () => {
  function sink(isTTY: boolean, columns = 100) {
    const out: string[] = [];
    return { out, stream: { isTTY, columns, write: (text: string) => out.push(text) } };
  }

  it('redraws one line with \\r on a terminal', () => {
    let now = 0;
    const { out, stream } = sink(true);
    const printer = new ProgressPrinter(stream, () => now);
    for (let i = 0; i <= 10; i++) {
      now += 250;
      printer.update({ label: 'm.gguf', received: i * 100_000, total: 1_000_000, bytesPerSecond: 400_000, etaSeconds: (10 - i) / 4 });
    }
    printer.message('tern pull: done');
    expect(out.slice(0, 11).every((text) => text.startsWith('\r') && !text.includes('\n'))).toBe(true);
    expect(out[10]).toContain('100%');
    expect(out[10]).toContain('1.0 MB of 1.0 MB');
    expect(out[5]).toMatch(/ 50% +500 kB of 1\.0 MB +400 kB\/s +ETA 0:01/);
    expect(out.slice(11)).toEqual(['\n', 'tern pull: done\n']);
  });

  it('keeps a line within the terminal width', () => {
    const { out, stream } = sink(true, 40);
    new ProgressPrinter(stream, () => 1000).update({ label: 'a-very-long-model-file-name-indeed.gguf', received: 1, total: 2, bytesPerSecond: 1, etaSeconds: 1 });
    expect(out[0]!.replace('\r', '').replace('\x1b[K', '').length).toBeLessThan(40);
  });

  it('prints plain lines when piped: one per tenth, not one per update', () => {
    let now = 1000;
    const { out, stream } = sink(false);
    const printer = new ProgressPrinter(stream, () => now);
    for (let received = 0; received <= 1_000_000; received += 10_000) {
      now += 50;
      printer.update({ label: 'm.gguf', received, total: 1_000_000, bytesPerSecond: 200_000, etaSeconds: null });
    }
    expect(out.join('')).not.toContain('\r');
    expect(out).toHaveLength(11);
    expect(out[0]).toBe('m.gguf: 0%: 0 B of 1.0 MB, 200 kB/s\n');
    expect(out[10]).toBe('m.gguf: 100%: 1.0 MB of 1.0 MB, 200 kB/s\n');
  });

  it('prints a plain line every few seconds when a tenth takes long', () => {
    let now = 1000;
    const { out, stream } = sink(false);
    const printer = new ProgressPrinter(stream, () => now);
    for (let i = 0; i < 60; i++) {
      now += 1000;
      printer.update({ label: 'm.gguf', received: i * 100, total: 1_000_000_000, bytesPerSecond: 100, etaSeconds: 1e7 });
    }
    expect(out.length).toBeGreaterThanOrEqual(5);
    expect(out.length).toBeLessThanOrEqual(8);
  });

  it('formats sizes and durations', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_500_000)).toBe('1.5 MB');
    expect(formatBytes(2_400_000_000)).toBe('2.4 GB');
    expect(formatDuration(7)).toBe('0:07');
    expect(formatDuration(3723)).toBe('1:02:03');
  });
});
