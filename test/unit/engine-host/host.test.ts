/**
 * The engine host through the BUILT worker (out/main/engine-worker.js) and the real addon, on the
 * fixture models: load and streaming, tokenize beside a generation, the queue (UI before API),
 * cancel, a killed worker, load errors in words, hostile files, orphan exit, idle unload, close.
 * Needs `npx electron-vite build` (and the native addon) first; skipped otherwise.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultWorkerPath } from '../../../electron/services/engine-host/host';
import type { TokenEvent } from '../../../electron/services/native';
import { EngineCrashedError, type EngineHost, type EngineHostStatus } from '../../../electron/services/engine-host/types';
import { type TrackedHost, alive, built, models, root, trackedHost, waitFor } from './helpers';

if (!built) console.warn('engine-host tests skipped: run `npx electron-vite build` (and build the native addon) first');

const [modelA = '', modelB = ''] = models;
const greedy = { temperature: 0, repeatPenalty: 1, ignoreEog: true };
/** Runs until the context is full (thousands of tokens): long enough to act on while it runs. */
const endless = { ...greedy, maxTokens: -1 };
const big = { nCtx: 4096, threads: 1 };

describe.skipIf(!built || models.length < 2)('engine host (built worker, real addon)', () => {
  let t: TrackedHost;
  let host: EngineHost;
  let prompt: number[];
  let tmp: string;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'tern-engine-host-'));
    t = trackedHost();
    host = t.host;
    await host.load({ modelKey: 'a', path: modelA, ...big });
    prompt = await host.tokenize('Hello world', { special: false, addBos: true });
  });

  afterAll(async () => {
    await host?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  afterEach(async () => {
    // Every test leaves model A loaded.
    await host.load({ modelKey: 'a', path: modelA, ...big });
  });

  it('loads with progress, resolves at once when already loaded, shares a concurrent load, streams tokens', async () => {
    const statuses: EngineHostStatus[] = [];
    const off = host.onStatus((s) => statuses.push(s));
    const p1 = host.load({ modelKey: 'b', path: modelB, nCtx: 512, threads: 1 });
    const p2 = host.load({ modelKey: 'b', path: modelB, nCtx: 512, threads: 1 });
    expect(p2).toBe(p1);
    const loaded = await p1;
    expect(await host.load({ modelKey: 'b', path: modelB, nCtx: 512, threads: 1 })).toBe(loaded);
    expect(host.loaded()).toBe(loaded);
    expect(loaded).toMatchObject({ modelKey: 'b', path: modelB, nCtx: 512 });
    expect(typeof loaded.description.arch).toBe('string');
    expect(loaded.tokenizer.present).toBe(true);
    expect(loaded.specialTokens.length).toBeGreaterThan(0);
    expect(statuses.some((s) => s.state === 'loading' && s.modelKey === 'b')).toBe(true);
    expect(statuses.some((s) => s.state === 'loading' && (s.progress ?? 0) > 0)).toBe(true);
    expect(statuses.at(-1)).toMatchObject({ state: 'ready', modelKey: 'b', error: null, progress: null });

    const ids = await host.tokenize('Hello world', { special: false, addBos: true });
    expect(ids[0]).toBe(loaded.tokenizer.bos);
    const events: TokenEvent[] = [];
    const result = await host.generate({ source: 'ui', ids, options: { ...greedy, maxTokens: 12 }, onToken: (e) => events.push(e) });
    off();
    expect(result.stopReason).toBe('max_tokens');
    expect(result.generatedTokens).toBe(12);
    expect(events.filter((e) => e.id >= 0).map((e) => e.id)).toEqual(result.ids);
    expect(events.map((e) => e.text).join('')).toBe(result.text);
    expect(await host.detokenize(result.ids)).toBe(result.text);
    expect(statuses.some((s) => s.pending === 1)).toBe(true);
    expect(host.status().pending).toBe(0);
  });

  it('tokenize and detokenize do not wait behind a running generation', async () => {
    const controller = new AbortController();
    let first!: () => void;
    const started = new Promise<void>((r) => (first = r));
    const running = host.generate({ source: 'api', ids: prompt, options: endless, onToken: () => first(), signal: controller.signal });
    await started;
    let settled = false;
    void running.finally(() => (settled = true));
    expect(await host.tokenize('Hello world', { special: false, addBos: true })).toEqual(prompt);
    expect(typeof (await host.detokenize(prompt))).toBe('string');
    expect(settled).toBe(false);
    controller.abort();
    expect((await running).stopReason).toBe('cancelled');
  });

  it('runs UI requests before API ones that waited longer; abort removes a queued request and stops a running one', async () => {
    const controller = new AbortController();
    let first!: () => void;
    const started = new Promise<void>((r) => (first = r));
    const order: string[] = [];
    const mark = (name: string) => (e: TokenEvent) => {
      if (e.index === 0 && e.id >= 0) order.push(name);
    };
    const blocker = host.generate({ source: 'api', ids: prompt, options: endless, onToken: () => first(), signal: controller.signal });
    await started;
    const small = { ...greedy, maxTokens: 3 };
    const api1 = host.generate({ source: 'api', ids: prompt, options: small, onToken: mark('api1') });
    const dropped = new AbortController();
    const gone = host.generate({ source: 'ui', ids: prompt, options: small, onToken: mark('gone'), signal: dropped.signal });
    const ui1 = host.generate({ source: 'ui', ids: prompt, options: small, onToken: mark('ui1') });
    const api2 = host.generate({ source: 'api', ids: prompt, options: small, onToken: mark('api2') });
    const ui2 = host.generate({ source: 'ui', ids: prompt, options: small, onToken: mark('ui2') });
    expect(host.status().pending).toBe(6);
    dropped.abort();
    await expect(gone).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(host.status().pending).toBe(5);
    controller.abort();
    const blocked = await blocker;
    expect(blocked.stopReason).toBe('cancelled');
    for (const r of await Promise.all([api1, ui1, api2, ui2])) expect(r.stopReason).toBe('max_tokens');
    expect(order).toEqual(['ui1', 'ui2', 'api1', 'api2']);
    await expect(host.generate({ source: 'ui', ids: prompt, options: small, signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    expect(host.status().pending).toBe(0);
  });

  it('loading another model cancels the running generation and rejects the queued ones', async () => {
    let first!: () => void;
    const started = new Promise<void>((r) => (first = r));
    const running = host.generate({ source: 'ui', ids: prompt, options: endless, onToken: () => first() });
    await started;
    const queued = host.generate({ source: 'ui', ids: prompt, options: { ...greedy, maxTokens: 3 } });
    const loaded = host.load({ modelKey: 'b', path: modelB, nCtx: 512, threads: 1 });
    await expect(queued).rejects.toMatchObject({ code: 'CANCELLED' });
    expect((await running).stopReason).toBe('cancelled');
    expect((await loaded).modelKey).toBe('b');
  });

  it('unload cancels the running generation, rejects the queued ones and frees the model', async () => {
    let first!: () => void;
    const started = new Promise<void>((r) => (first = r));
    const running = host.generate({ source: 'ui', ids: prompt, options: endless, onToken: () => first() });
    const queued = host.generate({ source: 'api', ids: prompt, options: greedy });
    const queuedOutcome = queued.catch((e: unknown) => e);
    await started;
    await host.unload();
    expect(await queuedOutcome).toMatchObject({ code: 'CANCELLED' });
    expect((await running).stopReason).toBe('cancelled');
    expect(host.loaded()).toBeNull();
    expect(host.status()).toMatchObject({ state: 'idle', modelKey: null, pending: 0 });
    await expect(host.detokenize([1])).rejects.toThrow(/no model is loaded/);
  });

  it('a load error is reported in words (not a GGUF file, a missing file), and the engine stays usable', async () => {
    const notGguf = join(tmp, 'notes.gguf');
    writeFileSync(notGguf, 'just some text, not a model\n'.repeat(10));
    const crashes: string[] = [];
    const off = host.onCrash((r) => crashes.push(r));
    await expect(host.load({ modelKey: 'bad', path: notGguf, nCtx: 512 })).rejects.toMatchObject({ code: 'FORMAT' });
    expect(host.status()).toMatchObject({ state: 'error', modelKey: 'bad' });
    expect(host.status().error).toMatch(/not a GGUF file/);
    expect(host.loaded()).toBeNull();
    await expect(host.generate({ source: 'ui', ids: prompt, options: greedy })).rejects.toThrow(/no model is loaded/);

    const missing = join(tmp, 'missing.gguf');
    const error = await host.load({ modelKey: 'gone', path: missing, nCtx: 512 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IO' });
    expect(String((error as Error).message)).toContain('missing.gguf');
    expect(host.status().error).toMatch(/could not load the model: .*missing\.gguf/);
    off();
    expect(crashes).toEqual([]);
    expect(t.procs).toHaveLength(1);
  });

  it('inspect describes a model, and rejects malformed files without hurting the host', async () => {
    const description = await host.inspect(modelA);
    expect(description.hparams.nVocab).toBeGreaterThan(0);
    const head = readFileSync(modelA).subarray(0, 4096);
    const truncated = join(tmp, 'truncated.gguf');
    writeFileSync(truncated, head);
    const garbage = join(tmp, 'garbage.gguf');
    writeFileSync(garbage, Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(4, 0xff), Buffer.alloc(64, 0xee)]));
    for (const file of [truncated, garbage, join(tmp, 'nothing-here.gguf')]) {
      const error = await host.inspect(file).catch((e: unknown) => e);
      expect(error, file).toBeInstanceOf(Error);
      expect((error as { code?: string }).code, file).toMatch(/^(FORMAT|IO|UNSUPPORTED|INVALID_ARGUMENT)$/);
    }
    expect(t.procs).toHaveLength(1);
    expect(host.status().state).toBe('ready');
    expect((await host.generate({ source: 'ui', ids: prompt, options: { ...greedy, maxTokens: 2 } })).generatedTokens).toBe(2);
  });

  it('a malformed message to the worker is reported, never fatal', async () => {
    const proc = t.procs.at(-1)!;
    const send = proc.send.bind(proc) as (m: unknown) => void;
    send({ t: 'generate', id: 999_999, ids: 'not ids' });
    send({ t: 'explode' });
    send('hello');
    await waitFor(() => t.logs.filter((l) => /malformed/.test(l)).length >= 2, 10_000, 'warnings from the worker');
    expect(t.logs.some((l) => l.includes('malformed request "explode"'))).toBe(true);
    expect(t.procs).toHaveLength(1);
    expect(await host.tokenize('Hello world', { special: false, addBos: true })).toEqual(prompt);
  });

  it('a killed worker rejects the running generation with the streamed ids, calls onCrash, and comes back', async () => {
    const crashes: string[] = [];
    const off = host.onCrash((r) => crashes.push(r));
    const streamed: number[] = [];
    const proc = t.procs.at(-1)!;
    let enough!: () => void;
    const reached = new Promise<void>((r) => (enough = r));
    const running = host.generate({
      source: 'ui',
      ids: prompt,
      options: endless,
      onToken: (e) => {
        if (e.id >= 0) streamed.push(e.id);
        if (streamed.length === 5) enough();
      },
    });
    const queued = host.generate({ source: 'api', ids: prompt, options: greedy });
    const queuedOutcome = queued.catch((e: unknown) => e);
    await reached;
    process.kill(proc.pid!, 'SIGKILL');
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineCrashedError);
    const crashed = error as EngineCrashedError;
    expect(crashed.code).toBe('ENGINE_CRASHED');
    expect(crashed.message).toBe('the engine process stopped unexpectedly (killed by SIGKILL)');
    expect(crashed.ids.length).toBeGreaterThanOrEqual(5);
    expect(crashed.ids).toEqual(streamed);
    expect(await queuedOutcome).toBeInstanceOf(EngineCrashedError);
    expect(crashes).toEqual([crashed.message]);
    expect(host.status()).toMatchObject({ state: 'idle', modelKey: null, error: crashed.message, pending: 0 });
    expect(host.loaded()).toBeNull();
    off();

    await waitFor(() => t.procs.length === 2, 10_000, 'a new engine process');
    await waitFor(() => !alive(proc.pid!), 10_000, 'the old process to be gone');
    const loaded = await host.load({ modelKey: 'a', path: modelA, ...big });
    expect(loaded.modelKey).toBe('a');
    const again = await host.generate({ source: 'ui', ids: prompt, options: { ...greedy, maxTokens: 4 } });
    expect(again.generatedTokens).toBe(4);
    expect(again.ids).toEqual(crashed.ids.slice(0, 4));
  });

  it('unloads by itself after the idle time, not while a generation runs', async () => {
    const idle = new Promise<EngineHostStatus>((resolve) => {
      const off = host.onStatus((s) => {
        if (s.state === 'idle') {
          off();
          resolve(s);
        }
      });
    });
    let ran = false;
    host.setIdleUnload(50);
    const result = await host.generate({
      source: 'ui',
      ids: prompt,
      options: { ...greedy, maxTokens: 1500 },
      onToken: () => (ran = true),
    });
    expect(result.stopReason).toBe('max_tokens');
    expect(ran).toBe(true);
    expect(await idle).toMatchObject({ state: 'idle', modelKey: null });
    expect(host.loaded()).toBeNull();
    host.setIdleUnload(0);
    await expect(host.tokenize('x', { special: false, addBos: false })).rejects.toThrow(/no model is loaded/);
  });
});

describe.skipIf(!built || models.length < 1)('engine process lifetime', () => {
  it('defaultWorkerPath finds the built worker from a folder below the app root', () => {
    expect(defaultWorkerPath(join(root, 'electron/services/engine-host'))).toBe(join(root, 'out/main/engine-worker.js'));
    expect(defaultWorkerPath(join(root, 'out/main/chunks'))).toBe(join(root, 'out/main/engine-worker.js'));
  });

  it('close() kills the process, rejects what is pending, and starts nothing again', async () => {
    const t = trackedHost();
    await t.host.load({ modelKey: 'a', path: modelA, ...big });
    const prompt = await t.host.tokenize('Hello', { special: false, addBos: true });
    let first!: () => void;
    const started = new Promise<void>((r) => (first = r));
    const running = t.host.generate({ source: 'ui', ids: prompt, options: endless, onToken: () => first() });
    const queued = t.host.generate({ source: 'ui', ids: prompt, options: endless });
    const outcomes = Promise.allSettled([running, queued]);
    await started;
    const pid = t.procs[0]!.pid!;
    await t.host.close();
    for (const outcome of await outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: 'DISPOSED' });
    }
    await waitFor(() => !alive(pid), 10_000, 'the worker to be gone');
    await expect(t.host.load({ modelKey: 'a', path: modelA, ...big })).rejects.toMatchObject({ code: 'DISPOSED' });
    await new Promise((r) => setTimeout(r, 300));
    expect(t.procs).toHaveLength(1);
    expect(t.host.status()).toMatchObject({ state: 'idle', pending: 0 });
  });

  it.each([
    ['idle', [] as string[]],
    ['in the middle of a generation', [modelA]],
  ])('the worker exits by itself when its parent is killed (SIGKILL) (%s)', async (_when, extra) => {
    const parent = spawn(process.execPath, [join(__dirname, 'orphan-parent.cjs'), join(root, 'out/main/engine-worker.js'), ...extra], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n')[0];
        if (out.includes('\n') && line) resolve(Number(line));
      });
      parent.on('exit', () => reject(new Error('the parent script ended early')));
    });
    expect(alive(pid)).toBe(true);
    parent.kill('SIGKILL');
    await waitFor(() => !alive(pid), 3_000, `worker ${pid} to exit after its parent was killed`);
  });
});
