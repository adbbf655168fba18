/**
 * Tuning: the values the engine runs with (CPU threads, context, prompt micro-batch, LM-head
 * precision, reply length), the scenario presets, saved profiles and each model's own default,
 * and the benchmark that measures which thread count is best here.
 *
 * One source of truth: the values live in the app settings (contextTokens and sampling.maxTokens
 * are the same settings the Settings view shows); this service reads and writes them through
 * SettingsService and says `tuningChanged` whenever they, the profiles, the loaded model or the
 * best measured thread count change.
 *
 * Threads apply to the next request (the engine resizes its pool); context, micro-batch and head
 * need a reload, and are listed in pendingReload until the model is loaded with them.
 */
import { basename } from 'node:path';
import { totalmem } from 'node:os';
import packageJson from '../../../package.json';
import {
  type Benchmark,
  type BenchmarkRequest,
  type HeadType,
  type ModelFile,
  type ScenarioId,
  type TuningChanges,
  type TuningState,
  type TuningValues,
  TernError,
} from '../../common/contract';
import { contextFor } from '../chat/service';
import type { EventBus } from '../dispatcher';
import type { BenchmarkSample, EngineHost, LoadedModel, LoadRequest } from '../engine-host/types';
import type { ModelLibrary } from '../models/library';
import type { SettingsService, TuningSettingsChanges } from '../settings';
import type { BenchmarkMachine, Store } from '../store';
import { type Cores, machineCores } from './cores';
import { exportBenchmark } from './export';
import { sameValues, scenarioValues, scenarios } from './presets';
import type { BenchmarkEnergy } from '../telemetry/service';
import { DEFAULT_GEN_TOKENS, DEFAULT_PROMPT_LENGTHS, DEFAULT_REPETITIONS, aggregate, bestThreads, defaultThreads, fitPromptLengths } from './sweep';

/** What the engine uses when a load does not say (LoadRequest: absent nBatch, absent head). */
export const ENGINE_DEFAULT_BATCH = 64;
export const ENGINE_DEFAULT_HEAD: HeadType = 'q8_0';

export interface TuningServiceDeps {
  store: Pick<Store, 'tuningProfiles' | 'benchmarks'>;
  settings: SettingsService;
  engine: EngineHost;
  library: Pick<ModelLibrary, 'get' | 'runnable' | 'requireRunnable'>;
  events?: EventBus;
  /** This machine's cores; counted once from the OS unless a test says otherwise. */
  cores?: () => Cores;
  /** The CPU's name and its kernel paths (the addon's cpuInfo), for a benchmark's record. */
  cpuInfo?: () => { name: string; kernels?: { decode: string; prefill: string } };
  engineVersion?: string;
  totalMemoryBytes?: () => number;
  /** Before the benchmark loads a model that is not loaded (the fit check); a throw refuses. */
  beforeLoad?: (model: ModelFile, nCtx: number) => Promise<void>;
  /** benchmarkProgress at most this often (the last one always goes out). */
  progressIntervalMs?: number;
  /** A meter of each sample's energy (the telemetry's); absent: benchmarks record no energy. */
  energy?: () => BenchmarkEnergy;
  log?: (message: string) => void;
}

interface Running {
  controller: AbortController;
  done: Promise<unknown>;
}

