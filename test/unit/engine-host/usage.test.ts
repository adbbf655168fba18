/**
 * The telemetry's readings of the engine process (usage) and the start hooks (onStart), through
 * the BUILT worker (out/main/engine-worker.js) and the real addon, on a fixture model: usage
 * answers with no model and beside a running generation, never resets idle unload, and rejects
 * once the host is closed; onStart runs once per request that starts, before its first token.
 * Needs `npx electron-vite build` (and the native addon) first; skipped otherwise.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EngineHost, EngineHostStatus, EngineUsage } from '../../../electron/services/engine-host/types';
import { loadAddon } from '../../../electron/services/native';
import { type TrackedHost, built, models, trackedHost, waitFor } from './helpers';

const [model = ''] = models;
const base = { modelKey: 'a', path: model, nCtx: 512, threads: 1 };
const greedy = { temperature: 0, repeatPenalty: 1, ignoreEog: true };

describe.skipIf(!built || models.length < 1)('engine usage and start hooks (built worker)', () => {
  let t: TrackedHost;
  let host: EngineHost;
  let prompt: number[];

  beforeAll(() => {
    t = trackedHost();
    host = t.host;
  });

  afterAll(async () => {
    await host?.close();
  });

  afterEach(() => {
    host.setIdleUnload(0);
  });

  it('answers with no model loaded: the process, its CPU time and memory, no energy counter on Linux', async () => {
    expect(host.loaded()).toBeNull();
    const usage = await host.usage();
    expect(usage.pid).toBe(t.procs[0]?.pid);
    expect(usage.cpuMs).toBeGreaterThan(0);
    expect(usage.rssBytes).toBeGreaterThan(0);
    expect(usage.baseRssBytes).toBeGreaterThan(0);
    expect(usage.modelBytes).toBeNull();
    if (process.platform === 'linux') expect(usage.energy).toBeNull();
    expect(host.status()).toMatchObject({ state: 'idle', pending: 0 });
  });

  it('answers while a generation runs; CPU time grows across the generation', async () => {
    await host.load(base);
    expect((await host.usage()).modelBytes).toBeGreaterThan(0);
    prompt = await host.tokenize('Hello world', { special: false, addBos: true });
    const before = await host.usage();
    let running = true;
    let during: Promise<EngineUsage> | null = null;
    let answeredWhileRunning = false;
    const result = await host.generate({
      source: 'ui',
      ids: prompt,
      options: { ...greedy, maxTokens: 300 },
      onToken: () => {
        during ??= host.usage().then((usage) => {
          answeredWhileRunning = running;
          return usage;
        });
      },
    });
    running = false;
    expect(result.generatedTokens).toBe(300);
    expect(during).not.toBeNull();
    const mid = await during!;
    expect(answeredWhileRunning).toBe(true);
    const after = await host.usage();
    expect(mid.pid).toBe(before.pid);
    expect(after.pid).toBe(before.pid);
    expect(after.cpuMs).toBeGreaterThan(before.cpuMs);
    expect(after.cpuMs).toBeGreaterThanOrEqual(mid.cpuMs);
    expect(after.baseRssBytes).toBe(before.baseRssBytes);
    expect(after.rssBytes).toBeGreaterThan(0);
  });

  it('onStart: once per generation, before its first token; never for one cancelled while queued', async () => {
    await host.load(base);
    const events: string[] = [];
    const first = host.generate({
      source: 'ui',
      ids: prompt,
      options: { ...greedy, maxTokens: 200 },
      onStart: () => events.push('first: start'),
      onToken: () => {
        if (events.at(-1) !== 'first: token') events.push('first: token');
      },
    });
    const controller = new AbortController();
    const dropped = host.generate({
      source: 'ui',
      ids: prompt,
      options: { ...greedy, maxTokens: 4 },
      signal: controller.signal,
      onStart: () => events.push('dropped: start'),
    });
    const last = host.generate({ source: 'api', ids: prompt, options: { ...greedy, maxTokens: 4 }, onStart: () => events.push('last: start') });
    controller.abort();
    await expect(dropped).rejects.toMatchObject({ code: 'CANCELLED' });
    await first;
    await last;
    expect(events).toEqual(['first: start', 'first: token', 'last: start']);
  });

  it('a usage call does not keep the model loaded past the idle time', async () => {
    await host.load(base);
    const idle = new Promise<EngineHostStatus>((resolve) => {
      const off = host.onStatus((s) => {
        if (s.state === 'idle') {
          off();
          resolve(s);
        }
      });
    });
    host.setIdleUnload(400);
    let unloaded = false;
    void idle.then(() => (unloaded = true));
    // Sampling ten times as often as the idle time would be reset, were usage a request.
    const sampling = (async () => {
      while (!unloaded) {
        await host.usage();
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    await waitFor(() => unloaded, 5_000, 'the idle unload');
    await sampling;
    expect(host.loaded()).toBeNull();
  });

  it('benchmark onStart runs once, before the first sample', async () => {
    await host.load(base);
    const events: string[] = [];
    const samples = await host.benchmark(
      { threads: [1], promptLengths: [8], genTokens: 2, repetitions: 2 },
      { onStart: () => events.push('start'), onSample: () => events.push('sample') },
    );
    expect(samples).toHaveLength(2);
    expect(events).toEqual(['start', 'sample', 'sample']);
  });
});

describe.skipIf(!built)('engine usage after close (built worker)', () => {
  it('rejects once the host is closed', async () => {
    const { host } = trackedHost();
    expect((await host.usage()).pid).toBeGreaterThan(0);
    await host.close();
    await expect(host.usage()).rejects.toMatchObject({ code: 'DISPOSED' });
  });
});

describe.skipIf(!built)('the addon energy counter', () => {
  it('exists, and gives nothing on Linux (the main process reads powercap there)', () => {
    const addon = loadAddon();
    expect(typeof addon.energyCounter).toBe('function');
    if (process.platform === 'linux') expect(addon.energyCounter?.()).toBeNull();
  });
});
