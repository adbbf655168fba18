/**
 * Tuning through the real services and the dispatcher: every call answers as the contract says,
 * and a small benchmark runs in the engine process on a fixture model (loaded for it), is saved,
 * and exports with its `tern bench` command.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Benchmark, EventName, EventPayload, TuningState, WireResult } from '../../../electron/common/contract';
import { type Dispatch, createDispatcher } from '../../../electron/services/dispatcher';
import { forkLauncher } from '../../../electron/services/engine-host/host';
import { type Services, openServices } from '../../../electron/services/services';
import { built, models, workerPath } from '../engine-host/helpers';

let root: string;
let services: Services;
let dispatch: Dispatch;
let seen: { name: EventName; payload: EventPayload<EventName> }[];

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'tern-tuning-'));
  mkdirSync(join(root, 'data', 'models'), { recursive: true });
  if (models[0]) copyFileSync(models[0], join(root, 'data', 'models', basename(models[0])));
  services = openServices({ dataDir: join(root, 'data'), host: 'headless', owner: 'tuning test', launchEngine: forkLauncher(workerPath) });
  dispatch = createDispatcher(services.handlers);
  seen = [];
  services.events.listen((name, payload) => seen.push({ name, payload }));
  await services.library.scan();
});

afterEach(async () => {
  await services.close();
  rmSync(root, { recursive: true, force: true });
});

async function call<T>(method: string, params: unknown): Promise<T> {
  const result = (await dispatch(method, params)) as WireResult<T>;
  if (!result.ok) throw Object.assign(new Error(`${method}: ${result.error.message}`), { code: result.error.code });
  return result.value;
}

describe.skipIf(!built || models.length === 0)('tuning (real services)', () => {
  it('answers the tuning calls; a scenario writes the settings, and Settings changes say tuningChanged', async () => {
    const state = await call<TuningState>('getTuning', {});
    expect(state.scenarios).toHaveLength(4);
    expect(state.threadsFrom).toBe('physical-cores');
    const applied = await call<TuningState>('applyScenario', { scenario: 'battery' });
    expect(applied.scenario).toBe('battery');
    expect(await call('getSettings', {})).toMatchObject({ contextTokens: 2048, promptBatch: 32, headType: 'q6_k', scenario: 'battery' });
    await call('updateSettings', { contextTokens: 3072 });
    const last = seen.filter((e) => e.name === 'tuningChanged').at(-1)?.payload as TuningState;
    expect(last).toMatchObject({ scenario: null, values: { contextTokens: 3072 } });
    const profiles = await call<TuningState>('saveProfile', { name: 'Mine' });
    expect(profiles.profiles.map((p) => p.name)).toEqual(['Mine']);
    expect(await call('cancelBenchmark', {})).toEqual({ cancelled: false });
    expect(await call('listBenchmarks', {})).toEqual([]);
  });

  it('benchmarks the default model in the engine process, saves it and exports it', async () => {
    const model = services.library.runnable()[0]!;
    await call('setDefaultModel', { modelId: model.id });
    const result = await call<Benchmark>('runBenchmark', { threads: [1, 2], promptLengths: [8, 16], genTokens: 4, repetitions: 2 });
    expect(result).toMatchObject({ state: 'done', modelId: model.id, modelFile: model.fileName, threads: [1, 2], promptLengths: [8, 16] });
    expect(result.rows.map((r) => r.threads)).toEqual([1, 2]);
    for (const row of result.rows) {
      expect(row.decodeTokensPerSecond.median).toBeGreaterThan(0);
      expect(row.ttftMs).toHaveLength(2);
    }
    expect([1, 2]).toContain(result.bestThreads);
    expect(services.engine.loaded()?.modelKey).toBe(model.id);
    expect(seen.filter((e) => e.name === 'benchmarkChanged').map((e) => (e.payload as Benchmark).state)).toEqual(['running', 'done']);
    expect(seen.filter((e) => e.name === 'benchmarkProgress').at(-1)?.payload).toMatchObject({ done: 8, total: 8 });
    expect(await call<Benchmark[]>('listBenchmarks', {})).toEqual([result]);
    expect(await call<TuningState>('getTuning', {})).toMatchObject({ threadsFrom: 'benchmark', values: { threads: result.bestThreads } });

    const md = await call<{ fileName: string; content: string }>('exportBenchmark', { id: result.id, format: 'markdown' });
    expect(md.content).toContain(`tern bench -m ${model.fileName} -t 1,2 -p 8,16 -n 4 -r 2 --head q8_0`);
    const applied = await call<TuningState>('applyBestThreads', { id: result.id });
    expect(applied).toMatchObject({ threadsFrom: 'chosen', values: { threads: result.bestThreads } });
  });
});
