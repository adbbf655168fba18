/**
 * The tuning service on a real store and a fake engine: values and where the threads come from,
 * scenarios, profiles (and a model's own), what waits for a reload, and the benchmark (one at a
 * time, progress, cancel, failure, saved, Apply best, export).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Benchmark, type BenchmarkProgress, type EventName, type EventPayload, TuningState } from '../../../electron/common/contract';
import { EventBus } from '../../../electron/services/dispatcher';
import { SettingsService } from '../../../electron/services/settings';
import type { Cores } from '../../../electron/services/tuning/cores';
import { TuningService } from '../../../electron/services/tuning/service';
import { type TempStore, createTempStore } from '../store/temp-store';
import { FakeEngine, fakeLibrary, fakeModel } from './helpers';

let temp: TempStore;
let engine: FakeEngine;
let settings: SettingsService;
let bus: EventBus;
let seen: { name: EventName; payload: unknown }[];
let services: TuningService[];
const models = [fakeModel('alpha'), fakeModel('beta', { contextLength: 2048 })];

function open(cores: Cores = { logical: 8, physical: 4 }): TuningService {
  settings = new SettingsService(temp.store.settings, bus);
  const service = new TuningService({
    store: temp.store,
    settings,
    engine,
    library: fakeLibrary(models),
    events: bus,
    cores: () => cores,
    cpuInfo: () => ({ name: 'Fake CPU 9000', kernels: { decode: 'cpu-decode', prefill: 'cpu-prefill' } }),
    engineVersion: '9.9.9',
    totalMemoryBytes: () => 16 * 1024 ** 3,
    progressIntervalMs: 0,
  });
  services.push(service);
  return service;
}

beforeEach(() => {
  temp = createTempStore();
  engine = new FakeEngine();
  bus = new EventBus();
  seen = [];
  services = [];
  bus.listen((name, payload) => seen.push({ name, payload }));
});
afterEach(async () => {
  for (const service of services) await service.close();
  temp.cleanup();
});

const named = <E extends EventName>(name: E) => seen.filter((e) => e.name === name).map((e) => e.payload as EventPayload<E>);

describe('values', () => {
  it('start from the settings; threads from the physical cores; the state matches the contract', () => {
    const tuning = open({ logical: 8, physical: 4 });
    const state = tuning.state();
    expect(() => TuningState.parse(state)).not.toThrow();
    expect(state).toMatchObject({
      values: { threads: 4, contextTokens: 4096, promptBatch: 64, headType: 'q8_0', maxTokens: 1024 },
      scenario: null,
      threadsFrom: 'physical-cores',
      logicalCores: 8,
      physicalCores: 4,
      loadedModelBytes: null,
      pendingReload: [],
    });
    expect(tuning.threads()).toBe(4);
  });

  it('context and reply length are the settings\' own (one source of truth)', () => {
    const tuning = open();
    tuning.update({ contextTokens: 2048, maxTokens: 300, threads: 3 });
    expect(settings.get()).toMatchObject({ contextTokens: 2048, threads: 3, sampling: { maxTokens: 300 } });
    settings.update({ contextTokens: 8192 });
    expect(tuning.state().values.contextTokens).toBe(8192);
    expect(tuning.state().threadsFrom).toBe('chosen');
    // A change in Settings says tuningChanged too.
    expect(named('tuningChanged').at(-1)?.values.contextTokens).toBe(8192);
  });

  it('refuses more threads than logical cores', () => {
    const tuning = open({ logical: 8, physical: 4 });
    expect(() => tuning.update({ threads: 9 })).toThrow(/logical cores/);
  });
});

describe('scenarios', () => {
  const cases: [string, Cores, number[]][] = [
    ['2-core', { logical: 2, physical: 2 }, [2, 2, 2, 2]],
    ['8-core', { logical: 8, physical: 8 }, [2, 4, 8, 8]],
    ['32-core', { logical: 32, physical: 16 }, [2, 4, 8, 16]],
  ];
  for (const [label, cores, threads] of cases) {
    it(`apply their values on a ${label} machine`, () => {
      const tuning = open(cores);
      const ids = ['battery', 'balanced', 'performance', 'maximum'] as const;
      ids.forEach((id, i) => {
        const state = tuning.applyScenario(id);
        expect(state.scenario).toBe(id);
        expect(state.values).toEqual({ ...state.scenarios[i]!.values, threads: threads[i] });
        expect(settings.get()).toMatchObject({ scenario: id, threads: threads[i], contextTokens: state.values.contextTokens });
      });
      expect(tuning.state().values).toEqual({ threads: threads[3], contextTokens: 8192, promptBatch: 256, headType: 'f16', maxTokens: 2048 });
    });
  }

  it('becomes custom after a change, also one made in Settings; stays when the change is its own value', () => {
    const tuning = open();
    tuning.applyScenario('balanced');
    expect(tuning.update({ promptBatch: 64 }).scenario).toBe('balanced');
    expect(tuning.update({ maxTokens: 700 }).scenario).toBeNull();
    expect(settings.get().scenario).toBeNull();
    tuning.applyScenario('performance');
    settings.update({ contextTokens: 1024 });
    expect(tuning.state().scenario).toBeNull();
  });
});

describe('profiles', () => {
  it('save, apply and delete; a model\'s own default; kept across a restart', () => {
    let tuning = open();
    tuning.update({ threads: 3, contextTokens: 3000, promptBatch: 16, headType: 'q6_k', maxTokens: 200 });
    const saved = tuning.saveProfile('Quiet');
    expect(saved.profiles).toHaveLength(1);
    const quiet = saved.profiles[0]!;
    expect(quiet).toMatchObject({ name: 'Quiet', values: { threads: 3, contextTokens: 3000, promptBatch: 16, headType: 'q6_k', maxTokens: 200 } });
    // The same name again replaces its values.
    tuning.update({ maxTokens: 250 });
    expect(tuning.saveProfile('quiet').profiles.map((p) => [p.id, p.values.maxTokens])).toEqual([[quiet.id, 250]]);

    tuning.applyScenario('maximum');
    expect(tuning.applyProfile(quiet.id)).toMatchObject({ scenario: null, values: { threads: 3, maxTokens: 250, headType: 'q6_k' } });
    expect(tuning.setModelProfile('alpha', quiet.id).modelProfiles).toEqual({ alpha: quiet.id });
    expect(() => tuning.setModelProfile('alpha', 'nope')).toThrow(/no tuning profile/);
    expect(() => tuning.setModelProfile('gamma', quiet.id)).toThrow(/no model/);

    temp.reopen();
    tuning = open();
    expect(tuning.state().profiles.map((p) => p.name)).toEqual(['quiet']);
    expect(tuning.state().modelProfiles).toEqual({ alpha: quiet.id });
    expect(tuning.state().values.maxTokens).toBe(250);

    // Deleting the profile makes it no model's default.
    const after = tuning.deleteProfile(quiet.id);
    expect(after.profiles).toEqual([]);
    expect(after.modelProfiles).toEqual({});
    expect(() => tuning.deleteProfile(quiet.id)).toThrow(/no tuning profile/);
    expect(() => tuning.applyProfile(quiet.id)).toThrow(/no tuning profile/);
  });

  it('a model\'s own profile applies when it is about to load, not while it is loaded', async () => {
    const tuning = open();
    tuning.update({ maxTokens: 111 });
    const own = tuning.saveProfile('Alpha').profiles[0]!;
    tuning.setModelProfile('alpha', own.id);
    tuning.applyScenario('balanced');
    tuning.useModel(models[0]!);
    expect(tuning.state().values.maxTokens).toBe(111);
    await tuning.load(models[0]!);
    tuning.update({ maxTokens: 222 });
    tuning.useModel(models[0]!);
    expect(tuning.state().values.maxTokens).toBe(222);
    // A model without its own keeps the values in force.
    tuning.useModel(models[1]!);
    expect(tuning.state().values.maxTokens).toBe(222);
  });
});

describe('loading', () => {
  it('loads with the micro-batch and head in force; what differs waits for a reload', async () => {
    const tuning = open();
    tuning.update({ promptBatch: 32, headType: 'q6_k' });
    await tuning.load(models[1]!);
    // beta's own context is 2048: the context in force is capped at it.
    expect(engine.loads.at(-1)).toEqual({ modelKey: 'beta', path: '/models/beta.gguf', nCtx: 2048, threads: 4, nBatch: 32, head: 'q6_k' });
    let state = tuning.state();
    expect(state.pendingReload).toEqual([]);
    expect(state.loadedModelBytes).toBe(501_000_000 + 2048 * 10_000);
    state = tuning.update({ contextTokens: 8192, threads: 2 });
    // 8192 is still 2048 for beta; threads need no reload.
    expect(state.pendingReload).toEqual([]);
    expect(tuning.update({ contextTokens: 1024, headType: 'f16', promptBatch: 128 }).pendingReload).toEqual(['contextTokens', 'promptBatch', 'headType']);
    await tuning.load(models[1]!);
    expect(tuning.state().pendingReload).toEqual([]);
  });
});

describe('benchmark', () => {
  async function run(tuning: TuningService, request = {}) {
    return tuning.runBenchmark({ threads: [1, 2, 4, 8], promptLengths: [16, 64], genTokens: 8, repetitions: 3, ...request });
  }

  it('loads the default model when none is loaded, sweeps, saves the record and says what it did', async () => {
    const tuning = open({ logical: 8, physical: 4 });
    settings.setDefaultModelId('alpha');
    tuning.update({ headType: 'q6_k' });
    const result = await run(tuning);
    expect(engine.loads).toHaveLength(1);
    expect(engine.sweeps).toEqual([{ threads: [1, 2, 4, 8], promptLengths: [16, 64], genTokens: 8, repetitions: 3 }]);
    expect(result).toMatchObject({
      state: 'done',
      error: null,
      modelId: 'alpha',
      modelName: 'Model alpha',
      modelFile: 'alpha.gguf',
      cpu: 'Fake CPU 9000',
      kernels: { decode: 'avx2-decode', prefill: 'avx2-prefill' },
      engineVersion: '9.9.9',
      settings: { contextTokens: 4096, promptBatch: 64, headType: 'q6_k' },
      bestThreads: 4,
    });
    expect(result.rows.map((r) => r.threads)).toEqual([1, 2, 4, 8]);
    expect(result.rows[2]!.decodeTokensPerSecond).toEqual({ median: 30.2, min: 30.1, max: 30.3 });
    expect(result.rows[2]!.ttftMs).toEqual([
      { median: 4, min: 4, max: 4 },
      { median: 16, min: 16, max: 16 },
    ]);
    expect(tuning.listBenchmarks()).toEqual([result]);

    const changes = named('benchmarkChanged');
    expect(changes.map((b) => b.state)).toEqual(['running', 'done']);
    const progress = named('benchmarkProgress');
    expect(progress[0]).toMatchObject({ done: 0, total: 24, step: '1 thread, repetition 1 of 3, prompt of 16 tokens' });
    expect(progress.at(-1)).toMatchObject({ done: 24, total: 24, step: 'finished' });

    // With no thread count chosen, the best measured one is in force.
    expect(tuning.state()).toMatchObject({ threadsFrom: 'benchmark', values: { threads: 4 } });
  });

  it('defaults: the thread sweep of this machine, three prompt lengths within the context', async () => {
    const tuning = open({ logical: 12, physical: 6 });
    await engine.load({ modelKey: 'beta', path: '/models/beta.gguf', nCtx: 256 });
    const result = await tuning.runBenchmark({});
    expect(result).toMatchObject({ threads: [1, 2, 4, 6, 8, 12], promptLengths: [32, 128, 192], genTokens: 64, repetitions: 3 });
    // Loaded elsewhere without saying: the engine's defaults.
    expect(result.settings).toEqual({ contextTokens: 256, promptBatch: 64, headType: 'q8_0' });
    expect(engine.loads).toHaveLength(1);
  });

  it('refuses without a model, and more threads than the machine has', async () => {
    const tuning = open({ logical: 4, physical: 2 });
    await expect(tuning.runBenchmark({ threads: [8] })).rejects.toThrow(/logical cores/);
    const none = new TuningService({ store: temp.store, settings, engine, library: fakeLibrary([]), cores: () => ({ logical: 4, physical: 2 }) });
    services.push(none);
    await expect(none.runBenchmark({})).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('runs one at a time: a second run is a CONFLICT; cancel keeps the rows finished', async () => {
    const tuning = open();
    await tuning.load(models[0]!);
    let release!: () => void;
    const paused = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const atSample = new Promise<void>((resolve) => (reached = resolve));
    // Pause before thread count 2's second repetition (samples 0-5: 1 thread; 6-7: 2 threads rep 1);
    // the sample that then runs is kept (rows use every sample they have).
    engine.beforeSample = async (index) => {
      if (index === 8) {
        reached();
        await paused;
      }
    };
    const first = run(tuning);
    await atSample;
    await expect(run(tuning)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(tuning.cancelBenchmark()).toBe(true);
    expect(tuning.cancelBenchmark()).toBe(false);
    release();
    const result = await first;
    expect(result.state).toBe('cancelled');
    expect(result.rows.map((r) => r.threads)).toEqual([1, 2]);
    expect(result.rows[1]!.decodeTokensPerSecond).toEqual({ median: 20.1, min: 20.1, max: 20.2 });
    expect(result.bestThreads).toBe(2);
    expect(named('benchmarkProgress').at(-1)).toMatchObject({ done: 9, total: 24 });
    expect(tuning.listBenchmarks()[0]).toEqual(result);
    // A cancelled sweep is not "the best measured here".
    expect(tuning.state().threadsFrom).toBe('physical-cores');
    expect(tuning.cancelBenchmark()).toBe(false);
    // And the next run may start.
    engine.beforeSample = async () => {};
    expect((await run(tuning)).state).toBe('done');
  });

  it('a failed sweep is saved as failed, with the rows before the failure', async () => {
    const tuning = open();
    await tuning.load(models[0]!);
    engine.failAt = 14;
    const result = await run(tuning);
    expect(result).toMatchObject({ state: 'failed', error: 'the engine process stopped' });
    expect(result.rows.map((r) => r.threads)).toEqual([1, 2, 4]);
  });

  it('Apply best sets the threads; a benchmark left running by a crash is failed at the next start', async () => {
    const tuning = open();
    await tuning.load(models[0]!);
    const result = await run(tuning);
    expect(tuning.applyBestThreads(result.id)).toMatchObject({ threadsFrom: 'chosen', values: { threads: 4 } });
    expect(() => tuning.applyBestThreads('nope')).toThrow(/no benchmark/);

    const running: Benchmark = { ...result, id: 'left-running', state: 'running', createdAt: result.createdAt + 1 };
    temp.store.benchmarks.save(running, null);
    temp.reopen();
    const again = open();
    expect(again.listBenchmarks().map((b) => [b.id, b.state])).toEqual([
      ['left-running', 'failed'],
      [result.id, 'done'],
    ]);
  });

  it('progress goes out at most once an interval, and always the last', async () => {
    settings = new SettingsService(temp.store.settings, bus);
    const tuning = new TuningService({
      store: temp.store,
      settings,
      engine,
      library: fakeLibrary(models),
      events: bus,
      cores: () => ({ logical: 8, physical: 4 }),
      progressIntervalMs: 60_000,
    });
    services.push(tuning);
    await tuning.load(models[0]!);
    await run(tuning);
    expect(named('benchmarkProgress').map((p: BenchmarkProgress) => p.done)).toEqual([0, 24]);
  });
});
