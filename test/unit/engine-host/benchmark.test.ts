/**
 * The engine host's load settings (nBatch, head), per-request threads and the thread sweep
 * (benchmark), through the BUILT worker (out/main/engine-worker.js) and the real addon, on a
 * fixture model. Needs `npx electron-vite build` (and the native addon) first; skipped otherwise.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { engineThreads } from '../../../electron/services/engine-host/host';
import { parseHostRequest, parseWorkerMessage } from '../../../electron/services/engine-host/protocol';
import { type BenchmarkSample, EngineCrashedError, type EngineHost, type EngineHostStatus } from '../../../electron/services/engine-host/types';
import { type TrackedHost, built, models, trackedHost } from './helpers';

const [model = ''] = models;
const base = { modelKey: 'a', path: model, nCtx: 256, threads: 1 };
const greedy = { temperature: 0, repeatPenalty: 1, ignoreEog: true };

describe('benchmark and load-setting messages', () => {
  it('load carries nBatch and head; generate carries threads; benchmark and sample are checked', () => {
    expect(parseHostRequest({ t: 'load', id: 1, path: '/m', nCtx: 8, threads: 0, nBatch: 16, head: 'f16' })).toEqual({
      ok: true,
      message: { t: 'load', id: 1, path: '/m', nCtx: 8, threads: 0, nBatch: 16, head: 'f16' },
    });
    expect(parseHostRequest({ t: 'load', id: 1, path: '/m', nCtx: 8, threads: 0, head: 'q4_0' })).toMatchObject({ ok: false, id: 1 });
    expect(parseHostRequest({ t: 'load', id: 1, path: '/m', nCtx: 8, threads: 0, nBatch: 0 })).toMatchObject({ ok: false, id: 1 });
    expect(parseHostRequest({ t: 'generate', id: 2, ids: [1], options: {}, threads: 3 })).toEqual({
      ok: true,
      message: { t: 'generate', id: 2, ids: [1], options: {}, threads: 3 },
    });
    expect(parseHostRequest({ t: 'generate', id: 2, ids: [1], options: {}, threads: -1 })).toMatchObject({ ok: false, id: 2 });
    const sweep = { t: 'benchmark', id: 3, threads: [1, 2], promptLengths: [16], genTokens: 4, repetitions: 2 };
    expect(parseHostRequest(sweep)).toEqual({ ok: true, message: sweep });
    for (const bad of [{ threads: [] }, { promptLengths: [0] }, { genTokens: 0 }, { repetitions: 0 }, { threads: [1.5] }]) {
      expect(parseHostRequest({ ...sweep, ...bad })).toMatchObject({ ok: false, id: 3 });
    }
    const sample: BenchmarkSample = { threads: 1, repetition: 1, promptTokens: 16, ttftMs: 1, prefillTokensPerSecond: 2, decodeTokensPerSecond: 3 };
    expect(parseWorkerMessage({ t: 'sample', id: 3, sample, done: 1, total: 2 })).toEqual({ ok: true, message: { t: 'sample', id: 3, sample, done: 1, total: 2 } });
    expect(parseWorkerMessage({ t: 'sample', id: 3, sample, done: 3, total: 2 })).toMatchObject({ ok: false });
    expect(parseWorkerMessage({ t: 'sample', id: 3, sample: { ...sample, ttftMs: 'x' }, done: 1, total: 2 })).toMatchObject({ ok: false });
  });
});

describe.skipIf(!built || models.length < 1)('engine host: load settings, threads per request, benchmark (built worker)', () => {
  let t: TrackedHost;
  let host: EngineHost;
  let prompt: number[];

  beforeAll(async () => {
    t = trackedHost();
    host = t.host;
    await host.load(base);
    prompt = await host.tokenize('Hello world', { special: false, addBos: true });
  });

  afterAll(async () => {
    await host?.close();
  });

  afterEach(async () => {
    // Every test leaves the base model loaded (and its threads as loaded).
    await host.load(base);
  });

  it('load: nBatch and head reach the engine; the same settings resolve at once, threads alone never reload', async () => {
    const a = await host.load({ ...base, nBatch: 16 });
    const statuses: EngineHostStatus[] = [];
    const off = host.onStatus((s) => statuses.push(s));
    expect(await host.load({ ...base, nBatch: 16 })).toBe(a);
    expect(await host.load({ ...base, nBatch: 16, head: 'q8_0' })).toBe(a); // absent head is q8_0
    expect(await host.load({ ...base, nBatch: 16, threads: 2 })).toBe(a);
    expect(await host.load({ ...base, nBatch: 16, threads: 0 })).toBe(a);
    expect(statuses.some((s) => s.state === 'loading')).toBe(false);
    off();

    // The head's precision shows in the weights' memory: f16 > q8_0 > q6_k.
    const f16 = await host.load({ ...base, nBatch: 16, head: 'f16' });
    expect(f16).not.toBe(a);
    expect(f16.description.memory.weights).toBeGreaterThan(a.description.memory.weights);
    const q6 = await host.load({ ...base, nBatch: 16, head: 'q6_k' });
    expect(q6).not.toBe(f16);
    expect(q6.description.memory.weights).toBeLessThan(a.description.memory.weights);
    // nBatch and nCtx changes reload.
    const b32 = await host.load({ ...base, nBatch: 32, head: 'q6_k' });
    expect(b32).not.toBe(q6);
    const ctx = await host.load({ ...base, nBatch: 32, head: 'q6_k', nCtx: 128 });
    expect(ctx).not.toBe(b32);
    expect(ctx.nCtx).toBe(128);
    // nBatch is handed to the addon (which refuses more than 65536), a bad head is refused before.
    await expect(host.load({ ...base, nBatch: 1 << 17 })).rejects.toThrow(/nBatch/);
    await expect(host.load({ ...base, head: 'q4_0' })).rejects.toThrow(/head must be one of/);
    expect(t.procs).toHaveLength(1);
  });

  it('threads per request resize the pool without a reload; without them a request runs as loaded', async () => {
    const loaded = host.loaded();
    expect(await engineThreads(host)).toBe(1);
    const r2 = await host.generate({ source: 'ui', threads: 2, ids: prompt, options: { ...greedy, maxTokens: 6 } });
    expect(await engineThreads(host)).toBe(2);
    const r1 = await host.generate({ source: 'ui', ids: prompt, options: { ...greedy, maxTokens: 6 } });
    expect(await engineThreads(host)).toBe(1);
    expect(r1.ids).toEqual(r2.ids); // the same greedy text whatever the pool size
    expect(r1.generatedTokens).toBe(6);
    // A load of the same model with other threads: no reload, and requests without threads use them.
    expect(await host.load({ ...base, threads: 2 })).toBe(loaded);
    await host.generate({ source: 'api', ids: prompt, options: { ...greedy, maxTokens: 2 } });
    expect(await engineThreads(host)).toBe(2);
    expect(host.loaded()).toBe(loaded);
  });

  it('benchmark: threads x repetitions x prompt lengths samples, progress in order, the thread count restored', async () => {
    await host.generate({ source: 'ui', threads: 2, ids: prompt, options: { ...greedy, maxTokens: 1 } });
    const progress: [BenchmarkSample, number, number][] = [];
    const samples = await host.benchmark(
      { threads: [1, 2], promptLengths: [8, 24], genTokens: 4, repetitions: 2 },
      { onSample: (sample, done, total) => progress.push([sample, done, total]) },
    );
    expect(samples.map((s) => [s.threads, s.repetition, s.promptTokens])).toEqual([
      [1, 1, 8],
      [1, 1, 24],
      [1, 2, 8],
      [1, 2, 24],
      [2, 1, 8],
      [2, 1, 24],
      [2, 2, 8],
      [2, 2, 24],
    ]);
    for (const s of samples) {
      expect(s.ttftMs).toBeGreaterThan(0);
      expect(s.prefillTokensPerSecond).toBeGreaterThan(0);
      expect(s.decodeTokensPerSecond).toBeGreaterThan(0);
    }
    expect(progress.map(([, done, total]) => [done, total])).toEqual(samples.map((_, i) => [i + 1, 8]));
    expect(progress.map(([s]) => s)).toEqual(samples);
    expect(await engineThreads(host)).toBe(2);
    expect(host.status()).toMatchObject({ state: 'ready', pending: 0 });
    // The conversation goes on as before (its prefix is computed again, not reused wrongly).
    const after = await host.generate({ source: 'ui', ids: prompt, options: { ...greedy, maxTokens: 3 } });
    expect(after.promptTokensReused).toBe(0);
  });

  it('benchmark: a prompt that does not fit with the generated tokens is clamped; bad sweeps are refused', async () => {
    const [sample] = await host.benchmark({ threads: [1], promptLengths: [1000], genTokens: 8, repetitions: 1 });
    expect(sample?.promptTokens).toBe(base.nCtx - 8);
    await expect(host.benchmark({ threads: [1], promptLengths: [8], genTokens: base.nCtx, repetitions: 1 })).rejects.toThrow(/no room for a prompt/);
    await expect(host.benchmark({ threads: [], promptLengths: [8], genTokens: 4, repetitions: 1 })).rejects.toThrow(/threads/);
    await expect(host.benchmark({ threads: [1], promptLengths: [8], genTokens: 4, repetitions: 0 })).rejects.toThrow(/repetitions/);
  });

  it('benchmark: cancel resolves early with the samples so far', async () => {
    const ac = new AbortController();
    const seen: number[] = [];
    const samples = await host.benchmark(
      { threads: [1], promptLengths: [32], genTokens: 8, repetitions: 200 },
      {
        signal: ac.signal,
        onSample: (_, done) => {
          seen.push(done);
          if (done === 2) ac.abort();
        },
      },
    );
    expect(samples.length).toBeGreaterThanOrEqual(2);
    expect(samples.length).toBeLessThan(10);
    expect(seen).toEqual(samples.map((_, i) => i + 1));
    // Aborted before it starts: nothing runs.
    expect(await host.benchmark({ threads: [1], promptLengths: [8], genTokens: 2, repetitions: 1 }, { signal: AbortSignal.abort() })).toEqual([]);
    // Aborted while it waits behind a generation: resolves with nothing at once.
    const gen = new AbortController();
    const running = host.generate({ source: 'ui', ids: prompt, options: { ...greedy, maxTokens: -1 }, signal: gen.signal });
    const waiting = new AbortController();
    const onSample: number[] = [];
    const queued = host.benchmark({ threads: [1], promptLengths: [8], genTokens: 2, repetitions: 1 }, { signal: waiting.signal, onSample: (_, d) => onSample.push(d) });
    waiting.abort();
    expect(await queued).toEqual([]);
    gen.abort();
    await running;
    expect(onSample).toEqual([]);
    // The engine is fine afterwards.
    expect((await host.generate({ source: 'ui', ids: prompt, options: { ...greedy, maxTokens: 2 } })).generatedTokens).toBe(2);
  });

  it('benchmark is exclusive: it waits for the running generation, generations asked for meanwhile wait (UI first)', async () => {
    const order: string[] = [];
    const firstToken = (name: string) => {
      let seen = false;
      return () => {
        if (!seen) order.push(`${name} starts`);
        seen = true;
      };
    };
    const g1 = host.generate({ source: 'api', ids: prompt, options: { ...greedy, maxTokens: 48 }, onToken: firstToken('g1') }).then(() => order.push('g1 ends'));
    const bench = host
      .benchmark({ threads: [1], promptLengths: [16], genTokens: 4, repetitions: 3 }, { onSample: (_, done) => order.push(`sample ${done}`) })
      .then((s) => order.push(`bench ends ${s.length}`));
    const g2 = host.generate({ source: 'api', ids: prompt, options: { ...greedy, maxTokens: 4 }, onToken: firstToken('g2') }).then(() => order.push('g2 ends'));
    const g3 = host.generate({ source: 'ui', ids: prompt, options: { ...greedy, maxTokens: 4 }, onToken: firstToken('g3') }).then(() => order.push('g3 ends'));
    expect(host.status().pending).toBe(3);
    await Promise.all([g1, bench, g2, g3]);
    expect(order).toEqual([
      'g1 starts',
      'g1 ends',
      'sample 1',
      'sample 2',
      'sample 3',
      'bench ends 3',
      'g3 starts',
      'g3 ends',
      'g2 starts',
      'g2 ends',
    ]);
  });

  it('benchmark rejects without a model, and when the model is unloaded or the process dies during it', async () => {
    const sweep = { threads: [1], promptLengths: [32], genTokens: 8, repetitions: 500 };
    await host.unload();
    await expect(host.benchmark(sweep)).rejects.toThrow(/no model is loaded/);

    await host.load(base);
    const unloaded = host.benchmark(sweep, {
      onSample: (_, done) => {
        if (done === 1) void host.unload();
      },
    });
    await expect(unloaded).rejects.toThrow(/unloaded or changed during the benchmark/);
    expect(host.loaded()).toBeNull();

    await host.load(base);
    const procs = t.procs.length;
    const crashed = host.benchmark(sweep, {
      onSample: (_, done) => {
        if (done === 1) t.procs.at(-1)?.kill();
      },
    });
    await expect(crashed).rejects.toBeInstanceOf(EngineCrashedError);
    expect(host.loaded()).toBeNull();
    // afterEach loads the model again in the new process.
    await host.load(base);
    expect(t.procs.length).toBe(procs + 1);
    expect((await host.benchmark({ threads: [1], promptLengths: [8], genTokens: 2, repetitions: 1 })).length).toBe(1);
  });
});