export class TuningService {
  private readonly cores: () => Cores;
  private readonly log: (message: string) => void;
  /** What the last load asked for beyond the context (the engine's LoadedModel does not say). */
  private lastLoad: { modelKey: string; nBatch: number; head: HeadType } | null = null;
  private running: Running | null = null;
  private engineSeen = '';
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly deps: TuningServiceDeps) {
    this.cores = deps.cores ?? machineCores;
    this.log = deps.log ?? (() => {});
    const left = deps.store.benchmarks.failRunning('Tern stopped while it ran');
    if (left > 0) this.log(`tuning: ${left} benchmark(s) left running by the last run marked failed`);
    this.engineSeen = this.engineSignature();
    this.unsubscribe.push(deps.settings.onChange(() => this.changed()));
    this.unsubscribe.push(
      deps.engine.onStatus(() => {
        // The loaded model (and so its memory and what waits for a reload) changed.
        const seen = this.engineSignature();
        if (seen === this.engineSeen) return;
        this.engineSeen = seen;
        this.changed();
      }),
    );
  }

  // ---- The values -------------------------------------------------------------------------

  state(): TuningState {
    const app = this.deps.settings.get();
    const cores = this.cores();
    const { threads, from } = this.threadsInForce(app.threads, cores);
    const values: TuningValues = {
      threads,
      contextTokens: app.contextTokens,
      promptBatch: app.promptBatch,
      headType: app.headType,
      maxTokens: app.sampling.maxTokens,
    };
    const list = scenarios(cores);
    const chosen = app.scenario ? list.find((s) => s.id === app.scenario) : undefined;
    const loaded = this.deps.engine.loaded();
    return {
      values,
      scenario: chosen && sameValues(chosen.values, values) ? chosen.id : null,
      threadsFrom: from,
      logicalCores: cores.logical,
      physicalCores: cores.physical,
      scenarios: list,
      profiles: this.deps.store.tuningProfiles.list(),
      modelProfiles: this.deps.store.tuningProfiles.modelProfiles(),
      loadedModelBytes: loaded ? Math.max(0, loaded.description.memory.total) : null,
      pendingReload: this.pendingReload(loaded, values),
    };
  }

  /** The CPU threads for the next request: chosen, else the best measured here, else the physical cores. */
  threads(): number {
    return this.threadsInForce(this.deps.settings.get().threads, this.cores()).threads;
  }

  update(changes: TuningChanges): TuningState {
    const current = this.state();
    if (changes.threads !== undefined) this.checkThreads(changes.threads);
    const next: TuningValues = { ...current.values, ...definedOnly(changes) };
    // The scenario stays only while the values still are its values.
    const scenario = current.scenario && sameValues(scenarioValues(current.scenario, this.cores()), next) ? current.scenario : null;
    this.write({ ...definedOnly(changes), scenario });
    return this.state();
  }

  applyScenario(id: ScenarioId): TuningState {
    this.write({ ...scenarioValues(id, this.cores()), scenario: id });
    return this.state();
  }

  saveProfile(name: string): TuningState {
    this.deps.store.tuningProfiles.save(name.trim(), this.state().values);
    this.changed();
    return this.state();
  }

  applyProfile(id: string): TuningState {
    const profile = this.deps.store.tuningProfiles.get(id);
    if (!profile) throw new TernError('NOT_FOUND', `no tuning profile with id ${id}`);
    this.applyValues(profile.values);
    return this.state();
  }

  deleteProfile(id: string): TuningState {
    if (!this.deps.store.tuningProfiles.delete(id)) throw new TernError('NOT_FOUND', `no tuning profile with id ${id}`);
    this.changed();
    return this.state();
  }

  setModelProfile(modelId: string, profileId: string | null): TuningState {
    if (profileId !== null) {
      if (!this.deps.store.tuningProfiles.get(profileId)) throw new TernError('NOT_FOUND', `no tuning profile with id ${profileId}`);
      if (!this.deps.library.get(modelId)) throw new TernError('NOT_FOUND', `no model with id ${modelId}`);
    }
    this.deps.store.tuningProfiles.setModelProfile(modelId, profileId);
    this.changed();
    return this.state();
  }

  // ---- Loading ----------------------------------------------------------------------------

  /**
   * A model is about to be used (a reply, Load in Models, the benchmark): when it is not the one
   * loaded and has a default profile of its own, that profile's values take effect (before the
   * caller reads the settings and loads).
   */
  useModel(model: Pick<ModelFile, 'id'>): void {
    if (this.deps.engine.loaded()?.modelKey === model.id) return;
    const own = this.deps.store.tuningProfiles.modelProfile(model.id);
    if (!own) return;
    this.log(`tuning: ${model.id} loads with its own profile "${own.name}"`);
    this.applyValues(own.values);
  }

  /** The load request for a model with the values in force (the engine keeps it loaded when they are the same). */
  loadRequest(model: ModelFile): LoadRequest {
    const app = this.deps.settings.get();
    return {
      modelKey: model.id,
      path: model.path,
      nCtx: contextFor(model, app),
      // The pool starts at the threads in force (a change later resizes it; no reload).
      threads: this.threadsInForce(app.threads, this.cores()).threads,
      nBatch: app.promptBatch,
      head: app.headType,
    };
  }

  /** Loads a model with the values in force, remembering the micro-batch and head it was loaded with. */
  async load(model: ModelFile): Promise<LoadedModel> {
    const request = this.loadRequest(model);
    const loaded = await this.deps.engine.load(request);
    this.lastLoad = { modelKey: loaded.modelKey, nBatch: request.nBatch!, head: request.head as HeadType };
    this.changed();
    return loaded;
  }

  // ---- The benchmark ----------------------------------------------------------------------

  /**
   * Runs a thread sweep on the loaded model (loading the default model first when none is), and
   * answers when it ends: done, cancelled (with the rows finished so far) or failed. A second
   * run while one runs is refused (CONFLICT).
   */
  async runBenchmark(request: BenchmarkRequest): Promise<Benchmark> {
    if (this.running) throw new TernError('CONFLICT', 'A benchmark is already running; wait for it to finish or cancel it.');
    const controller = new AbortController();
    const running: Running = { controller, done: Promise.resolve() };
    this.running = running;
    const work = this.benchmark(request, controller.signal);
    running.done = work.catch(() => undefined);
    try {
      return await work;
    } finally {
      if (this.running === running) this.running = null;
    }
  }

  /** Stops the running benchmark after the sample in progress; false when none runs. */
  cancelBenchmark(): boolean {
    if (!this.running || this.running.controller.signal.aborted) return false;
    this.running.controller.abort();
    return true;
  }

  listBenchmarks(): Benchmark[] {
    return this.deps.store.benchmarks.list();
  }

  applyBestThreads(id: string): TuningState {
    const record = this.deps.store.benchmarks.get(id);
    if (!record) throw new TernError('NOT_FOUND', `no benchmark with id ${id}`);
    const best = record.benchmark.bestThreads;
    if (best === null) throw new TernError('CONFLICT', 'This benchmark has no results to take the thread count from.');
    return this.update({ threads: Math.min(best, this.cores().logical) });
  }

  exportBenchmark(id: string, format: 'json' | 'markdown'): { fileName: string; content: string } {
    const record = this.deps.store.benchmarks.get(id);
    if (!record) throw new TernError('NOT_FOUND', `no benchmark with id ${id}`);
    return exportBenchmark(record.benchmark, record.machine, format);
  }

  /** Cancels a running benchmark and waits for it; stops following the settings and the engine. */
  async close(): Promise<void> {
    for (const stop of this.unsubscribe.splice(0)) stop();
    const running = this.running;
    if (running) {
      running.controller.abort();
      await running.done;
    }
  }

  private async benchmark(request: BenchmarkRequest, signal: AbortSignal): Promise<Benchmark> {
    const { engine, store } = this.deps;
    const cores = this.cores();
    if (typeof engine.benchmark !== 'function') throw new TernError('UNAVAILABLE', 'This engine cannot run a benchmark yet.');
    const threads = request.threads ? [...new Set(request.threads)].sort((a, b) => a - b) : defaultThreads(cores);
    for (const t of threads) this.checkThreads(t);
    const genTokens = request.genTokens ?? DEFAULT_GEN_TOKENS;
    const repetitions = request.repetitions ?? DEFAULT_REPETITIONS;

    const loaded = await this.modelToMeasure();
    const model = this.deps.library.get(loaded.modelKey);
    const promptLengths = fitPromptLengths(request.promptLengths ?? DEFAULT_PROMPT_LENGTHS, loaded.nCtx, genTokens);
    const loadedWith = this.loadedWith(loaded);
    const cpu = this.cpu();
    const { id, createdAt } = store.benchmarks.newIdentity();
    const machine: BenchmarkMachine = {
      platform: process.platform,
      arch: process.arch,
      logicalCores: cores.logical,
      physicalCores: cores.physical,
      totalMemoryBytes: (this.deps.totalMemoryBytes ?? totalmem)(),
    };
    let benchmark: Benchmark = {
      id,
      createdAt,
      state: 'running',
      error: null,
      modelId: loaded.modelKey,
      modelName: model?.name || loaded.description.name || model?.fileName || basename(loaded.path),
      modelFile: model?.fileName ?? basename(loaded.path),
      cpu: cpu.name,
      kernels: loaded.description.kernels ?? cpu.kernels ?? { decode: 'unknown', prefill: 'unknown' },
      engineVersion: this.deps.engineVersion ?? packageJson.version,
      settings: { contextTokens: loaded.nCtx, promptBatch: loadedWith.nBatch, headType: loadedWith.head },
      threads,
      promptLengths,
      genTokens,
      repetitions,
      rows: [],
      energySource: null,
      bestThreads: null,
    };
    const energy = this.deps.energy?.();
    const finish = async (state: Benchmark['state'], samples: BenchmarkSample[], error: string | null): Promise<Benchmark> => {
      const measured = await energy?.end().catch(() => null);
      const joules = measured?.joules ?? [];
      const withEnergy = samples.map((sample, i) => ({ ...sample, joulesPerToken: joules[i] != null ? joules[i]! / genTokens : null }));
      const rows = aggregate(withEnergy, threads, promptLengths);
      const energySource = rows.some((row) => row.joulesPerToken !== null) ? (measured?.source ?? null) : null;
      benchmark = { ...benchmark, state, error, rows, energySource, bestThreads: bestThreads(rows) };
      store.benchmarks.save(benchmark, machine);
      this.deps.events?.emit('benchmarkChanged', benchmark);
      if (state === 'done') this.changed();
      return benchmark;
    };
    if (signal.aborted) return finish('cancelled', [], null);

    store.benchmarks.save(benchmark, machine);
    this.deps.events?.emit('benchmarkChanged', benchmark);
    const total = threads.length * repetitions * promptLengths.length;
    const samples: BenchmarkSample[] = [];
    const progress = new ProgressThrottle(this.deps.progressIntervalMs ?? 250, (done) =>
      this.deps.events?.emit('benchmarkProgress', { id, done, total, step: stepWords(done, total, threads, repetitions, promptLengths) }),
    );
    progress.send(0, true);
    try {
      await engine.benchmark(
        { threads, promptLengths, genTokens, repetitions },
        {
          signal,
          onStart: () => energy?.onStart(),
          onSample: (sample, done) => {
            energy?.onSample();
            samples.push(sample);
            progress.send(done, done >= total);
          },
        },
      );
      progress.flush();
      return finish(samples.length >= total || !signal.aborted ? 'done' : 'cancelled', samples, null);
    } catch (error) {
      progress.flush();
      const message = error instanceof Error ? error.message : String(error);
      this.log(`tuning: benchmark ${id} failed: ${message}`);
      return finish(signal.aborted ? 'cancelled' : 'failed', samples, signal.aborted ? null : message);
    }
  }

  /** The loaded model as it is; else the default model (or the only one), loaded with the values in force. */
  private async modelToMeasure(): Promise<LoadedModel> {
    const { engine, settings, library } = this.deps;
    const loaded = engine.loaded();
    if (loaded) return loaded;
    const last = settings.defaultModelId();
    const runnable = library.runnable();
    const id = last && library.get(last)?.problem === null ? last : runnable.length === 1 ? runnable[0]!.id : null;
    if (!id) {
      throw new TernError('UNAVAILABLE', runnable.length === 0 ? 'No model to measure: add one in Models first.' : 'Load a model first: the benchmark measures the loaded one.');
    }
    const model = library.requireRunnable(id);
    this.useModel(model);
    const request = this.loadRequest(model);
    if (this.deps.beforeLoad) {
      try {
        await this.deps.beforeLoad(model, request.nCtx);
      } catch (error) {
        throw new TernError('UNAVAILABLE', error instanceof Error ? error.message : String(error));
      }
    }
    try {
      return await this.load(model);
    } catch (error) {
      throw new TernError('UNAVAILABLE', `${model.fileName} could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  // ---- Helpers ----------------------------------------------------------------------------

  private threadsInForce(chosen: number | null, cores: Cores): { threads: number; from: TuningState['threadsFrom'] } {
    if (chosen !== null) return { threads: Math.min(chosen, cores.logical), from: 'chosen' };
    const measured = this.deps.store.benchmarks.latestBestThreads();
    if (measured !== null) return { threads: Math.min(measured, cores.logical), from: 'benchmark' };
    return { threads: cores.physical, from: 'physical-cores' };
  }

  private checkThreads(threads: number): void {
    const { logical } = this.cores();
    if (threads > logical) throw new TernError('BAD_REQUEST', `${threads} threads is more than this machine's ${logical} logical cores`);
  }

  /** A profile's values (threads capped at the cores); the scenario becomes the one they match, if any. */
  private applyValues(values: TuningValues): void {
    const cores = this.cores();
    const next = { ...values, threads: Math.min(values.threads, cores.logical) };
    const match = scenarios(cores).find((s) => sameValues(s.values, next));
    this.write({ ...next, scenario: match?.id ?? null });
  }

  private write(changes: Partial<TuningValues> & { scenario?: ScenarioId | null }): void {
    const { maxTokens, ...rest } = changes;
    const update: TuningSettingsChanges = { ...rest, ...(maxTokens === undefined ? {} : { maxTokens }) };
    // Writing the settings says tuningChanged (through the settings listener).
    this.deps.settings.updateTuning(update);
  }

  /** What the loaded model was loaded with beyond its context: as the last load asked, else the engine's defaults. */
  private loadedWith(loaded: LoadedModel): { nBatch: number; head: HeadType } {
    if (this.lastLoad?.modelKey === loaded.modelKey) return { nBatch: this.lastLoad.nBatch, head: this.lastLoad.head };
    return { nBatch: ENGINE_DEFAULT_BATCH, head: ENGINE_DEFAULT_HEAD };
  }

  private pendingReload(loaded: LoadedModel | null, values: TuningValues): TuningState['pendingReload'] {
    if (!loaded) return [];
    const model = this.deps.library.get(loaded.modelKey);
    const app = this.deps.settings.get();
    const wantCtx = model ? contextFor(model, app) : Math.min(values.contextTokens, loaded.description.hparams.nCtxTrain || values.contextTokens);
    const was = this.loadedWith(loaded);
    const pending: TuningState['pendingReload'] = [];
    if (wantCtx !== loaded.nCtx) pending.push('contextTokens');
    if (values.promptBatch !== was.nBatch) pending.push('promptBatch');
    if (values.headType !== was.head) pending.push('headType');
    return pending;
  }

  private cpu(): { name: string; kernels?: { decode: string; prefill: string } } {
    try {
      return this.deps.cpuInfo?.() ?? { name: 'unknown CPU' };
    } catch {
      return { name: 'unknown CPU' };
    }
  }

  private engineSignature(): string {
    const status = this.deps.engine.status();
    const loaded = this.deps.engine.loaded();
    return JSON.stringify([status.state === 'ready', loaded?.modelKey ?? null, loaded?.nCtx ?? null]);
  }

  private changed(): void {
    this.deps.events?.emit('tuningChanged', this.state());
  }
}

/** "4 threads, repetition 2 of 3, prompt of 128 tokens": the sample that runs after `done` of them. */
function stepWords(done: number, total: number, threads: number[], repetitions: number, promptLengths: number[]): string {
  if (done >= total) return 'finished';
  const perThreads = repetitions * promptLengths.length;
  const t = threads[Math.floor(done / perThreads)]!;
  const repetition = Math.floor((done % perThreads) / promptLengths.length) + 1;
  const prompt = promptLengths[done % promptLengths.length]!;
  return `${t} thread${t === 1 ? '' : 's'}, repetition ${repetition} of ${repetitions}, prompt of ${prompt} tokens`;
}

/** Sends at most one progress per interval; a forced or flushed one always goes out. */
class ProgressThrottle {
  private lastAt = -Infinity;
  private lastSent = -1;
  private latest = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (done: number) => void,
  ) {}

  send(done: number, force = false): void {
    this.latest = done;
    const now = Date.now();
    if (!force && now - this.lastAt < this.intervalMs) return;
    this.lastAt = now;
    this.lastSent = done;
    this.emit(done);
  }

  /** The last count, if it has not gone out. */
  flush(): void {
    if (this.lastSent !== this.latest) this.send(this.latest, true);
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
